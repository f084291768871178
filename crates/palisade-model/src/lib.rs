//! The palisade system model: the file a team keeps next to its code to describe one AI system.
//!
//! Pipeline position: `model file(s) ──parse+validate──▶ Model`. This crate reads YAML or JSON
//! (with `includes`), converts it into typed structures that remember where every value was
//! written, validates the whole model, and reports every problem as a [`Diagnostic`] with spans.
//! It never panics on input and bounds the resources any input can consume.

pub mod convert;
pub mod date;
pub mod diag;
mod fastparse;
pub mod kinds;
pub mod load;
pub mod model;
pub mod node;
pub mod reference;
mod scan;
pub mod schema;
pub mod source;
mod suggest;
pub mod templates;
pub mod validate;

pub use convert::Loc;
pub use diag::{Diagnostic, Severity};
pub use kinds::ComponentKind;
pub use load::{FileSystem, Loaded, MemFs, RealFs, load, load_str};
pub use model::*;
pub use node::Limits;
pub use source::{FileId, SourceMap, Span};
pub use suggest::suggest;
pub use validate::{Element, Model};
