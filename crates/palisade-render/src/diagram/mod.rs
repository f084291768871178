//! Data-flow diagrams of a model: SVG (laid out here, no Graphviz), Mermaid and Graphviz DOT.
//!
//! All three are drawn from one [`Diagram`], so they show the same components, flows, labels and
//! boundaries; the words and colours of component families live in [`style`].

pub mod dot;
pub mod graph;
pub mod layout;
pub mod mermaid;
pub mod style;
pub mod svg;
pub mod text;

pub use graph::Diagram;
use palisade_model::Model;

/// Diagram formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A standalone SVG image.
    Svg,
    /// A Mermaid `flowchart` (renders in GitHub and GitLab Markdown).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

/// Draw the data-flow diagram of a model.
pub fn render(model: &Model, format: Format) -> String {
    let d = Diagram::from_model(model);
    match format {
        Format::Svg => svg::render(&d),
        Format::Mermaid => mermaid::render(&d),
        Format::Dot => dot::render(&d),
    }
}
