//! account-advisor: recommends an itellicoAI account structure and writes its provisioning plan.
//!
//! `model` holds plain data, `rules` loads and evaluates the YAML rule set, `plan` builds and
//! writes plans, `wizard` is the question flow as a pure state machine, `tui` is the terminal
//! edge, `cli` the command line.

/// `eprintln!` that ignores a closed standard error instead of panicking.
#[macro_export]
macro_rules! eprintln_safe {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that ignores a closed standard output instead of panicking.
#[macro_export]
macro_rules! println_safe {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod cli;
pub mod model;
pub mod output;
pub mod plan;
pub mod rules;
pub mod tui;
pub mod wizard;
pub mod yaml;
