//! The terminal edge of the wizard: picks full-screen or plain mode, runs the event loop and
//! performs the wizard's effects. Decides nothing about answers or models.

pub mod autosave;
pub mod draw;
pub mod keys;
pub mod plain;
pub mod terminal;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use crossterm::event::{self, Event, KeyEventKind};

use crate::model::answers::Value;
use crate::output::write_atomic;
use crate::rules::RuleSet;
use crate::rules::answers;
use crate::wizard::{self, Effect, Msg, Quit, State, saved};

/// What the command line passes to the wizard.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub answers: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub plain: bool,
}

/// Runs the wizard: full-screen on a terminal, else (or with `--plain`, or TERM=dumb) line by
/// line on standard input and output.
pub fn run(rules: &RuleSet, options: &Options) -> Result<ExitCode> {
    let prefill = match &options.answers {
        Some(path) => Some(prefill(rules, path)?),
        None => None,
    };
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if options.plain || dumb || !crate::cli::interactive() {
        return line_by_line(rules, prefill, options);
    }
    full_screen(rules, prefill, options)
}

/// Plain mode on standard input and output. A person at a terminal (a screen reader, TERM=dumb)
/// gets the autosave too; piped input does not, so scripts never pick up someone's old answers.
fn line_by_line(
    rules: &RuleSet,
    mut prefill: Option<Vec<Option<Value>>>,
    options: &Options,
) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let person = std::io::stdin().is_terminal();
    if person
        && prefill.is_none()
        && let Some(bytes) = autosave::load()
    {
        let saved = saved::decode(rules, &bytes);
        if saved.iter().any(Option::is_some) {
            crate::println_safe!(
                "Resuming the unfinished answers saved earlier; they are shown in [brackets]."
            );
            prefill = Some(saved);
        }
    }
    if person {
        cancel_on_sigint();
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut save = |text: &str| {
        if person {
            let _ = autosave::save(text);
        }
    };
    let code = plain::run(
        rules,
        prefill,
        options.output.as_deref(),
        &mut stdin.lock(),
        &mut stdout.lock(),
        &mut save,
    )?;
    if person {
        autosave::remove();
    }
    Ok(code)
}

/// Plain mode at a terminal: Ctrl-C says where the answers confirmed so far are saved (as the
/// full-screen wizard does) and exits with 130.
fn cancel_on_sigint() {
    use signal_hook::consts::SIGINT;
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("sigint".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                crate::eprintln_safe!();
                if let Some(path) = autosave::path().filter(|p| p.exists()) {
                    crate::eprintln_safe!(
                        "Cancelled; the answers confirmed so far are saved in {}.",
                        path.display()
                    );
                }
                std::process::exit(130);
            }
        });
}

