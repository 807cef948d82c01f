//! The transition table: `update` is the only thing that changes the wizard's state.

use std::path::{Path, PathBuf};

use crate::model::answers::{Names, Value};
use crate::model::question::QuestionKind;
use crate::plan::{self, Format};
use crate::rules::RuleSet;
use crate::rules::answers::{parse_input, to_yaml};
use crate::wizard::saved;
use crate::wizard::state::{Effect, ExportTarget, Msg, Quit, Screen, State};

/// The formats offered on the export screen, in order.
pub const FORMATS: [Format; 3] = [Format::Yaml, Format::Json, Format::Markdown];

/// Applies one message; returns the effect the runner must perform, if any.
pub fn update(state: &mut State, rules: &RuleSet, msg: Msg) -> Option<Effect> {
    let key = match msg {
        Msg::Cancel => return Some(Effect::Quit(Quit::Cancelled)),
        Msg::ScrollMax(max) => {
            state.scroll_max = max;
            state.scroll = state.scroll.min(max);
            return None;
        }
        Msg::ExportExists(existing) => {
            state.existing = existing;
            state.behind = state.screen;
            state.screen = Screen::ConfirmOverwrite;
            state.cursor = 1;
            return None;
        }
        Msg::Exported(Ok(target)) => return Some(Effect::Quit(Quit::Exported(target))),
        Msg::Exported(Err(reason)) => {
            state.pending = None;
            state.error = Some(reason);
            return None;
        }
        Msg::Up => Key::Up,
        Msg::Down => Key::Down,
        Msg::PageUp => Key::PageUp,
        Msg::PageDown => Key::PageDown,
        Msg::Confirm => Key::Confirm,
        Msg::Toggle => Key::Toggle,
        Msg::Back => Key::Back,
        Msg::Char(c) => Key::Char(c),
        Msg::Backspace => Key::Backspace,
        Msg::Paste(text) => Key::Paste(text),
        Msg::Help => Key::Help,
        Msg::Review => Key::Review,
    };
    match state.screen {
        Screen::Welcome => welcome(state, rules, key),
        Screen::Resume => resume(state, rules, key),
        Screen::Question => question(state, rules, key),
        Screen::Review => review(state, rules, key),
        Screen::Result => result(state, rules, key),
        Screen::Export => export_screen(state, rules, key),
        Screen::ConfirmOverwrite => confirm_overwrite(state, rules, key),
        Screen::Help => {
            if matches!(key, Key::Back | Key::Help | Key::Confirm | Key::Char('q')) {
                state.screen = state.behind;
            }
            None
        }
    }
}

/// A message from the user, once the runner's replies are handled: what each screen reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Up,
    Down,
    PageUp,
    PageDown,
    Confirm,
    Toggle,
    Back,
    Char(char),
    Backspace,
    Paste(String),
    Help,
    Review,
}

fn welcome(state: &mut State, rules: &RuleSet, key: Key) -> Option<Effect> {
    match key {
        Key::Confirm => {
            state.notice = None;
            match rules.asked(&state.draft).first() {
                Some(&q) => enter_question(state, rules, q),
                None => go_result(state, rules),
            }
            None
        }
        Key::Help => open(state, Screen::Help),
        Key::Review => open_review(state),
        Key::Char('q') => Some(Effect::Quit(Quit::Left)),
        Key::Up
        | Key::Down
        | Key::PageUp
        | Key::PageDown
        | Key::Toggle
        | Key::Back
        | Key::Char(_)
        | Key::Backspace
        | Key::Paste(_) => None,
    }
}

fn resume(state: &mut State, rules: &RuleSet, key: Key) -> Option<Effect> {
    match key {
        Key::Up | Key::Down => state.cursor = 1 - state.cursor.min(1),
        Key::Char('y') => resume_choose(state, rules, true),
        Key::Char('n') | Key::Back => resume_choose(state, rules, false),
        Key::Confirm => resume_choose(state, rules, state.cursor == 0),
        Key::Char('q') => return Some(Effect::Quit(Quit::Left)),
        Key::PageUp
        | Key::PageDown
        | Key::Toggle
        | Key::Char(_)
        | Key::Backspace
        | Key::Paste(_)
        | Key::Help
        | Key::Review => {}
    }
    None
}

