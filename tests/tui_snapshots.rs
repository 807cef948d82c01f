//! Every wizard screen drawn into ratatui's TestBackend at 80x24 and 120x40 (snapshots under
//! snapshots/), the too-small screen, and no panic at any size down to 1x1.

use account_advisor::tui::draw::{Theme, draw};
use account_advisor::wizard::Msg;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::wizard::Wizard;

/// The screen as text, drawn without colour.
fn render(w: &Wizard, width: u16, height: u16) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|frame| {
            draw(frame, &w.state, &w.rules, Theme { color: false });
        })
        .unwrap_or_else(|e| panic!("{e}"));
    terminal.backend().to_string()
}

/// Snapshots a screen at both sizes, as `NAME_80x24` and `NAME_120x40`.
fn snapshot(name: &str, w: &Wizard) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        for (width, height) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(format!("{name}_{width}x{height}"), render(w, width, height));
        }
    });
}

/// The screens in a typical session, by name.
fn screens() -> Vec<(&'static str, Wizard)> {
    let mut list = Vec::new();
    list.push(("welcome", Wizard::new()));
    let mut w = Wizard::new();
    let saved = {
        let mut a = Wizard::new();
        a.agency();
        a.state.draft.clone()
    };
    w.state.offer_resume(saved);
    list.push(("resume", w));
    let mut w = Wizard::new();
    w.send([Msg::Confirm]).type_text("Acme 株式会社 🚀");
    list.push(("question_text_cjk_emoji", w));
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm, Msg::Down]);
    list.push(("question_choice", w));
    let mut w = Wizard::new();
    w.send([Msg::Confirm])
        .type_text("Acme")
        .send([Msg::Confirm])
        .choose("own_business");
    w.send([Msg::Confirm])
        .type_text("North, South")
        .send([Msg::Confirm, Msg::Toggle, Msg::Down]);
    list.push(("question_multi", w));
    let mut w = Wizard::new();
    w.agency();
    w.send([
        Msg::Paste("Salon Mira\nBakery Holm\nX".into()),
        Msg::Confirm,
    ]);
    list.push(("question_names_error", w));
    let mut w = Wizard::new();
    w.agency();
    w.send([
        Msg::Paste("Salon Mira, Bakery Holm".into()),
        Msg::Confirm,
        Msg::Confirm,
        Msg::Char('y'),
    ]);
    list.push(("question_yes_no", w));
    let mut w = Wizard::new();
    w.agency();
    w.send([Msg::Review]);
    list.push(("review", w));
    let mut w = hybrid();
    w.send([Msg::Help]);
    list.push(("help", w));
    list.push(("result", hybrid()));
    let mut w = hybrid();
    w.send([Msg::ScrollMax(40), Msg::PageDown, Msg::PageDown]);
    list.push(("result_scrolled", w));
    let mut w = hybrid();
    w.send([Msg::Confirm, Msg::Down, Msg::Down]);
    list.push(("export", w));
    let mut w = hybrid();
    w.send([
        Msg::Confirm,
        Msg::Confirm,
        Msg::ExportExists(vec!["account-plan.yaml".into()]),
    ]);
    list.push(("confirm_overwrite", w));
    list
}

/// The hybrid-partner case on its result screen.
fn hybrid() -> Wizard {
    let case = "organization: Nordlys Digital\nserves: external_customers\nteam_size: 6\ncustomer_billing: mixed\n\
                customers_we_bill: [Salon Mira, Bakery Holm, Plumbing Dahl]\n\
                customers_own_billing: [Hotel Fjordview, Cargo Line AS]\nresell: yes\n\
                customer_logins: read_only\nplan_tier: professional\n";
    let mut w = Wizard::with(Some(case), None);
    for _ in 0..20 {
        if w.state.screen == account_advisor::wizard::Screen::Result {
            break;
        }
        w.send([Msg::Confirm]);
    }
    w
}

#[test]
fn every_screen_at_80x24_and_120x40() {
    for (name, w) in screens() {
        snapshot(name, &w);
    }
}

#[test]
fn too_small_terminal_says_so() {
    let w = Wizard::new();
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("too_small_59x15", render(&w, 59, 15));
        insta::assert_snapshot!("too_small_20x5", render(&w, 20, 5));
    });
}

#[test]
fn no_panic_at_any_size_down_to_1x1() {
    let widths = [1, 2, 3, 5, 10, 20, 40, 59, 60, 61, 64, 70, 80, 100];
    let heights = [1, 2, 3, 5, 10, 15, 16, 17, 18, 20, 24];
    for (_, w) in screens() {
        for width in widths {
            for height in heights {
                render(&w, width, height);
            }
        }
    }
}

/// The bottom line (the key bar) of a drawn screen, without the frame's quotes.
fn footer(w: &Wizard, width: u16, height: u16) -> String {
    let screen = render(w, width, height);
    let last = screen.lines().last().unwrap_or_default();
    last.trim_matches('"').trim_end().to_string()
}

#[test]
fn the_key_bar_drops_whole_hints_never_cuts_one() {
    for (name, w) in screens() {
        let full = footer(&w, 400, 16);
        for width in 60..=120 {
            let shown = footer(&w, width, 16);
            assert!(
                full.starts_with(&shown)
                    && (shown.len() == full.len() || full[shown.len()..].starts_with(" · ")),
                "{name} at {width}x16: {shown:?} is not whole hints of {full:?}"
            );
        }
    }
}

#[test]
fn a_long_one_line_answer_fills_the_box() {
    let mut w = Wizard::new();
    w.send([Msg::Confirm]);
    let long = "Nordlys Digital and Partners Consulting Group International";
    w.type_text(long);
    let screen = render(&w, 60, 16);
    // Beside the advice the box is 31 cells inside (one kept for the cursor): the answer's
    // last 30 characters are all shown, not only the last wrapped piece.
    let tail = &long[long.len() - 30..];
    assert!(screen.contains(tail), "{screen}");
}
