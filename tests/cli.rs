//! The command line on the scenario cases and on bad input.