/// Resuming goes straight to the first question still without an answer; starting over shows
/// the welcome screen.
fn resume_choose(state: &mut State, rules: &RuleSet, resume: bool) {
    state.screen = Screen::Welcome;
    state.cursor = 0;
    let Some(saved) = state.resumable.take() else {
        return;
    };
    if !resume {
        state.notice = Some("Starting over; the earlier answers will be replaced.".to_string());
        return;
    }
    let n = state.draft.len();
    state.draft = saved;
    state.draft.resize(n, None);
    state.outcome = None;
    let asked = rules.asked(&state.draft);
    match asked
        .iter()
        .find(|&&q| state.draft.get(q).is_some_and(Option::is_none))
    {
        Some(&q) => enter_question(state, rules, q),
        None => go_result(state, rules),
    }
}

fn question(state: &mut State, rules: &RuleSet, key: Key) -> Option<Effect> {
    let Some(q) = rules.questions.get(state.current) else {
        state.screen = Screen::Welcome;
        return None;
    };
    let rows = option_rows(&q.kind, q.options.len());
    match key {
        Key::Up | Key::PageUp if rows > 0 => {
            state.cursor = state.cursor.checked_sub(1).unwrap_or(rows - 1)
        }
        Key::Down | Key::PageDown if rows > 0 => state.cursor = (state.cursor + 1) % rows,
        Key::Up | Key::Down | Key::PageUp | Key::PageDown => step_number(state, &q.kind, &key),
        Key::Toggle => match q.kind {
            QuestionKind::Multi => {
                state.marks ^= 1u64 << state.cursor.min(63);
                state.error = None;
            }
            QuestionKind::Text { .. }
            | QuestionKind::Number { .. }
            | QuestionKind::Names { .. } => type_text(state, " "),
            QuestionKind::Choice | QuestionKind::YesNo => {}
        },
        Key::Char(c) => match q.kind {
            QuestionKind::Text { .. }
            | QuestionKind::Number { .. }
            | QuestionKind::Names { .. } => type_text(state, c.encode_utf8(&mut [0; 4])),
            QuestionKind::YesNo => match c.to_ascii_lowercase() {
                'y' => state.cursor = 0,
                'n' => state.cursor = 1,
                _ => {}
            },
            QuestionKind::Choice | QuestionKind::Multi => {
                if let Some(d) = c
                    .to_digit(10)
                    .filter(|d| *d >= 1 && (*d as usize) <= q.options.len())
                {
                    state.cursor = d as usize - 1;
                }
            }
        },
        Key::Backspace => {
            state.fresh = false;
            state.input.pop();
            state.error = None;
        }
        Key::Paste(text) => {
            // Terminals send pasted line ends as CR, CR LF or LF.
            let text = text.replace("\r\n", "\n").replace('\r', "\n");
            let text = match q.kind {
                // Names: a line end is a separator, so blank lines (a CR LF some terminals turn
                // into two line ends) add nothing; runs collapse to one.
                QuestionKind::Names { .. } => {
                    let mut kept = String::with_capacity(text.len());
                    let mut after_break =
                        state.fresh || state.input.is_empty() || state.input.ends_with('\n');
                    for c in text.chars() {
                        if c == '\n' && after_break {
                            continue;
                        }
                        after_break = c == '\n';
                        kept.push(c);
                    }
                    kept
                }
                _ => text.replace(['\r', '\n'], " "),
            };
            type_text(state, &text);
        }
        Key::Confirm => match answer(state, rules) {
            Err(message) => state.error = Some(message),
            Ok(value) => {
                if let Some(slot) = state.draft.get_mut(state.current) {
                    *slot = Some(value);
                }
                state.outcome = None;
                next_question(state, rules);
                return Some(Effect::Autosave(saved::encode(rules, &state.draft)));
            }
        },
        Key::Back => {
            if state.editing {
                // The edit is abandoned: back to the review screen, on the same line.
                state.editing = false;
                return_to_review(state, rules);
                return None;
            }
            let asked = rules.asked(&state.draft);
            match asked.iter().rev().find(|&&a| a < state.current) {
                Some(&prev) => enter_question(state, rules, prev),
                None => {
                    state.screen = Screen::Welcome;
                    state.error = None;
                }
            }
        }
        Key::Help => return open(state, Screen::Help),
        Key::Review => return open_review(state),
    }
    None
}

