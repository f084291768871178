//! Data-flow diagrams of a model: SVG, laid out here (no Graphviz).
//!
//! Formats are drawn from one [`Diagram`], so they show the same components, flows, labels and
//! boundaries; the words and colours of component families live in [`style`].

pub mod graph;
pub mod layout;
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
}

/// Draw the data-flow diagram of a model.
pub fn render(model: &Model, format: Format) -> String {
    let d = Diagram::from_model(model);
    match format {
        Format::Svg => svg::render(&d),
    }
}
