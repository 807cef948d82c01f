//! The wizard state machine without a terminal: transitions, going back, hidden answers,
//! progress, validation, export and quitting, stated as messages in and state out.

use std::path::PathBuf;

use account_advisor::model::answers::{Names, Value};
use account_advisor::rules::RuleSet;
use account_advisor::wizard::{self, Effect, ExportTarget, Msg, Quit, Screen, State};

/// A wizard under test: the built-in rules, a state, and the effects seen so far.
pub struct Wizard {
    pub rules: RuleSet,
    pub state: State,
    pub effects: Vec<Effect>,
}

impl Wizard {
    pub fn new() -> Wizard {
        Wizard::with(None, None)
    }

    pub fn with(prefill: Option<&str>, output: Option<&str>) -> Wizard {
        let rules = match account_advisor::cli::rules(None) {
            Ok(rules) => rules,
            Err(e) => panic!("built-in rules: {e:#}"),
        };
        let prefill = prefill.map(|text| {
            match account_advisor::rules::answers::read(&rules, "a.yaml", text.as_bytes()) {
                Ok(loaded) => loaded.draft,
                Err(d) => panic!("{d}"),
            }
        });
        let state = State::new(rules.questions.len(), prefill, output.map(PathBuf::from));
        Wizard {
            rules,
            state,
            effects: Vec::new(),
        }
    }

    /// Sends messages in order, keeping the effects.
    pub fn send(&mut self, msgs: impl IntoIterator<Item = Msg>) -> &mut Wizard {
        for msg in msgs {
            if let Some(effect) = wizard::update(&mut self.state, &self.rules, msg) {
                self.effects.push(effect);
            }
        }
        self
    }

    /// Types text character by character.
    pub fn type_text(&mut self, text: &str) -> &mut Wizard {
        self.send(text.chars().map(Msg::Char).collect::<Vec<_>>())
    }

    /// The id of the question on screen.
    pub fn question(&self) -> &str {
        assert_eq!(
            self.state.screen,
            Screen::Question,
            "not on a question: {:?}",
            self.state.screen
        );
        &self.rules.questions[self.state.current].id
    }

    pub fn value(&self, id: &str) -> Option<&Value> {
        let q = self.rules.question(id).unwrap_or(usize::MAX);
        self.state.draft.get(q).and_then(Option::as_ref)
    }

    pub fn progress(&self) -> (usize, usize) {
        let p = wizard::progress(&self.state, &self.rules);
        (p.number, p.total)
    }

    pub fn model(&self) -> String {
        wizard::preview(&self.state, &self.rules)
            .report
            .map(|r| r.model)
            .unwrap_or_default()
    }

    /// The option index of `id` in the question on screen.
    pub fn option(&self, id: &str) -> usize {
        self.rules.questions[self.state.current]
            .option_index(id)
            .unwrap_or(usize::MAX)
    }

    /// Moves the highlight to option `id` and confirms it.
    pub fn choose(&mut self, id: &str) -> &mut Wizard {
        let target = self.option(id);
        let mut guard = 0;
        while self.state.cursor != target && guard < 20 {
            self.send([Msg::Down]);
            guard += 1;
        }
        self.send([Msg::Confirm])
    }

    /// Answers the first questions for an agency with customers of both kinds.
    pub fn agency(&mut self) -> &mut Wizard {
        self.send([Msg::Confirm])
            .type_text("Nordlys Digital")
            .send([Msg::Confirm]);
        self.choose("external_customers")
            .type_text("6")
            .send([Msg::Confirm]);
        self.choose("mixed")
    }
}

#[test]
fn welcome_then_one_question_at_a_time_with_autosave() {
    let mut w = Wizard::new();
    assert_eq!(w.state.screen, Screen::Welcome);
    w.send([Msg::Confirm]);
    assert_eq!(w.question(), "organization");
    w.type_text("Acme").send([Msg::Confirm]);
    assert_eq!(w.question(), "serves");
    assert_eq!(w.value("organization"), Some(&Value::Text("Acme".into())));
    assert!(
        matches!(w.effects.as_slice(), [Effect::Autosave(text)] if text.contains("organization: Acme"))
    );
}

#[test]
fn invalid_input_stays_with_a_message_that_says_how_to_fix_it() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm]).type_text("A").send([Msg::Confirm]);
    assert_eq!(w.question(), "organization");
    assert_eq!(
        w.state.error.as_deref(),
        Some("`organization` needs at least 2 characters; `A` has 1")
    );
    w.send([Msg::Backspace])
        .type_text("Acme")
        .send([Msg::Confirm]);
    assert_eq!(w.question(), "serves");
    assert!(w.effects.len() == 1, "no autosave for the rejected answer");
}