fn review(state: &mut State, rules: &RuleSet, key: Key) -> Option<Effect> {
    let asked = rules.asked(&state.draft);
    let rows = asked.len() + 1;
    match key {
        Key::Up => state.cursor = state.cursor.checked_sub(1).unwrap_or(rows - 1),
        Key::Down => state.cursor = (state.cursor + 1) % rows,
        Key::PageUp => state.cursor = 0,
        Key::PageDown => state.cursor = rows - 1,
        Key::Confirm => match asked.get(state.cursor) {
            Some(&q) => {
                state.editing = true;
                enter_question(state, rules, q);
            }
            None => go_result(state, rules),
        },
        Key::Back | Key::Review => {
            state.cursor = 0;
            state.editing = false;
            match state.review_from {
                (Screen::Question, q) => {
                    // An edit may have stopped asking that question: the next one still asked.
                    match asked.iter().find(|&&a| a >= q) {
                        Some(&q) => enter_question(state, rules, q),
                        None => go_result(state, rules),
                    }
                }
                // Answers may have changed since: work the result out again.
                (Screen::Result, _) => go_result(state, rules),
                (other, _) => state.screen = other,
            }
        }
        Key::Help => return open(state, Screen::Help),
        Key::Char('q') => return Some(Effect::Quit(Quit::Left)),
        Key::Toggle | Key::Char(_) | Key::Backspace | Key::Paste(_) => {}
    }
    None
}

fn result(state: &mut State, rules: &RuleSet, key: Key) -> Option<Effect> {
    match key {
        Key::Up => state.scroll = state.scroll.saturating_sub(1),
        Key::Down => state.scroll = state.scroll.saturating_add(1).min(state.scroll_max),
        Key::PageUp => state.scroll = state.scroll.saturating_sub(10),
        Key::PageDown => state.scroll = state.scroll.saturating_add(10).min(state.scroll_max),
        Key::Confirm => match state.output.clone() {
            Some(path) => {
                state.format = Format::from_path(&path);
                return export(state, rules, target_for(&path), false);
            }
            None => open_export(state),
        },
        Key::Char('e' | 's') => open_export(state),
        Key::Char('q') => return Some(Effect::Quit(Quit::Left)),
        Key::Back => {
            state.error = None;
            match rules.asked(&state.draft).last() {
                Some(&q) => enter_question(state, rules, q),
                None => state.screen = Screen::Welcome,
            }
        }
        Key::Help => return open(state, Screen::Help),
        Key::Review => return open_review(state),
        Key::Toggle | Key::Char(_) | Key::Backspace | Key::Paste(_) => {}
    }
    None
}

fn export_screen(state: &mut State, rules: &RuleSet, key: Key) -> Option<Effect> {
    match key {
        Key::Up | Key::Down => {
            let i = FORMATS.iter().position(|f| *f == state.format).unwrap_or(0);
            let i = if key == Key::Up {
                (i + FORMATS.len() - 1) % FORMATS.len()
            } else {
                (i + 1) % FORMATS.len()
            };
            state.format = FORMATS[i];
            state.input = with_extension(&state.input, state.format);
            state.error = None;
        }
        Key::Char(c) => type_text(state, c.encode_utf8(&mut [0; 4])),
        Key::Toggle => type_text(state, " "),
        Key::Paste(text) => type_text(state, &text.replace(['\r', '\n'], "")),
        Key::Backspace => {
            state.input.pop();
            state.error = None;
        }
        Key::Confirm => {
            let path = state.input.trim().to_string();
            if path.is_empty() {
                state.error =
                    Some("type the path of the plan file, e.g. account-plan.yaml".to_string());
                return None;
            }
            let path = PathBuf::from(path);
            return export(state, rules, target_for(&path), false);
        }
        Key::Back => {
            state.screen = Screen::Result;
            state.error = None;
        }
        Key::Help => return open(state, Screen::Help),
        Key::PageUp | Key::PageDown | Key::Review => {}
    }
    None
}

