//! Renderers of palisade models.
//!
//! Pipeline position: the last stage, `Model ──render──▶ diagram | report`. Renderers are pure:
//! they turn a validated model (and, for reports, what later stages found) into text, and never
//! read files or print.

pub mod diagram;