#[test]
fn progress_and_live_advice_follow_the_highlighted_option() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm]);
    assert_eq!(w.progress(), (2, 5));
    assert_eq!(w.model(), "standard");
    w.send([Msg::Down]);
    assert_eq!(
        w.progress(),
        (2, 10),
        "customers bring in the billing and access questions"
    );
    assert_eq!(w.model(), "parent_subaccount");
    let preview = wizard::preview(&w.state, &w.rules);
    assert_eq!(
        preview.changed_from.as_deref(),
        Some("One standard account")
    );
    assert_eq!(w.value("serves"), None, "highlighting is not answering");
}

#[test]
fn enter_accepts_a_default_and_a_prefilled_answer() {
    let mut w = Wizard::new();
    w.agency();
    assert_eq!(w.question(), "customers_we_bill");
    w.send([Msg::Confirm]);
    assert_eq!(
        w.value("customers_we_bill"),
        Some(&Value::Names(Names::List(vec![])))
    );
    let mut w = Wizard::with(
        Some("organization: Acme\nserves: own_business\nteam_size: 4\n"),
        None,
    );
    w.send([Msg::Confirm, Msg::Confirm, Msg::Confirm]);
    assert_eq!(w.question(), "team_size");
    assert_eq!(w.state.input, "4");
    w.send([Msg::Confirm]);
    assert_eq!(w.value("team_size"), Some(&Value::Number(4)));
}

#[test]
fn typing_replaces_a_shown_default() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm])
        .choose("own_business");
    assert_eq!(w.question(), "team_size");
    assert_eq!(w.state.input, "1");
    w.type_text("12").send([Msg::Confirm]);
    assert_eq!(w.value("team_size"), Some(&Value::Number(12)));
}

#[test]
fn going_back_keeps_answers_and_returns_to_the_welcome_screen() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm, Msg::Back]);
    assert_eq!(w.question(), "organization");
    assert_eq!(w.state.input, "Acme");
    w.send([Msg::Back]);
    assert_eq!(w.state.screen, Screen::Welcome);
}

#[test]
fn changing_an_earlier_answer_hides_later_ones_and_brings_them_back() {
    let mut w = Wizard::new();
    w.agency();
    w.send([Msg::Back, Msg::Back, Msg::Back]);
    assert_eq!(w.question(), "serves");
    w.choose("own_business");
    assert_eq!(w.question(), "team_size");
    let asked: Vec<&str> = w
        .rules
        .asked(&w.state.draft)
        .iter()
        .map(|q| w.rules.questions[*q].id.as_str())
        .collect();
    assert_eq!(
        asked,
        [
            "organization",
            "serves",
            "team_size",
            "isolated_units",
            "plan_tier"
        ]
    );
    assert!(
        w.value("customer_billing").is_some(),
        "the hidden answer is kept in the draft"
    );
    w.send([Msg::Back]);
    w.choose("external_customers").send([Msg::Confirm]);
    assert_eq!(w.question(), "customer_billing");
    assert_eq!(
        w.state.cursor,
        w.option("mixed"),
        "the earlier answer comes back"
    );
}

#[test]
fn multi_select_ticks_with_space() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm])
        .choose("own_business");
    w.send([Msg::Confirm])
        .type_text("North, South")
        .send([Msg::Confirm]);
    assert_eq!(w.question(), "isolation_reasons");
    w.send([Msg::Toggle, Msg::Down, Msg::Down, Msg::Toggle, Msg::Confirm]);
    assert_eq!(w.value("isolation_reasons"), Some(&Value::Multi(0b101)));
}

#[test]
fn pasted_names_split_on_line_ends_and_lose_control_characters() {
    let mut w = Wizard::new();
    w.agency();
    w.send([
        Msg::Paste("Salon Mira\r\nBakery Holm\r\x1b[31mEvil\x07Co".into()),
        Msg::Confirm,
    ]);
    assert_eq!(
        w.value("customers_we_bill"),
        Some(&Value::Names(Names::List(vec![
            "Salon Mira".into(),
            "Bakery Holm".into(),
            "[31mEvilCo".into()
        ])))
    );
    // A CR LF (or the CR CR some terminals send for it) never leaves a blank line.
    let mut w = Wizard::new();
    w.agency();
    w.send([Msg::Paste("Salon Mira\r\r\n\r\nBakery Holm\r\n".into())]);
    assert_eq!(w.state.input, "Salon Mira\nBakery Holm\n");
    w.send([Msg::Paste("\r\nNorth Co".into())]);
    assert_eq!(w.state.input, "Salon Mira\nBakery Holm\nNorth Co");
}

