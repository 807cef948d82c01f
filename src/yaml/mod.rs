//! YAML for user-written files: a position-keeping reader and a streaming block-style writer.

mod read;
mod write;

pub use read::{Limits, Node, NodeKind, ReadError, Span, parse};
pub use write::{WriteError, to_string, to_writer};
