//! account-advisor: recommends an itellicoAI account structure and writes its provisioning plan.
//!
//! `model` holds plain data, `rules` loads and evaluates the YAML rule set, `plan` builds and
//! writes plans, `wizard` is the question flow as a pure state machine, `tui` is the terminal
//! edge, `cli` the command line.

pub mod cli;
pub mod model;
pub mod output;
pub mod plan;
pub mod rules;
pub mod tui;
pub mod wizard;
pub mod yaml;
