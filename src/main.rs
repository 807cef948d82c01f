//! The binary: parse arguments, run, print the error chain, return the exit status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = account_advisor::cli::Cli::parse();
    match account_advisor::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            account_advisor::cli::say(format_args!("account-advisor: {err:#}"));
            ExitCode::from(1)
        }
    }
}