#[test]
fn review_jumps_to_an_answer_and_returns_after_editing() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm])
        .choose("own_business");
    let from = w.question().to_string();
    w.send([Msg::Review]);
    assert_eq!(w.state.screen, Screen::Review);
    w.send([Msg::Down, Msg::Confirm]);
    assert_eq!(w.question(), "serves");
    // Esc before Enter abandons the edit: back to the review screen, on the same line.
    w.send([Msg::Back]);
    assert_eq!(w.state.screen, Screen::Review);
    assert_eq!(w.state.cursor, 1);
    w.send([Msg::Confirm]);
    assert_eq!(w.question(), "serves");
    // Enter confirms that one answer and returns to the review screen.
    w.choose("both");
    assert_eq!(w.state.screen, Screen::Review);
    assert!(!w.state.editing);
    assert_eq!(w.state.cursor, 1);
    assert_eq!(
        wizard::answer_summary(&w.state, &w.rules, 1),
        "Both our own business and customers"
    );
    // Esc on the review screen goes back to the question it was opened from, not the result.
    w.send([Msg::Back]);
    assert_eq!(w.question(), from);
    // From then on Esc is the previous question, as everywhere else.
    w.send([Msg::Back]);
    assert_eq!(w.question(), "serves");
    w.send([Msg::Back]);
    assert_eq!(w.question(), "organization");
    w.send([Msg::Back]);
    assert_eq!(w.state.screen, Screen::Welcome);
}

#[test]
fn after_editing_from_the_review_later_questions_go_back_one_question() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm])
        .choose("own_business");
    w.send([Msg::Review, Msg::Confirm]);
    assert_eq!(w.question(), "organization");
    w.type_text(" Ltd").send([Msg::Confirm]);
    assert_eq!(w.state.screen, Screen::Review);
    // Back to the question, then on through the questions: Shift-Tab/Esc never jumps to
    // the review screen or the result.
    w.send([Msg::Back]);
    let first = w.question().to_string();
    w.send([Msg::Confirm]);
    if w.state.screen == Screen::Question {
        w.send([Msg::Back]);
        assert_eq!(w.question(), first);
    }
    w.send([Msg::Back]);
    assert_eq!(w.question(), "serves");
}

#[test]
fn the_result_needs_every_required_answer() {
    let mut w = Wizard::new();
    w.send([Msg::Review, Msg::PageDown, Msg::Confirm]);
    assert_eq!(w.question(), "organization");
    assert!(
        w.state
            .error
            .as_deref()
            .is_some_and(|e| e.contains("needs an answer"))
    );
}

fn finish(w: &mut Wizard) {
    for _ in 0..20 {
        if w.state.screen == Screen::Result {
            return;
        }
        w.send([Msg::Confirm]);
    }
    panic!("did not reach the result: {:?}", w.state.screen);
}

#[test]
fn export_to_output_asks_before_overwriting_and_quits() {
    let mut w = Wizard::with(
        Some("organization: Acme\nserves: external_customers\n"),
        Some("out/plan.json"),
    );
    finish(&mut w);
    w.effects.clear();
    w.send([Msg::Confirm]);
    let target = ExportTarget {
        plan: "out/plan.json".into(),
        answers: "out/plan.answers.yaml".into(),
    };
    let Some(Effect::Export {
        target: t,
        plan,
        answers,
        force: false,
    }) = w.effects.pop()
    else {
        panic!("{:?}", w.effects)
    };
    assert_eq!(t, target);
    assert!(plan.starts_with(b"{"), "JSON from the extension");
    assert!(answers.contains("serves: external_customers"));
    w.send([Msg::ExportExists(vec!["out/plan.json".into()])]);
    assert_eq!(w.state.screen, Screen::ConfirmOverwrite);
    w.send([Msg::Char('y')]);
    assert!(matches!(
        w.effects.pop(),
        Some(Effect::Export { force: true, .. })
    ));
    w.send([Msg::Exported(Ok(target.clone()))]);
    assert_eq!(w.effects.pop(), Some(Effect::Quit(Quit::Exported(target))));
}

