//! Building the provisioning plan from a decision, and writing it as YAML, JSON or Markdown.

pub mod build;
pub mod markdown;
pub mod write;

pub use build::build;
pub use write::{Format, write};
