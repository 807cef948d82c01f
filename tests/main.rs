//! The one integration-test binary: each module tests one area through the public API or the
//! built binary.

mod cli;
mod common;
mod fuzz;
mod plain;
mod pty;
mod rules_tooling;
mod space;
mod tui_snapshots;
mod wizard;
