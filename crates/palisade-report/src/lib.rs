//! Reports: one data model (`data::Report`, the JSON report) rendered as terminal text,
//! Markdown, HTML, SARIF and CSV, and summarised in a screenful (`summary`). Every format carries the same facts; rendering is pure and
//! deterministic (same input, same bytes) and escapes every string that comes from a model.

pub mod csv;
pub mod data;
pub mod diff;
pub mod exports;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod summary;
pub mod terminal;
pub mod testplan;
pub mod text;
mod variant;

pub use data::{Context, Report, build, schema};
