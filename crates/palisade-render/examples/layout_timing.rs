//! Time the diagram layout on generated models:
//! `cargo run -p palisade-render --example layout_timing -- 500 2000` (enterprise-shaped models;
//! `DEEP=1` for deep random ones, `CHECK=1` to also check the geometry, `SAVE=DIR` to write
//! each model and its SVG there).
#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    let deep = std::env::var_os("DEEP").is_some();
    for n in std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a number"))
    {
        let text = if deep {
            support::generated(n)
        } else {
            support::enterprise(n)
        };
        let m = support::model(&text);
        let d = palisade_render::diagram::Diagram::from_model(&m);
        let t = std::time::Instant::now();
        let lay = palisade_render::diagram::svg::layout(&d);
        let el = t.elapsed();
        let t2 = std::time::Instant::now();
        let svg = palisade_render::diagram::render(&m, palisade_render::diagram::Format::Svg);
        eprintln!(
            "{n} components, {} flows, {} boundaries: layout {:?}, full SVG {:?} ({} KB), {:.0}x{:.0}",
            d.edges.len(),
            d.clusters.len(),
            el,
            t2.elapsed(),
            svg.len() / 1024,
            lay.width,
            lay.height
        );
        if let Some(dir) = std::env::var_os("SAVE") {
            let path = std::path::Path::new(&dir).join(format!("generated-{n}.svg"));
            std::fs::write(&path, &svg).expect("writable SAVE directory");
            std::fs::write(path.with_extension("yaml"), &text).expect("writable SAVE directory");
        }
        if std::env::var_os("CHECK").is_some() {
            let p = support::problems(&d, &lay);
            eprintln!("  problems: {}", p.len());
            for x in p.iter().take(10) {
                eprintln!("  {x}");
            }
        }
    }
}
