//! The layout on the example models and on generated large models.

mod support;
use palisade_render::diagram::{Diagram, svg};

#[test]
fn example_layouts_have_no_overlaps_and_boxes_hold_exactly_their_members() {
    for path in support::examples() {
        let m = support::load(&path);
        let d = Diagram::from_model(&m);
        let lay = svg::layout(&d);
        let problems = support::problems(&d, &lay);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            path.display(),
            problems.join("\n")
        );
    }
}

#[test]
fn a_generated_500_component_model_lays_out_without_overlaps() {
    for text in [support::enterprise(500), support::generated(500)] {
        let m = support::model(&text);
        let d = Diagram::from_model(&m);
        assert!(d.nodes.len() >= 500);
        let lay = svg::layout(&d);
        let problems = support::problems(&d, &lay);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