#[test]
fn declining_to_overwrite_writes_nothing_and_offers_another_path() {
    let mut w = Wizard::with(Some("organization: Acme\nserves: own_business\n"), None);
    finish(&mut w);
    w.send([Msg::Confirm]);
    assert_eq!(w.state.screen, Screen::Export);
    assert_eq!(w.state.input, "account-plan.yaml");
    w.send([Msg::Down]);
    assert_eq!(
        w.state.input, "account-plan.json",
        "the extension follows the format"
    );
    w.effects.clear();
    w.send([
        Msg::Confirm,
        Msg::ExportExists(vec!["account-plan.json".into()]),
        Msg::Char('n'),
    ]);
    assert_eq!(w.effects.len(), 1, "only the first export request");
    assert_eq!(w.state.screen, Screen::Export);
    assert!(
        w.state
            .error
            .as_deref()
            .is_some_and(|e| e.contains("Nothing was written"))
    );
}

#[test]
fn ctrl_c_quits_from_every_screen() {
    for setup in [
        vec![],
        vec![Msg::Confirm],
        vec![Msg::Review],
        vec![Msg::Help],
    ] {
        let mut w = Wizard::new();
        w.send(setup).send([Msg::Cancel]);
        assert_eq!(w.effects.last(), Some(&Effect::Quit(Quit::Cancelled)));
    }
}

#[test]
fn help_opens_over_a_question_and_closes_back_to_it() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm, Msg::Help]);
    assert_eq!(w.state.screen, Screen::Help);
    w.send([Msg::Back]);
    assert_eq!(w.question(), "organization");
}

#[test]
fn resume_restores_the_autosave_or_starts_over() {
    let mut w = Wizard::new();
    w.agency();
    let Some(Effect::Autosave(text)) = w.effects.last().cloned() else {
        panic!()
    };
    let saved = wizard::saved::decode(&w.rules, text.as_bytes());
    assert_eq!(saved, w.state.draft);
    let mut again = Wizard::new();
    again.state.offer_resume(saved.clone());
    assert_eq!(again.state.screen, Screen::Resume);
    again.send([Msg::Confirm]);
    assert_eq!(
        again.question(),
        "customers_we_bill",
        "straight to the first open question"
    );
    assert_eq!(again.state.draft, saved);
    let mut fresh = Wizard::new();
    fresh.state.offer_resume(saved);
    fresh.send([Msg::Char('n')]);
    assert!(fresh.state.draft.iter().all(Option::is_none));
}

#[test]
fn editing_from_the_review_and_going_back_shows_the_new_result() {
    let mut w = Wizard::with(Some("organization: Acme\nserves: own_business\n"), None);
    finish(&mut w);
    assert_eq!(
        w.state.outcome.as_ref().map(|o| o.report.model.as_str()),
        Some("standard")
    );
    w.send([
        Msg::Review,
        Msg::Down,
        Msg::Down,
        Msg::Confirm,
        Msg::Char('5'),
        Msg::Confirm,
    ]);
    assert_eq!(w.state.screen, Screen::Review);
    w.send([Msg::Back]);
    assert_eq!(w.state.screen, Screen::Result);
    assert_eq!(
        w.state.outcome.as_ref().map(|o| o.report.model.as_str()),
        Some("team")
    );
}

#[test]
fn the_result_scrolls_within_its_content() {
    let mut w = Wizard::with(Some("organization: Acme\nserves: own_business\n"), None);
    finish(&mut w);
    w.send([Msg::ScrollMax(3), Msg::PageDown]);
    assert_eq!(w.state.scroll, 3);
    w.send([Msg::Up, Msg::PageUp]);
    assert_eq!(w.state.scroll, 0);
}

/// Where a message leads from a state reached by other messages: the transition table as data.
#[test]
fn transitions() {
    use Screen::*;
    let done = "organization: Acme\nserves: own_business\n";
    let cases: Vec<(Option<&str>, Vec<Msg>, Screen)> = vec![
        (None, vec![], Welcome),
        (None, vec![Msg::Back], Welcome),
        (None, vec![Msg::Help], Help),
        (None, vec![Msg::Help, Msg::Help], Welcome),
        (None, vec![Msg::Review], Review),
        (None, vec![Msg::Review, Msg::Back], Welcome),
        (None, vec![Msg::Confirm], Question),
        (None, vec![Msg::Confirm, Msg::Back], Welcome),
        (None, vec![Msg::Confirm, Msg::Review, Msg::Back], Question),
        (
            Some(done),
            vec![Msg::Review, Msg::PageDown, Msg::Confirm],
            Result,
        ),
        (
            Some(done),
            vec![Msg::Review, Msg::PageDown, Msg::Confirm, Msg::Back],
            Question,
        ),
        (
            Some(done),
            vec![Msg::Review, Msg::PageDown, Msg::Confirm, Msg::Char('e')],
            Export,
        ),
        (
            Some(done),
            vec![
                Msg::Review,
                Msg::PageDown,
                Msg::Confirm,
                Msg::Confirm,
                Msg::Back,
            ],
            Result,
        ),
        (
            Some(done),
            vec![
                Msg::Review,
                Msg::PageDown,
                Msg::Confirm,
                Msg::Help,
                Msg::Back,
            ],
            Result,
        ),
        (
            Some(done),
            vec![Msg::Review, Msg::PageDown, Msg::Confirm, Msg::Review],
            Review,
        ),
        (
            Some(done),
            vec![
                Msg::Review,
                Msg::PageDown,
                Msg::Confirm,
                Msg::ExportExists(vec![]),
                Msg::Back,
            ],
            Export,
        ),
    ];
    for (prefill, msgs, screen) in cases {
        let mut w = Wizard::with(prefill, None);
        w.send(msgs.clone());
        assert_eq!(w.state.screen, screen, "{prefill:?} then {msgs:?}");
    }
}

