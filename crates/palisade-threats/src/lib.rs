//! The palisade threat library and the engine that matches it against a model.
//!
//! Pipeline position: `Model + Facts ──match──▶ Findings`. Rules are data (YAML files with CEL
//! conditions), embedded for the built-in library and read from disk for user packs; both go
//! through one loader that rejects any condition naming an unknown variable, field or value.
//! Matching is pure.

pub mod atlas;
mod check;
pub mod engine;
mod fast;
pub mod ids;
pub mod library;
pub mod rule;
mod shared;
pub mod types;
mod value;

pub use engine::{Evaluation, Finding, Selection, evaluate};
pub use library::{BUILTIN, CompiledRule, Library, LoadedLibrary, load};
pub use rule::{Category, Rule, Stride, Target};
pub use shared::{Shared, Text};

/// The rule reference (`docs/rules.md`): format, checks and every variable path.
pub fn reference() -> String {
    let mut out = String::from(include_str!("../docs/rules-intro.md"));
    out.push('\n');
    out.push_str(&types::reference());
    out
}

#[cfg(test)]
mod tests {
    /// `docs/rules.md` is generated; regenerate with `PALISADE_BLESS=1 cargo test`.
    #[test]
    fn docs_rules_md_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
        let want = super::reference();
        if std::env::var_os("PALISADE_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules.md is out of date: run `PALISADE_BLESS=1 cargo test -p palisade-threats`"
        );
    }
}
