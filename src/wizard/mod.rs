//! The question flow as a pure state machine: one `State`, one `Msg` enum, one `update`, and
//! queries for the view. Performs no I/O and never imports ratatui or crossterm: effects such
//! as writing files or quitting are returned to the runner.

mod query;
pub mod saved;
mod state;
mod update;

pub use query::{Outcome, Preview, Progress, answer_summary, preview, progress, result, words};
pub use state::{Effect, ExportTarget, Msg, Quit, Screen, State};
pub use update::{FORMATS, answer, enter_question, option_rows, target_for, update};
