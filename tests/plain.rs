//! Plain (line by line) mode with in-memory input and output.

use std::io::Cursor;
use std::path::Path;

use account_advisor::model::answers::Value;
use account_advisor::plan::{self, Format};
use account_advisor::rules::RuleSet;
use account_advisor::tui::plain;

fn rules() -> RuleSet {
    account_advisor::cli::rules(None).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Runs plain mode on `input`; returns the result and everything printed.
fn run(
    input: &str,
    prefill: Option<Vec<Option<Value>>>,
    output: &Path,
) -> (anyhow::Result<std::process::ExitCode>, String) {
    let rules = rules();
    let mut out = Vec::new();
    let result = plain::run(
        &rules,
        prefill,
        Some(output),
        &mut Cursor::new(input.as_bytes().to_vec()),
        &mut out,
        &mut |_| {},
    );
    (result, String::from_utf8_lossy(&out).into_owned())
}

/// What `account-advisor plan ANSWERS` gives for an answers file.
fn plan_for(answers: &Path, format: Format) -> Vec<u8> {
    let rules = rules();
    let bytes = std::fs::read(answers).unwrap_or_else(|e| panic!("{e}"));
    let loaded = account_advisor::rules::answers::read(&rules, "a.yaml", &bytes)
        .unwrap_or_else(|d| panic!("{d}"));
    let decision = rules.decide(&loaded.answers.values);
    plan::write::to_bytes(
        &plan::build(&rules, &loaded.answers, &decision),
        &rules,
        format,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn asks_reasks_on_bad_input_and_writes_the_same_plan_as_the_plan_command() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("plan.md");
    // organization (too short, then fine), serves 2, team size default, billing default,
    // customers we bill, resell yes, the rest default.
    let input = "A\nNordlys Digital\n2\n\n\nSalon Mira, Bakery Holm\nmaybe\ny\n\n\n\n\n";
    let (result, printed) = run(input, None, &out);
    assert!(result.is_ok(), "{result:?}\n{printed}");
    assert!(
        printed.contains("Question 1 of about 5: What is your company called?"),
        "{printed}"
    );
    assert!(printed.contains(
        "  Not accepted: `organization` needs at least 2 characters; `A` has 1. Try again."
    ));
    assert!(printed.contains("  2. Our customers or clients (external_customers)"));
    assert!(
        printed.contains("Question 2 of about 5"),
        "progress before the answer changes it"
    );
    assert!(
        printed.contains("Question 3 of about 10"),
        "and after: {printed}"
    );
    assert!(printed.contains("Not accepted: answer yes or no. Try again."));
    assert!(
        printed.contains("Recommended for Nordlys Digital: Parent/subaccount model"),
        "{printed}"
    );
    let answers = dir.path().join("plan.answers.yaml");
    let written = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written, plan_for(&answers, Format::Markdown));
    let saved = std::fs::read_to_string(&answers).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        saved.contains("customers_we_bill:\n- Salon Mira\n- Bakery Holm\nresell: \"yes\""),
        "{saved}"
    );
}

#[test]
fn enter_keeps_prefilled_answers() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("plan.yaml");
    let rules = rules();
    let loaded = account_advisor::rules::answers::read(
        &rules,
        "a.yaml",
        b"organization: Acme\nserves: own_business\nteam_size: 7\n",
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let (result, printed) = run("\n\n\n\n\n", Some(loaded.draft), &out);
    assert!(result.is_ok(), "{result:?}\n{printed}");
    assert!(printed.contains("  [7]"));
    assert!(
        printed.contains("Recommended for Acme: One account with multiple team members"),
        "{printed}"
    );
}

#[test]
fn no_input_at_all_points_to_recommend_and_plan() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (result, _) = run("", None, &dir.path().join("plan.yaml"));
    let message = format!(
        "{:#}",
        result.err().unwrap_or_else(|| anyhow::anyhow!("no error"))
    );
    assert!(
        message.contains("account-advisor recommend ANSWERS"),
        "{message}"
    );
    assert!(
        message.contains("account-advisor plan ANSWERS"),
        "{message}"
    );
}

#[test]
fn input_ending_midway_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("plan.yaml");
    let (result, _) = run("Acme\n", None, &out);
    let message = format!(
        "{:#}",
        result.err().unwrap_or_else(|| anyhow::anyhow!("no error"))
    );
    assert!(
        message.contains("ended before `serves` was answered"),
        "{message}"
    );
    assert!(!out.exists());
}

#[test]
fn an_existing_plan_is_kept_unless_confirmed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("plan.yaml");
    std::fs::write(&out, "old").unwrap_or_else(|e| panic!("{e}"));
    let answers = "Acme\n1\n\n\n\nn\n";
    let (result, printed) = run(answers, None, &out);
    assert!(result.is_err(), "{printed}");
    assert!(printed.contains("already exists. Overwrite? [y/N]"));
    assert_eq!(std::fs::read_to_string(&out).unwrap_or_default(), "old");
    let (result, printed) = run(&answers.replace("\nn\n", "\ny\n"), None, &out);
    assert!(result.is_ok(), "{result:?}\n{printed}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap_or_default()
            .starts_with("apiVersion")
    );
}

#[test]
fn a_folder_in_the_way_of_the_answers_file_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("plan.yaml");
    std::fs::create_dir(dir.path().join("plan.answers.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let (result, printed) = run("Acme\n1\n\n\n\n", None, &out);
    let message = format!("{:#}", result.err().unwrap_or_else(|| panic!("{printed}")));
    assert!(message.contains("is a folder"), "{message}");
    assert!(!printed.contains("Overwrite?"), "{printed}");
    assert!(!out.exists(), "the plan was left behind");
}
