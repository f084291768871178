//! The three formats on the example models and on hostile input.

mod support;
use palisade_render::diagram::{Diagram, Format, render};

const FORMATS: [Format; 3] = [Format::Svg, Format::Mermaid, Format::Dot];

#[test]
fn every_example_renders_in_every_format() {
    for path in support::examples() {
        let m = support::load(&path);
        for f in FORMATS {
            let out = render(&m, f);
            assert!(out.len() > 200, "{} {f:?}: {out}", path.display());
        }
        let svg = render(&m, Format::Svg);
        support::well_formed(&svg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn the_svg_names_every_component_and_titles_it_with_id_and_kind() {
    for path in support::examples() {
        let m = support::load(&path);
        let d = Diagram::from_model(&m);
        let svg = render(&m, Format::Svg);
        let names = support::node_names(&svg);
        let expected: Vec<String> = d.nodes.iter().map(|n| n.name.clone()).collect();
        assert_eq!(names, expected, "{}", path.display());
        for n in &d.nodes {
            let title = format!("<title>{} ({} {})</title>", n.name, n.kind.as_str(), n.id);
            assert!(svg.contains(&title), "{}: no {title}", path.display());
        }
        for b in &d.clusters {
            assert!(svg.contains(&format!(">{}</text>", b.name)), "{}", b.name);
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    for path in support::examples() {
        for f in FORMATS {
            let a = render(&support::load(&path), f);
            let b = render(&support::load(&path), f);
            assert!(a == b, "{} {f:?} differs between two runs", path.display());
        }
    }
}

const HOSTILE: &str = r#"
system: {name: "<script>alert('x')</script> & ]]> \"q\"", criticality: low}
data_assets:
  - {id: d, name: "</text><script>evil()</script>", classification: internal}
  - {id: e, name: "a\"b|c]]>#d;`e`%%f\\", classification: internal}
components:
  - {id: a, kind: actor, name: "<script>alert(1)</script>"}
  - {id: b, kind: llm, name: "Quote \" and ' and & and ]]> and BELL bell"}
  - {id: c, kind: vector-store, name: "end"}
  - {id: c.d, kind: tool, name: "subgraph x\nend\nclick a call evil()"}
  - {id: c-d, kind: agent, name: "graph TD; A-->B"}
flows:
  - {from: a, to: b, data: [d]}
  - {from: b, to: c, data: [e], returns: [d]}
  - {from: c.d, to: c-d}
  - {from: c-d, to: c.d, data: [e]}
boundaries:
  - {id: z, name: "<b onload=alert(1)>zone</b> \"]]>", trust: untrusted, contains: [a], boundaries: [y]}
  - {id: y, name: "end", contains: [b]}
  - {id: end, name: "}}]]\\\"", contains: [c, c.d, c-d]}
"#;

/// The hostile model with a control character in a name: the loader refuses those in files, but
/// models built in code (imports, library users) reach the renderers unchecked.
fn hostile() -> palisade_model::Model {
    let mut m = support::model(HOSTILE);
    for c in &mut m.components {
        if let Some(name) = &mut c.value.name {
            name.value = name.value.replace("BELL", "\u{7}");
        }
    }
    m
}

#[test]
fn hostile_strings_stay_inert_in_svg() {
    let m = hostile();
    let svg = render(&m, Format::Svg);
    support::well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<b "), "{svg}");
    assert!(!svg.contains("]]>"), "{svg}");
    assert!(!svg.contains('\u{7}'));
    let d = Diagram::from_model(&m);
    assert_eq!(
        support::node_names(&svg),
        d.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>()
    );
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn hostile_strings_stay_inside_mermaid_quotes() {
    let m = hostile();
    let mmd = render(&m, Format::Mermaid);
    for line in mmd.lines() {
        // Every quote on a line opens or closes one of ours: an even number, and nothing
        // that ends a label.
        assert_eq!(line.matches('"').count() % 2, 0, "{line}");
        assert!(!line.contains("<script") && !line.contains("<b "), "{line}");
    }
    // Line breaks in names do not start statements.
    assert!(
        !mmd.lines().any(|l| l.trim() == "click a call evil()"),
        "{mmd}"
    );
    assert_eq!(
        mmd.lines().filter(|l| l.trim() == "end").count(),
        3,
        "{mmd}"
    );
}

#[test]
fn hostile_strings_stay_inside_dot_quotes() {
    let m = hostile();
    let dot = render(&m, Format::Dot);
    for line in dot.lines() {
        // Outside our own escapes, quotes pair up.
        let unescaped = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
    }
    assert_eq!(
        dot.lines().filter(|l| l.contains("\" -> \"")).count(),
        4,
        "{dot}"
    );
}
