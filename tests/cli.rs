//! The command line end to end: every scenario case in ../shared/cases snapshotted in every
//! format, YAML and JSON plans carrying the same document, and each kind of bad input.

use std::path::{Path, PathBuf};

use crate::common::{cases_dir, run, run_stdin, snapshot};

/// The scenario answers files that must be accepted (listed in expected.tsv).
fn good_cases() -> Vec<PathBuf> {
    let dir = cases_dir();
    let table = std::fs::read_to_string(dir.join("expected.tsv")).unwrap_or_default();
    let cases: Vec<PathBuf> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(|c| dir.join(c))
        .collect();
    assert!(
        cases.len() >= 10,
        "expected.tsv lists {} cases in {}",
        cases.len(),
        dir.display()
    );
    cases
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn recommend_snapshots_for_every_case() {
    for case in good_cases() {
        let name = stem(&case);
        for format in ["text", "json", "yaml"] {
            let out = run(&[
                "recommend",
                case.to_str().unwrap_or_default(),
                "--format",
                format,
            ]);
            assert_eq!(out.code, 0, "{name} {format}: {}", out.stderr);
            snapshot(&format!("recommend__{name}__{format}"), &out.stdout);
        }
    }
}

#[test]
fn plan_snapshots_for_every_case() {
    for case in good_cases() {
        let name = stem(&case);
        for format in ["yaml", "json", "markdown"] {
            let out = run(&[
                "plan",
                case.to_str().unwrap_or_default(),
                "--format",
                format,
            ]);
            assert_eq!(out.code, 0, "{name} {format}: {}", out.stderr);
            snapshot(&format!("plan__{name}__{format}"), &out.stdout);
        }
    }
}

#[test]
fn yaml_and_json_plans_are_the_same_document() {
    for case in good_cases() {
        let path = case.to_str().unwrap_or_default();
        let yaml = run(&["plan", path, "--format", "yaml"]).stdout;
        let json = run(&["plan", path, "--format", "json"]).stdout;
        let from_yaml: serde_json::Value = serde_yaml::from_str(&yaml).unwrap_or_default();
        let from_json: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert!(
            from_json.get("accounts").is_some(),
            "{path}: no accounts in JSON"
        );
        assert_eq!(from_yaml, from_json, "{path}");
    }
}

#[test]
fn output_is_deterministic() {
    let case = cases_dir().join("hybrid-partner.yaml");
    let path = case.to_str().unwrap_or_default();
    let first = run(&["plan", path, "--format", "yaml"]).stdout;
    let second = run(&["plan", path, "--format", "yaml"]).stdout;
    assert!(!first.is_empty());
    assert_eq!(first, second);
}

#[test]
fn answers_from_standard_input() {
    let text = "organization: Piped Ltd\nserves: own_business\nteam_size: 3\n";
    let out = run_stdin(&["recommend", "-", "--format", "json"], text.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    assert_eq!(json["model"], "team");
    assert_eq!(json["organization"], "Piped Ltd");
}

#[test]
fn hidden_answers_are_ignored_with_a_warning_that_says_why() {
    let text = "organization: Acme\nserves: own_business\ncustomers_own_billing: [Alpha, Beta]\n";
    let out = run_stdin(&["recommend", "-", "--format", "json"], text.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim(),
        "<stdin>, line 3, column 1: warning: customers_own_billing is ignored: it is only asked when customer_billing is customers_pay or mixed"
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    assert_eq!(json["model"], "standard");
}

#[test]
fn assumptions_list_the_defaults_used() {
    let text = "organization: Acme\nserves: external_customers\ncustomers_we_bill: 2\n";
    let out = run_stdin(&["plan", "-", "--format", "json"], text.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    let assumed: Vec<&str> = plan["assumptions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["question"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        assumed,
        [
            "team_size",
            "customer_billing",
            "resell",
            "api_provisioning",
            "customer_logins",
            "clients_in_internal_account",
            "plan_tier"
        ]
    );
    let names: Vec<&str> = plan["accounts"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["Acme", "Client 1", "Client 2"]);
}

#[test]
fn plan_output_file_is_written_atomically_and_not_overwritten() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out_path = dir.path().join("plan.json");
    let case = cases_dir().join("reseller.yaml");
    let case = case.to_str().unwrap_or_default();
    let target = out_path.to_str().unwrap_or_default();
    let first = run(&["plan", case, "-o", target]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let written = std::fs::read_to_string(&out_path).unwrap_or_default();
    let plan: serde_json::Value = serde_json::from_str(&written).unwrap_or_default();
    assert_eq!(
        plan["recommendation"]["model"], "parent_subaccount",
        "format taken from .json"
    );

    std::fs::write(&out_path, "keep me").unwrap_or_default();
    let again = run(&["plan", case, "-o", target]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("already exists; pass --force"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        "keep me"
    );

    let forced = run(&["plan", case, "-o", target, "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        written
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
}

#[test]
fn questions_lists_every_question_in_each_format() {
    let out = run(&["questions", "--format", "json"]);
    assert_eq!(out.code, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    let ids: Vec<&str> = json
        .as_array()
        .map(|a| a.iter().filter_map(|q| q["id"].as_str()).collect())
        .unwrap_or_default();
    for id in [
        "organization",
        "serves",
        "team_size",
        "isolated_units",
        "isolation_reasons",
        "units_share_work",
        "customer_billing",
        "customers_we_bill",
        "customers_own_billing",
        "resell",
        "api_provisioning",
        "customer_logins",
        "clients_in_internal_account",
        "plan_tier",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let text = run(&["questions"]);
    snapshot("questions__text", &text.stdout);
}

/// One kind of bad input: the arguments (or standard input) and words stderr must contain.
struct Bad {
    name: &'static str,
    input: Vec<u8>,
    words: &'static [&'static str],
}

fn bad(name: &'static str, input: impl Into<Vec<u8>>, words: &'static [&'static str]) -> Bad {
    Bad {
        name,
        input: input.into(),
        words,
    }
}

#[test]
fn each_kind_of_bad_answers_gets_a_clear_message_and_exit_1() {
    let ok = "organization: Acme\nserves: own_business\n";
    let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let this = (b'a' + i) as char;
        laughs.push_str(&format!("{this}: &{this} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let cases = vec![
        bad(
            "unknown key",
            format!("{ok}team_sise: 4\n"),
            &["line 3, column 1", "team_sise", "did you mean `team_size`"],
        ),
        bad(
            "wrong choice",
            "organization: Acme\nserves: resellers\n",
            &[
                "line 2, column 9",
                "resellers",
                "own_business, external_customers, both",
            ],
        ),
        bad(
            "number out of range",
            format!("{ok}team_size: 0\n"),
            &["line 3", "team_size", "from 1 to 100000"],
        ),
        bad(
            "number not a number",
            format!("{ok}team_size: many\n"),
            &["team_size", "whole number"],
        ),
        bad(
            "yes/no",
            "organization: Acme\nserves: external_customers\nresell: maybe\n",
            &["line 3, column 9", "resell", "yes, no, true or false"],
        ),
        bad(
            "text too short",
            "organization: A\nserves: own_business\n",
            &["organization", "at least 2 characters"],
        ),
        bad(
            "duplicate name",
            format!("{ok}isolated_units: [North, NORTH]\n"),
            &["line 3", "listed twice"],
        ),
        bad(
            "short name",
            format!("{ok}isolated_units: [North, X]\n"),
            &["line 3, column 25", "at least 2 characters"],
        ),
        bad(
            "negative count",
            format!("{ok}isolated_units: -2\n"),
            &["isolated_units", "negative"],
        ),
        bad(
            "names as a mapping",
            format!("{ok}isolated_units: {{a: b}}\n"),
            &["isolated_units", "mapping"],
        ),
        bad(
            "unknown option in any_of",
            format!("{ok}isolated_units: [A1, B2]\nisolation_reasons: [vibes]\n"),
            &["vibes", "data_isolation"],
        ),
        bad(
            "duplicate key",
            format!("{ok}team_size: 2\nteam_size: 3\n"),
            &["line 4", "answered twice"],
        ),
        bad(
            "missing required",
            "team_size: 2\n",
            &["organization", "serves", "required"],
        ),
        bad("empty file", "", &["empty"]),
        bad("only comments", "# nothing here\n", &["empty"]),
        bad(
            "not a mapping",
            "- organization\n- serves\n",
            &["mapping", "a list"],
        ),
        bad(
            "syntax",
            "organization: Acme\nserves: [own_business\n",
            &["line"],
        ),
        bad(
            "tabs",
            "organization: Acme\n\tserves: own_business\n",
            &["line 1", "tab", "spaces"],
        ),
        bad(
            "two documents",
            format!("{ok}---\n{ok}"),
            &["line 3", "one YAML document"],
        ),
        bad(
            "binary bytes",
            b"organization: Acme\x00\x01\x02\nserves: own_business\n".to_vec(),
            &["line 1", "control character"],
        ),
        bad(
            "not utf-8",
            b"organization: Acme \xff\xfe\nserves: own_business\n".to_vec(),
            &["line 1", "UTF-8"],
        ),
        bad("billion laughs", laughs, &["alias"]),
        bad(
            "deep nesting",
            format!(
                "{ok}isolated_units: {}{}\n",
                "[".repeat(500),
                "]".repeat(500)
            ),
            &["deep"],
        ),
        bad(
            "huge file",
            format!(
                "{ok}isolated_units:\n{}",
                "  - a name that is long enough to fill\n".repeat(250_000)
            ),
            &["MiB", "limit"],
        ),
        bad(
            "many errors at once",
            "organization: A\nserves: resellers\nteam_sise: 4\nplan_tier: gold\n",
            &["line 1", "line 2", "line 3", "line 4", "4 problems"],
        ),
    ];
    for case in cases {
        let started = std::time::Instant::now();
        let out = run_stdin(&["recommend", "-"], &case.input);
        let took = started.elapsed();
        assert_eq!(
            out.code, 1,
            "{}: exit {} stderr {}",
            case.name, out.code, out.stderr
        );
        assert!(
            !out.stderr.contains("panicked"),
            "{}: {}",
            case.name,
            out.stderr
        );
        assert!(
            out.stdout.is_empty(),
            "{}: printed {}",
            case.name,
            out.stdout
        );
        for word in case.words {
            assert!(
                out.stderr.contains(word),
                "{}: stderr lacks {word:?}:\n{}",
                case.name,
                out.stderr
            );
        }
        assert!(took.as_secs() < 5, "{} took {took:?}", case.name);
    }
}

#[test]
fn bad_scenario_files_are_reported_with_their_place() {
    for (case, name) in [
        ("bad-unknown-key.yaml", "bad_unknown_key"),
        ("bad-value.yaml", "bad_value"),
        ("bad-yaml-syntax.yaml", "bad_yaml_syntax"),
    ] {
        let path = cases_dir().join(case);
        let out = run(&["recommend", path.to_str().unwrap_or_default()]);
        assert_eq!(out.code, 1, "{case}");
        let stderr = out
            .stderr
            .replace(&cases_dir().display().to_string(), "CASES");
        snapshot(&format!("bad__{name}"), &stderr);
    }
}

#[test]
fn missing_files_directories_and_misuse() {
    let out = run(&["recommend", "/nonexistent/answers.yaml"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("failed to open answers file /nonexistent/answers.yaml"),
        "{}",
        out.stderr
    );
    let out = run(&["recommend", "/tmp"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
    let out = run(&["recommend"]);
    assert_eq!(out.code, 2, "missing argument is misuse");
    let out = run(&["recommend", "x.yaml", "--format", "pdf"]);
    assert_eq!(out.code, 2);
    let out = run(&["frobnicate"]);
    assert_eq!(out.code, 2);
    let out = run(&["--rules", "/nonexistent-rules", "questions"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("failed to read rules directory /nonexistent-rules"),
        "{}",
        out.stderr
    );
}

#[test]
fn readme_answers_reference_matches_the_rule_set() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    let start = readme
        .find("<!-- questions:start -->\n")
        .map(|i| i + "<!-- questions:start -->\n".len());
    let end = readme.find("<!-- questions:end -->");
    let (Some(start), Some(end)) = (start, end) else {
        panic!("README.md lacks the questions markers")
    };
    let generated = format!("```text\n{}```\n", run(&["questions"]).stdout);
    assert_eq!(
        &readme[start..end],
        generated,
        "update README.md's reference from `account-advisor questions`"
    );
}

#[test]
fn empty_values_are_placed_at_their_key() {
    let out = run_stdin(
        &["recommend", "-"],
        b"serves: own_business\norganization:\n\n\nteam_size: 2\n",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "<stdin>, line 2, column 1: error: `organization` has no value; it is required"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_name_in_two_lists_is_warned_about() {
    let text = "organization: Acme\nserves: external_customers\ncustomer_billing: mixed\ncustomers_we_bill: [Collide, Other]\ncustomers_own_billing: [collide]\n";
    let out = run_stdin(&["recommend", "-", "--format", "json"], text.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("line 5, column 1: warning: `collide` is listed in both customers_we_bill and customers_own_billing"), "{}", out.stderr);
}

#[test]
fn a_closed_standard_error_is_not_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(crate::common::binary())
        .args(["recommend", "/nonexistent/answers.yaml"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    drop(child.stderr.take());
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(1));
}

#[test]
fn plans_are_written_through_links_not_over_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let real = dir.path().join("real.yaml");
    let link = dir.path().join("link.yaml");
    std::fs::write(&real, "old").unwrap_or_default();
    std::os::unix::fs::symlink(&real, &link).unwrap_or_default();
    let case = cases_dir().join("solo-owner.yaml");
    let out = run(&[
        "plan",
        case.to_str().unwrap_or_default(),
        "-o",
        link.to_str().unwrap_or_default(),
        "--force",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    assert!(
        std::fs::read_to_string(&real)
            .unwrap_or_default()
            .starts_with("apiVersion: account-advisor/v1")
    );
    let out = run(&[
        "plan",
        case.to_str().unwrap_or_default(),
        "-o",
        "/dev/null",
        "--force",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::metadata("/dev/null").is_ok_and(|m| !m.is_file()));
}
