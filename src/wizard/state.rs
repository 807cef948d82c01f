//! The wizard's data: the one state value, the messages that change it and the effects it asks
//! the runner to perform.

use std::path::PathBuf;

use crate::model::answers::Value;
use crate::plan::Format;
use crate::wizard::query::Outcome;

/// Which screen is shown: one mode at a time, never a pair of flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// What the tool does and which keys to use.
    Welcome,
    /// An autosave from an earlier run was found: resume it or start over.
    Resume,
    /// One question (`State::current`).
    Question,
    /// Every asked answer, to jump back and edit one.
    Review,
    /// The recommendation, comparison, findings and plan.
    Result,
    /// Choose the plan's format and path.
    Export,
    /// The plan or answers file exists: overwrite it or not.
    ConfirmOverwrite,
    /// The key reference, over the screen in `State::behind`.
    Help,
}

/// What a key press or a performed effect means to the wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Up,
    Down,
    PageUp,
    PageDown,
    /// Enter: accept and go on.
    Confirm,
    /// Space: toggle the highlighted check box.
    Toggle,
    /// Esc or Shift-Tab: the previous question or screen.
    Back,
    /// A typed character (text inputs), or a shortcut letter elsewhere.
    Char(char),
    Backspace,
    /// Text pasted at once (bracketed paste).
    Paste(String),
    Help,
    Review,
    /// Ctrl-C: leave at once.
    Cancel,
    /// The runner found these files of the export target already there.
    ExportExists(Vec<PathBuf>),
    /// The runner wrote the export (or failed, with the reason).
    Exported(Result<ExportTarget, String>),
    /// The result screen's content is this many lines longer than its viewport.
    ScrollMax(u16),
}

/// Where an export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTarget {
    pub plan: PathBuf,
    pub answers: PathBuf,
}

/// Why the wizard ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quit {
    /// Ctrl-C: exit status 130; the autosave is kept.
    Cancelled,
    /// The user left without exporting; the autosave is kept.
    Left,
    /// The plan and answers were written; the autosave can go.
    Exported(ExportTarget),
}

/// Work the runner performs for the wizard, reporting back with a [`Msg`] where one is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save the draft (an answers document) where a crash cannot lose it.
    Autosave(String),
    /// Write both files atomically; without `force`, answer `Msg::ExportExists` if either
    /// exists; then answer `Msg::Exported`.
    Export {
        target: ExportTarget,
        plan: Vec<u8>,
        answers: String,
        force: bool,
    },
    Quit(Quit),
}

/// The whole wizard state.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub screen: Screen,
    /// The screen under the help overlay or the overwrite question.
    pub behind: Screen,
    /// The answers given so far, by question; answers to questions no longer asked are kept
    /// (so they come back if an earlier answer changes back) but not used.
    pub draft: Vec<Option<Value>>,
    /// The question shown on the question screen.
    pub current: usize,
    /// The highlighted row: option, review line, format or resume choice.
    pub cursor: usize,
    /// Check boxes of a multi-choice question being answered.
    pub marks: u64,
    /// Text typed into a text, number or names input, or the export path.
    pub input: String,
    /// The input shows a default (or a number): the first key typed replaces it.
    pub fresh: bool,
    /// What is wrong with the answer and how to fix it.
    pub error: Option<String>,
    /// A one-line note such as "answers restored".
    pub notice: Option<String>,
    /// The result screen's first line shown, and its largest useful value.
    pub scroll: u16,
    pub scroll_max: u16,
    /// Editing one answer from the review screen: Enter or Esc goes back there.
    pub editing: bool,
    /// Where the review screen was opened from, and the question shown then: Esc on the
    /// review screen goes back there.
    pub review_from: (Screen, usize),
    /// `--output`: where Enter on the result screen writes the plan.
    pub output: Option<PathBuf>,
    /// The export format chosen on the export screen.
    pub format: Format,
    /// Answers found in the autosave, offered on the resume screen.
    pub resumable: Option<Vec<Option<Value>>>,
    /// The export waiting for the overwrite answer, and its files that already exist.
    pub pending: Option<ExportTarget>,
    pub existing: Vec<PathBuf>,
    /// The recommendation and plan for the draft, worked out once on reaching the result
    /// (a plan can have 100,000 accounts) and dropped when an answer changes.
    pub outcome: Option<Box<Outcome>>,
}

impl State {
    /// A fresh wizard over `questions` questions, optionally pre-filled from an answers file.
    pub fn new(
        questions: usize,
        prefill: Option<Vec<Option<Value>>>,
        output: Option<PathBuf>,
    ) -> State {
        let format = output
            .as_deref()
            .map(Format::from_path)
            .unwrap_or(Format::Yaml);
        let mut draft = prefill.unwrap_or_default();
        draft.resize(questions, None);
        State {
            screen: Screen::Welcome,
            behind: Screen::Welcome,
            draft,
            current: 0,
            cursor: 0,
            marks: 0,
            input: String::new(),
            fresh: false,
            error: None,
            notice: None,
            scroll: 0,
            scroll_max: u16::MAX,
            editing: false,
            review_from: (Screen::Welcome, 0),
            output,
            format,
            resumable: None,
            pending: None,
            existing: Vec::new(),
            outcome: None,
        }
    }

    /// Offers the autosaved answers on a resume screen before the welcome screen.
    pub fn offer_resume(&mut self, saved: Vec<Option<Value>>) {
        if saved.iter().any(Option::is_some) {
            self.resumable = Some(saved);
            self.screen = Screen::Resume;
            self.cursor = 0;
        }
    }

    /// Whether typed characters go into a text input (so letters are not shortcuts).
    pub fn typing(&self, rules: &crate::rules::RuleSet) -> bool {
        use crate::model::question::QuestionKind as K;
        match self.screen {
            Screen::Question => rules.questions.get(self.current).is_some_and(|q| {
                matches!(q.kind, K::Text { .. } | K::Number { .. } | K::Names { .. })
            }),
            Screen::Export => true,
            _ => false,
        }
    }
}
