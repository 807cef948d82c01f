//! Unit tests of the wizard state machine.
