//! The rule-author commands on the built-in rule set and on broken fixtures under
//! tests/fixtures/rules: `rules check`, `rules test`, `explain` and `schema`.

use std::path::Path;
use std::process::Command;

use account_advisor::rules::answers;
use account_advisor::rules::load;
use account_advisor::rules::parse::parse;

/// Runs the binary from the crate root; returns (exit code, stdout).
fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_account-advisor"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match out {
        Ok(out) => (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ),
        Err(e) => panic!("failed to run the binary: {e}"),
    }
}

/// The `file:line:col: level: message` lines of `rules check` on a fixture.
fn diagnostics(fixture: &str) -> (i32, Vec<String>) {
    let dir = format!("tests/fixtures/rules/{fixture}");
    let (code, out) = run(&["rules", "check", &dir]);
    let lines = out
        .lines()
        .filter(|l| {
            l.starts_with("tests/fixtures/")
                && (l.contains(": error: ") || l.contains(": warning: "))
        })
        .map(str::to_string)
        .collect();
    (code, lines)
}

fn expect(fixture: &str, code: i32, expected: &[&str]) {
    let (got_code, got) = diagnostics(fixture);
    let prefix = format!("tests/fixtures/rules/{fixture}/rules.yaml:");
    let expected: Vec<String> = expected.iter().map(|e| format!("{prefix}{e}")).collect();
    assert_eq!(got, expected, "{fixture}");
    assert_eq!(got_code, code, "{fixture}");
}

