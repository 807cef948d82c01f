//! The one integration-test binary: each module tests one area through the public API or the
//! built binary.

mod cli;
mod rules_tooling;