/// The full-screen wizard: resume offer, event loop, and what to say after leaving.
fn full_screen(
    rules: &RuleSet,
    prefill: Option<Vec<Option<Value>>>,
    options: &Options,
) -> Result<ExitCode> {
    let mut state = State::new(
        rules.questions.len(),
        prefill.clone(),
        options.output.clone(),
    );
    if prefill.is_none() {
        if let Some(bytes) = autosave::load() {
            state.offer_resume(saved::decode(rules, &bytes));
        }
    } else if let Some(path) = &options.answers {
        state.notice = Some(format!(
            "Answers from {} are filled in; Enter accepts each one.",
            path.display()
        ));
    }
    let mut screen = terminal::enter()?;
    let outcome = event_loop(&mut screen, rules, state);
    terminal::restore();
    match outcome? {
        Quit::Cancelled => {
            if let Some(path) = autosave::path().filter(|p| p.exists()) {
                crate::eprintln_safe!(
                    "Cancelled; the answers confirmed so far are saved in {}.",
                    path.display()
                );
            }
            Ok(ExitCode::from(130))
        }
        Quit::Left => {
            if let Some(path) = autosave::path() {
                crate::eprintln_safe!(
                    "Your answers so far are saved in {}; run account-advisor again to resume.",
                    path.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Quit::Exported(target) => {
            autosave::remove();
            crate::eprintln_safe!(
                "Wrote the plan to {} and the answers to {}.",
                target.plan.display(),
                target.answers.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The draft from `--answers`: strict, except that missing required answers are allowed (the
/// wizard asks them).
fn prefill(rules: &RuleSet, path: &std::path::Path) -> Result<Vec<Option<Value>>> {
    if path.as_os_str() == "-" {
        return Err(anyhow!(
            "the wizard reads --answers from a file, not standard input; give a path, or use `account-advisor recommend -`"
        ));
    }
    let (name, bytes) = crate::cli::read_input(path)?;
    match answers::read(rules, &name, &bytes) {
        Ok(loaded) => Ok(loaded.draft),
        Err(d)
            if d.items
                .iter()
                .all(|i| i.to_string().contains("missing the required answer")) =>
        {
            Ok(saved::decode(rules, &bytes))
        }
        Err(d) => Err(anyhow!("{d}")),
    }
}

/// Draws, waits for one event, updates; no tick, so an idle wizard uses no CPU.
fn event_loop(screen: &mut terminal::Screen, rules: &RuleSet, mut state: State) -> Result<Quit> {
    let theme = draw::Theme::from_env();
    loop {
        let mut max = 0;
        screen
            .draw(|frame| max = draw::draw(frame, &state, rules, theme))
            .context("failed to draw")?;
        if max != state.scroll_max && state.screen == wizard::Screen::Result {
            let before = state.scroll;
            wizard::update(&mut state, rules, Msg::ScrollMax(max));
            if state.scroll != before {
                continue;
            }
        }
        let msg = match event::read().context("failed to read from the terminal")? {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                keys::to_msg(key, state.typing(rules))
            }
            Event::Paste(text) => Some(Msg::Paste(text)),
            Event::Resize(..) => None,
            _ => continue,
        };
        let Some(msg) = msg else { continue };
        let mut effect = wizard::update(&mut state, rules, msg);
        while let Some(e) = effect.take() {
            match perform(e) {
                Performed::Quit(quit) => return Ok(quit),
                Performed::Reply(reply) => effect = wizard::update(&mut state, rules, reply),
                Performed::Done => {}
            }
        }
    }
}

enum Performed {
    Done,
    Reply(Msg),
    Quit(Quit),
}

fn perform(effect: Effect) -> Performed {
    match effect {
        Effect::Quit(quit) => Performed::Quit(quit),
        Effect::Autosave(text) => {
            // Losing the autosave must not stop the wizard; the answers are still in memory.
            let _ = autosave::save(&text);
            Performed::Done
        }
        Effect::Export {
            target,
            plan,
            answers,
            force,
        } => Performed::Reply(export(&target, &plan, &answers, force)),
    }
}

/// Writes the plan and answers files atomically, asking first if either exists. All or
/// nothing: both targets are checked before anything is written, and if the answers file still
/// cannot be written, a plan file this export created is removed again.
pub fn export(target: &wizard::ExportTarget, plan: &[u8], answers: &str, force: bool) -> Msg {
    for path in [&target.plan, &target.answers] {
        if let Some(problem) = unwritable(path) {
            return Msg::Exported(Err(format!("{problem}; nothing was written")));
        }
    }
    let existing: Vec<PathBuf> = [&target.plan, &target.answers]
        .into_iter()
        .filter(|p| p.exists())
        .cloned()
        .collect();
    if !force && !existing.is_empty() {
        return Msg::ExportExists(existing);
    }
    let plan_existed = target.plan.exists();
    if let Err(e) = write_atomic(&target.plan, plan, force) {
        return Msg::Exported(Err(format!("{e:#}; nothing was written")));
    }
    match write_atomic(&target.answers, answers.as_bytes(), force) {
        Ok(()) => Msg::Exported(Ok(target.clone())),
        Err(e) if plan_existed => Msg::Exported(Err(format!(
            "{e:#}; the plan in {} was already replaced by the new one (it existed before)",
            target.plan.display()
        ))),
        Err(e) => {
            let undone = match std::fs::remove_file(&target.plan) {
                Ok(()) => "nothing was written".to_string(),
                Err(_) => format!("the plan was written to {} anyway", target.plan.display()),
            };
            Msg::Exported(Err(format!("{e:#}; {undone}")))
        }
    }
}

/// Why `path` cannot take a file, if that is already clear: it is a folder, or its folder is
/// missing.
pub(crate) fn unwritable(path: &std::path::Path) -> Option<String> {
    if path.is_dir() {
        return Some(format!(
            "{} is a folder; choose a file name such as account-plan.yaml, or move the folder away",
            path.display()
        ));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty())?;
    if !parent.is_dir() {
        return Some(format!(
            "the folder {} does not exist; create it or choose another path",
            parent.display()
        ));
    }
    None
}