#[test]
fn the_built_in_rule_set_checks_clean() {
    let (code, out) = run(&["rules", "check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("answer space: 53874 combinations checked (829724 counting every option and boundary value)"), "{out}");
    assert!(out.ends_with("clean: no errors, no warnings\n"), "{out}");
}

#[test]
fn a_clean_fixture_checks_clean() {
    expect("clean", 0, &[]);
}

#[test]
fn yaml_syntax_errors_are_placed() {
    expect(
        "yaml_syntax",
        1,
        &[
            "40:11: error: a quoted text starting here is not closed; add the closing quote (yaml: invalid indentation in quoted scalar)",
        ],
    );
}

#[test]
fn unknown_keys_get_a_suggestion() {
    expect(
        "unknown_key",
        1,
        &["39:5: error: unknown key `priorty` in a recommendation rule; did you mean `priority`?"],
    );
}

#[test]
fn unknown_questions_get_a_suggestion() {
    expect(
        "unknown_question",
        1,
        &["26:18: error: unknown question or predicate `team_sise`; did you mean `team_size`?"],
    );
}

#[test]
fn unknown_options_get_a_suggestion() {
    expect(
        "unknown_option",
        1,
        &[
            "25:23: error: `external_customer` is not an option of `serves`; did you mean `external_customers`? options: own_business, external_customers",
        ],
    );
}

#[test]
fn a_yes_no_compared_with_a_number_is_a_type_error() {
    expect(
        "type_mismatch",
        1,
        &["51:34: error: `resell` is yes/no; `2` is not yes or no"],
    );
}

#[test]
fn duplicate_ids_point_at_both_places() {
    expect(
        "duplicate_id",
        1,
        &[
            "42:5: error: recommendation rule `team_for_collaboration` is defined twice (first at tests/fixtures/rules/duplicate_id/rules.yaml:37:5)",
        ],
    );
}

#[test]
fn a_when_may_not_read_a_later_question() {
    expect(
        "later_question",
        1,
        &[
            "10:11: error: `team_size` is asked later; a `when` may only read questions asked before it",
        ],
    );
}

#[test]
fn predicate_cycles_are_found() {
    expect(
        "predicate_cycle",
        1,
        &["25:3: error: predicates form a cycle: external -> collaborators -> external"],
    );
}

#[test]
fn unreachable_rules_are_found() {
    expect(
        "unreachable",
        0,
        &[
            "48:5: warning: recommendation rule `team_for_large_companies` can never win: whenever `team_size >= 50` holds, a rule of higher priority matches too (for example by `team_for_collaboration`, priority 20)",
            "56:11: warning: recommendation rule `team_beyond_the_maximum` can never fire: its condition `team_size > 100` is false for every answer combination",
        ],
    );
}

/// Loads a fixture's rules and an answers file's text, and decides.
fn decide(fixture: &str, answers_text: &str) -> account_advisor::model::Decision {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(fixture);
    let files = match load::read_dir(&dir) {
        Ok(files) => files,
        Err(e) => panic!("{e:#}"),
    };
    let rules = match parse(&files, fixture) {
        Ok(parsed) => parsed.rules,
        Err(d) => panic!("{d}"),
    };
    match answers::read(&rules, "example.yaml", answers_text.as_bytes()) {
        Ok(loaded) => rules.decide(&loaded.answers.values),
        Err(d) => panic!("the example answers file does not load: {d}"),
    }
}

/// The example answers file printed under the first diagnostic.
fn example(out: &str) -> String {
    let mut lines = out
        .lines()
        .skip_while(|l| !l.starts_with("  example answers file:"))
        .skip(1);
    let mut text = String::new();
    for line in lines.by_ref() {
        let Some(body) = line.strip_prefix("    ") else {
            break;
        };
        text.push_str(body);
        text.push('\n');
    }
    text
}

#[test]
fn gaps_are_found_with_an_example_that_has_no_recommendation() {
    expect(
        "gap",
        1,
        &[
            "36:1: error: gap: 2 answer combinations (2 counting every value) get no recommendation: no recommendation rule matches them; add a rule for them, or a fallback rule with `when: true` and the lowest priority",
        ],
    );
    let (_, out) = run(&["rules", "check", "tests/fixtures/rules/gap"]);
    let text = example(&out);
    assert_eq!(
        text,
        "# account-advisor answers file (see `account-advisor questions`)\norganization: Example Company\nserves: external_customers\nteam_size: 1\nresell: \"no\"\n"
    );
    let decision = decide("gap", &text);
    assert_eq!(decision.model, None);
}

#[test]
fn conflicts_are_found_with_an_example_that_conflicts() {
    expect(
        "conflict",
        1,
        &[
            "42:5: error: conflict: in 3 answer combinations (9 counting every value) models `team`, `standard` are recommended at the same priority; in the example below rules `team_for_collaboration` (model `team`, priority 20), `standard_fallback` (model `standard`, priority 20) match; give one a higher priority or make the conditions exclusive",
        ],
    );
    let (_, out) = run(&["rules", "check", "tests/fixtures/rules/conflict"]);
    let decision = decide("conflict", &example(&out));
    assert!(decision.model.is_some());
    assert_eq!(decision.conflicts.len(), 1);
}

#[test]
fn check_speaks_json() {
    let (code, out) = run(&[
        "rules",
        "check",
        "--format",
        "json",
        "tests/fixtures/rules/unknown_key",
    ]);
    assert_eq!(code, 1);
    let json: serde_json::Value = match serde_json::from_str(&out) {
        Ok(json) => json,
        Err(e) => panic!("{e}: {out}"),
    };
    assert_eq!(json["errors"], 1);
    assert_eq!(json["space"], serde_json::Value::Null);
    let d = &json["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(39), Some(5))
    );
    assert_eq!(d["file"], "tests/fixtures/rules/unknown_key/rules.yaml");
    let (code, out) = run(&["rules", "check", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"combinations\": 53874"), "{out}");
}

#[test]
fn the_global_rules_option_is_accepted() {
    let (code, out) = run(&["--rules", "tests/fixtures/rules/gap", "rules", "check"]);
    assert_eq!(code, 1);
    assert!(out.contains("gap: 2 answer combinations"), "{out}");
}

#[test]
fn the_built_in_tests_pass_and_cover_everything() {
    let (code, out) = run(&["rules", "test"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "coverage: every recommendation rule, model and finding is exercised by a test\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("18 passed, 0 failed\n"), "{out}");
}

#[test]
fn a_failing_rule_test_is_reported_with_its_place_and_the_difference() {
    let (code, out) = run(&["rules", "test", "tests/fixtures/rules/failing_test"]);
    assert_eq!(code, 1);
    assert!(out.contains(
        "FAILED  a team that resells\n        at tests/fixtures/rules/failing_test/rules.yaml:62:5\n        model: expected `standard`, got `team`\n        findings: raised but not expected: reseller_on_standard\n"
    ), "{out}");
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");
}

#[test]
fn tests_that_miss_rules_are_reported_as_coverage_gaps() {
    let (code, out) = run(&["rules", "test", "tests/fixtures/rules/unreachable"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("coverage: 2 not exercised by any test:\n  recommendation rule `team_for_large_companies` (tests/fixtures/rules/unreachable/rules.yaml:48:5)\n  recommendation rule `team_beyond_the_maximum` (tests/fixtures/rules/unreachable/rules.yaml:53:5)\n"), "{out}");
}

#[test]
fn explain_traces_the_decision_and_the_changes_that_flip_it() {
    let (code, out) = run(&["explain", "tests/fixtures/answers/agency.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("Recommended: agency_access (Agency access model), at priority 30\n"),
        "{out}"
    );
    assert!(out.contains("  agency_for_client_owned -> agency_access (priority 30, decided the model)\n    when: managed\n    on: serves = external_customers, customer_billing = customers_pay\n"), "{out}");
    assert!(
        out.contains(
            "  team: rule `team_for_collaboration` matched but lost on priority (20 below 30)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("  customer_billing: customers_pay -> mixed  gives hybrid\n"),
        "{out}"
    );
    assert!(
        out.contains("  customer_billing: customers_pay -> we_pay  gives parent_subaccount\n"),
        "{out}"
    );
}

#[test]
fn explain_names_the_failing_part_of_a_condition() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("solo.yaml");
    std::fs::write(
        &path,
        "organization: Solo\nserves: own_business\nteam_size: 1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, out) = run(&[
        "--rules",
        "tests/fixtures/rules/clean",
        "explain",
        &path.display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("  team: rule `team_for_collaboration` did not match: it needs `collaborators` (team_size is at least 2 [team_size: 1])\n"), "{out}");
    assert!(out.contains("  team_size: 1 -> 2  gives team\n"), "{out}");
}

#[test]
fn the_schema_files_match_the_generated_schemas() {
    for which in ["answers", "rules", "plan"] {
        let (code, out) = run(&["schema", which]);
        assert_eq!(code, 0);
        let file =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schemas/{which}.schema.json"));
        let saved = std::fs::read_to_string(&file).unwrap_or_default();
        assert_eq!(
            out, saved,
            "schemas/{which}.schema.json is stale: run `account-advisor schema {which} > schemas/{which}.schema.json`"
        );
    }
}

#[test]
fn check_reports_problems_in_the_answers_of_rule_tests() {
    expect(
        "bad_test_answers",
        1,
        // Answers with errors get no warnings about ignored answers: which questions are
        // asked is not certain while answers are wrong.
        &[
            "59:5: error: in test `one person`: missing the required answer `serves` (Who will your agents serve?); add a line such as `serves: own_business | external_customers`",
            "63:63: error: in test `a team that resells`: unknown question `team_sise`; did you mean `team_size`?",
        ],
    );
}

#[test]
fn a_space_too_large_to_enumerate_is_reported_not_skipped_silently() {
    expect(
        "too_large",
        0,
        &[
            "2:1: warning: the answer space has 1073741824 combinations, more than the limit of 50000000, so the exhaustive analysis (gaps, conflicts, dead rules) was not run; \
         30 questions have more than one value; the largest factors are flag_00 (2 values), flag_01 (2 values), flag_02 (2 values), flag_03 (2 values), flag_04 (2 values); \
         fewer options, fewer constants compared with, or more questions asked only `when` needed would bring it under the limit",
        ],
    );
    let (_, out) = run(&["rules", "check", "tests/fixtures/rules/too_large"]);
    assert!(
        out.contains(
            "answer space: more than 50000000 combinations; the exhaustive analysis was skipped"
        ),
        "{out}"
    );
}

#[test]
fn problems_across_files_name_each_file() {
    let (code, got) = diagnostics("split_files");
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            "tests/fixtures/rules/split_files/findings.yaml:3:5: error: finding `reseller_on_standard` is defined twice (first at tests/fixtures/rules/split_files/decision.yaml:27:5)",
            "tests/fixtures/rules/split_files/findings.yaml:5:11: error: unknown question or predicate `resel`; did you mean `resell`?",
        ]
    );
}
