//! Exit codes, documented in the README and `--help`.

/// Success: nothing to report.
pub const OK: u8 = 0;
/// The check found problems (a gate failed).
pub const FINDINGS: u8 = 1;
/// Invalid input or usage.
pub const USAGE: u8 = 2;