#[test]
fn quitting_and_failed_writes() {
    let mut w = Wizard::new();
    w.send([Msg::Char('q')]);
    assert_eq!(w.effects.last(), Some(&Effect::Quit(Quit::Left)));
    let mut w = Wizard::with(Some("organization: Acme\nserves: own_business\n"), None);
    finish(&mut w);
    w.send([
        Msg::Confirm,
        Msg::Confirm,
        Msg::Exported(Err("disk full".into())),
    ]);
    assert_eq!(w.state.screen, Screen::Export);
    assert_eq!(w.state.error.as_deref(), Some("disk full"));
}

#[test]
fn shortcut_keys_pick_options_and_step_numbers() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm, Msg::Char('3')]);
    assert_eq!(w.state.cursor, w.option("both"));
    w.choose("own_business");
    w.send([Msg::Up, Msg::Up, Msg::PageUp, Msg::Down]);
    assert_eq!(w.state.input, "12");
    w.send([Msg::Confirm, Msg::Confirm]);
    let mut w = Wizard::new();
    w.agency();
    w.send([Msg::Confirm, Msg::Confirm, Msg::Char('y')]);
    assert_eq!(w.question(), "agency_manages_billing");
    assert_eq!(w.state.cursor, 0);
    w.send([Msg::Char('n'), Msg::Confirm]);
    assert_eq!(w.value("agency_manages_billing"), Some(&Value::Bool(false)));
}

#[test]
fn wizard_only_options_with_a_command_are_a_usage_error() {
    let case = crate::common::cases_dir().join("agency.yaml");
    let case = case.to_str().unwrap_or_default();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let top = dir.path().join("top.yaml");
    let top = top.to_str().unwrap_or_default();
    let out = crate::common::run(&["-o", top, "plan", case]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("wizard"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(!std::path::Path::new(top).exists());
    let out = crate::common::run(&["--plain", "--answers", case, "recommend", case]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // The subcommand's own -o and the global --rules keep working.
    let out = crate::common::run(&["plan", case, "-o", top]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
    let out = crate::common::run(&["--rules", rules, "recommend", case]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn answers_from_an_endless_file_are_refused_quickly() {
    let out = crate::common::run(&["--plain", "--answers", "/dev/zero"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("MiB limit"), "{}", out.stderr);
}

#[test]
fn export_writes_both_files_or_neither() {
    use account_advisor::tui::export;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = wizard::target_for(&dir.path().join("plan.yaml"));
    // The answers file's name is taken by a folder: nothing is written, and the folder is named.
    std::fs::create_dir(&target.answers).unwrap_or_else(|e| panic!("{e}"));
    for force in [false, true] {
        match export(&target, b"plan: 1\n", "a: 1\n", force) {
            Msg::Exported(Err(message)) => {
                assert!(message.contains("is a folder"), "{message}");
                assert!(message.contains("plan.answers.yaml"), "{message}");
                assert!(message.contains("nothing was written"), "{message}");
            }
            other => panic!("expected a failed export, got {other:?}"),
        }
        assert!(!target.plan.exists(), "the plan was left behind");
    }
    // A missing folder: refused before writing.
    let missing = wizard::target_for(&dir.path().join("no-such-folder/plan.yaml"));
    assert!(matches!(
        export(&missing, b"plan: 1\n", "a: 1\n", false),
        Msg::Exported(Err(m)) if m.contains("does not exist")
    ));
    // Both writable: both written.
    std::fs::remove_dir(&target.answers).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        export(&target, b"plan: 1\n", "a: 1\n", false),
        Msg::Exported(Ok(target.clone()))
    );
    assert!(target.plan.exists() && target.answers.exists());
}