fn confirm_overwrite(state: &mut State, rules: &RuleSet, key: Key) -> Option<Effect> {
    let overwrite = match key {
        Key::Up | Key::Down => {
            state.cursor = 1 - state.cursor.min(1);
            return None;
        }
        Key::Char('y' | 'Y') => true,
        Key::Char('n' | 'N') | Key::Back => false,
        Key::Confirm => state.cursor == 0,
        Key::PageUp
        | Key::PageDown
        | Key::Toggle
        | Key::Char(_)
        | Key::Backspace
        | Key::Paste(_)
        | Key::Help
        | Key::Review => return None,
    };
    state.screen = state.behind;
    state.cursor = 0;
    let pending = state.pending.take();
    match pending {
        Some(target) if overwrite => export(state, rules, target, true),
        _ => {
            state.error = Some(
                "Nothing was written; choose another path or confirm overwriting.".to_string(),
            );
            if state.screen == Screen::Result {
                open_export(state);
            }
            None
        }
    }
}

fn open(state: &mut State, screen: Screen) -> Option<Effect> {
    state.behind = state.screen;
    state.screen = screen;
    None
}

fn open_review(state: &mut State) -> Option<Effect> {
    state.review_from = (state.screen, state.current);
    state.behind = state.screen;
    state.screen = Screen::Review;
    state.cursor = 0;
    state.error = None;
    None
}

/// Back on the review screen after editing one answer, with that answer highlighted; Esc
/// there still leads to where the review was opened from.
fn return_to_review(state: &mut State, rules: &RuleSet) {
    let edited = state.current;
    state.behind = state.review_from.0;
    state.screen = Screen::Review;
    state.error = None;
    state.cursor = rules
        .asked(&state.draft)
        .iter()
        .position(|&a| a == edited)
        .unwrap_or(0);
}

fn open_export(state: &mut State) {
    state.screen = Screen::Export;
    state.input = match &state.output {
        Some(path) => path.display().to_string(),
        None => format!("account-plan.{}", state.format.extension()),
    };
    state.fresh = true;
}

fn type_text(state: &mut State, text: &str) {
    if std::mem::take(&mut state.fresh) {
        state.input.clear();
    }
    // Control characters never enter the buffer (they could reach the terminal when drawn);
    // newlines separate names and are kept.
    let kept = text
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| *c == '\n' || !c.is_control());
    state.input.extend(kept);
    state.error = None;
}

fn step_number(state: &mut State, kind: &QuestionKind, key: &Key) {
    if let QuestionKind::Number { min, max } = kind {
        let n = state.input.trim().parse::<i64>().unwrap_or(*min);
        let step = if matches!(key, Key::PageUp | Key::PageDown) {
            10
        } else {
            1
        };
        let n = if matches!(key, Key::Up | Key::PageUp) {
            n.saturating_add(step)
        } else {
            n.saturating_sub(step)
        };
        state.input = n.clamp(*min, *max).to_string();
        state.error = None;
    }
}

/// How many selectable rows a question's input has (0 for typed inputs).
pub fn option_rows(kind: &QuestionKind, options: usize) -> usize {
    match kind {
        QuestionKind::Choice | QuestionKind::Multi => options,
        QuestionKind::YesNo => 2,
        QuestionKind::Text { .. } | QuestionKind::Number { .. } | QuestionKind::Names { .. } => 0,
    }
}

/// The answer the inputs currently hold, checked against the question.
pub fn answer(state: &State, rules: &RuleSet) -> Result<Value, String> {
    let Some(q) = rules.questions.get(state.current) else {
        return Err("no question".to_string());
    };
    match q.kind {
        QuestionKind::Choice => Ok(Value::Choice(
            state.cursor.min(q.options.len().saturating_sub(1)),
        )),
        QuestionKind::Multi => Ok(Value::Multi(state.marks)),
        QuestionKind::YesNo => Ok(Value::Bool(state.cursor == 0)),
        QuestionKind::Text { .. } | QuestionKind::Number { .. } | QuestionKind::Names { .. } => {
            parse_input(q, &state.input).map_err(|message| match q.kind {
                QuestionKind::Names { .. } => {
                    format!("{message}. Separate names with commas or new lines, or type a count.")
                }
                _ => message,
            })
        }
    }
}

