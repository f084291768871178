//! Component outlines by family.

use super::f;
use crate::diagram::layout::Rect;
use crate::diagram::style::Family;

/// The outline of a family's shape in a rectangle.
pub fn shape(family: Family, r: Rect, fill: &str, stroke: &str) -> String {
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    let common = format!(r#"fill="{fill}" stroke="{stroke}""#);
    let poly = |pts: &[(f64, f64)]| {
        let p: Vec<String> = pts
            .iter()
            .map(|(a, b)| format!("{},{}", f(*a), f(*b)))
            .collect();
        format!(
            r#"<polygon points="{}" {common} stroke-width="1.3"/>"#,
            p.join(" ")
        )
    };
    match family {
        Family::Actor => rect(r, h / 2.0, &common, "1.3", ""),
        Family::Model => rect(r, 12.0, &common, "1.8", ""),
        Family::Application => rect(r, 6.0, &common, "1.3", ""),
        Family::External => rect(r, 6.0, &common, "1.3", r#" stroke-dasharray="5 3""#),
        Family::Store => {
            let e = 6.0;
            let rx = w / 2.0;
            format!(
                r#"<path d="M{x0},{y1} A{rx},{e} 0 0 1 {x1},{y1} V{y2} A{rx},{e} 0 0 1 {x0},{y2} Z" {common} stroke-width="1.3"/><path d="M{x0},{y1} A{rx},{e} 0 0 0 {x1},{y1}" fill="none" stroke="{stroke}" stroke-width="1.3"/>"#,
                x0 = f(x),
                x1 = f(x + w),
                y1 = f(y + e),
                y2 = f(y + h - e),
                rx = f(rx),
                e = f(e),
            )
        }
        Family::Tool => {
            let i = 12.0;
            poly(&[
                (x + i, y),
                (x + w - i, y),
                (x + w, y + h / 2.0),
                (x + w - i, y + h),
                (x + i, y + h),
                (x, y + h / 2.0),
            ])
        }
        Family::Pipeline => {
            let s = 10.0;
            poly(&[(x + s, y), (x + w, y), (x + w - s, y + h), (x, y + h)])
        }
        Family::Guard => {
            let c = 9.0;
            poly(&[
                (x + c, y),
                (x + w - c, y),
                (x + w, y + c),
                (x + w, y + h - c),
                (x + w - c, y + h),
                (x + c, y + h),
                (x, y + h - c),
                (x, y + c),
            ])
        }
        Family::Artifact => {
            let k = 11.0;
            format!(
                r#"<path d="M{x0},{y0} H{xf} L{x1},{yf} V{y1} H{x0} Z" {common} stroke-width="1.3"/><path d="M{xf},{y0} V{yf} H{x1}" fill="none" stroke="{stroke}" stroke-width="1.1"/>"#,
                x0 = f(x),
                y0 = f(y),
                xf = f(x + w - k),
                x1 = f(x + w),
                yf = f(y + k),
                y1 = f(y + h),
            )
        }
    }
}

fn rect(r: Rect, rx: f64, common: &str, width: &str, extra: &str) -> String {
    format!(
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" {common} stroke-width="{width}"{extra}/>"#,
        f(r.x),
        f(r.y),
        f(r.w),
        f(r.h),
        f(rx)
    )
}

/// Legend swatches: the family's shape, small.
pub fn small_shape(family: Family, r: Rect, fill: &str, stroke: &str) -> String {
    match family {
        Family::Store => {
            let (x, y, w, h) = (r.x, r.y, r.w, r.h);
            format!(
                r#"<path d="M{x0},{y1} A{rx},3 0 0 1 {x1},{y1} V{y2} A{rx},3 0 0 1 {x0},{y2} Z" fill="{fill}" stroke="{stroke}"/><path d="M{x0},{y1} A{rx},3 0 0 0 {x1},{y1}" fill="none" stroke="{stroke}"/>"#,
                x0 = f(x),
                x1 = f(x + w),
                y1 = f(y + 3.0),
                y2 = f(y + h - 3.0),
                rx = f(w / 2.0),
            )
        }
        Family::Tool | Family::Pipeline | Family::Guard | Family::Artifact => {
            // The full-size outlines scale down well enough with smaller insets.
            let s = shape(family, r, fill, stroke);
            s.replace("stroke-width=\"1.3\"", "stroke-width=\"1\"")
        }
        _ => shape(family, r, fill, stroke).replace("stroke-width=\"1.8\"", "stroke-width=\"1.3\""),
    }
}