/// Shows question `q` with its inputs set from the draft, else from its default.
pub fn enter_question(state: &mut State, rules: &RuleSet, q: usize) {
    state.screen = Screen::Question;
    state.current = q;
    state.error = None;
    state.cursor = 0;
    state.marks = 0;
    state.input.clear();
    state.fresh = false;
    let Some(question) = rules.questions.get(q) else {
        return;
    };
    let given = state.draft.get(q).cloned().flatten();
    state.fresh = given.is_none() || matches!(question.kind, QuestionKind::Number { .. });
    let value = given.or_else(|| question.default.clone());
    match value {
        Some(Value::Choice(i)) => state.cursor = i,
        Some(Value::Multi(bits)) => state.marks = bits,
        Some(Value::Bool(b)) => state.cursor = if b { 0 } else { 1 },
        Some(Value::Text(text)) => state.input = text,
        Some(Value::Number(n)) => state.input = n.to_string(),
        Some(Value::Names(Names::List(names))) => state.input = names.join(", "),
        Some(Value::Names(Names::Count(n))) => state.input = n.to_string(),
        None => {}
    }
}

fn next_question(state: &mut State, rules: &RuleSet) {
    let asked = rules.asked(&state.draft);
    let current = state.current;
    if state.editing {
        // One answer edited from the review screen: back there, out of editing.
        state.editing = false;
        return_to_review(state, rules);
        return;
    }
    match asked.iter().find(|&&a| a > current) {
        Some(&q) => enter_question(state, rules, q),
        None => go_result(state, rules),
    }
}

fn go_result(state: &mut State, rules: &RuleSet) {
    let (_, missing) = rules.complete(&state.draft);
    if let Some(&q) = missing.first() {
        enter_question(state, rules, q);
        state.error = Some("This one needs an answer before the recommendation.".to_string());
        return;
    }
    state.screen = Screen::Result;
    state.editing = false;
    state.error = None;
    state.scroll = 0;
    if state.outcome.is_none() {
        state.outcome = crate::wizard::query::result(state, rules).map(Box::new);
    }
}

fn export(state: &mut State, rules: &RuleSet, target: ExportTarget, force: bool) -> Option<Effect> {
    let (answers, missing) = rules.complete(&state.draft);
    if !missing.is_empty() {
        state.error =
            Some("Some required questions are unanswered; press r to review them.".to_string());
        return None;
    }
    let decision = rules.decide(&answers.values);
    if decision.model.is_none() {
        state.error = Some(format!(
            "the rule set ({}) recommends nothing for these answers",
            rules.source
        ));
        return None;
    }
    let built;
    let plan = match &state.outcome {
        Some(outcome) => &outcome.plan,
        None => {
            built = plan::build(rules, &answers, &decision);
            &built
        }
    };
    match plan::write::to_bytes(plan, rules, state.format) {
        Ok(bytes) => {
            state.pending = Some(target.clone());
            Some(Effect::Export {
                target,
                plan: bytes,
                answers: to_yaml(rules, &answers),
                force,
            })
        }
        Err(e) => {
            state.error = Some(format!("failed to render the plan: {e:#}"));
            None
        }
    }
}

/// The plan goes to `path`; its answers file beside it, as `NAME.answers.yaml`.
pub fn target_for(path: &Path) -> ExportTarget {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "account-plan".to_string());
    ExportTarget {
        plan: path.to_path_buf(),
        answers: path.with_file_name(format!("{stem}.answers.yaml")),
    }
}

fn with_extension(path: &str, format: Format) -> String {
    for f in FORMATS {
        if let Some(stem) = path.strip_suffix(&format!(".{}", f.extension())) {
            return format!("{stem}.{}", format.extension());
        }
    }
    path.to_string()
}
