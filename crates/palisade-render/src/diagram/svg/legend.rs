//! The legend under the diagram: which shapes, lines and colours mean what.

use super::shape::small_shape;
use super::{esc, f};
use crate::diagram::graph::Diagram;
use crate::diagram::layout::Rect;
use crate::diagram::style::{self, Family, trust_colors};
use crate::diagram::text::width;
use palisade_model::TrustLevel;
use std::fmt::Write;

/// The key to shapes, flows and boundary colours, under the diagram.
pub struct Legend {
    items: Vec<LegendItem>,
}

enum LegendItem {
    Heading(&'static str),
    Family(Family),
    Flow { crossing: bool },
    Trust(Option<TrustLevel>),
}

const LEGEND_ROW: f64 = 26.0;
/// The legend makes a drawing at most this wide on its own.
const MAX_ROW: f64 = 1000.0;

impl Legend {
    pub fn new(d: &Diagram) -> Legend {
        let mut items = Vec::new();
        for fam in Family::ALL {
            if d.nodes.iter().any(|n| n.family == fam) {
                if items.is_empty() {
                    items.push(LegendItem::Heading("Components"));
                }
                items.push(LegendItem::Family(fam));
            }
        }
        items.push(LegendItem::Heading("Flows"));
        items.push(LegendItem::Flow { crossing: false });
        items.push(LegendItem::Flow { crossing: true });
        let mut trusts: Vec<Option<TrustLevel>> = d.clusters.iter().map(|c| c.trust).collect();
        trusts.sort();
        trusts.dedup();
        if !trusts.is_empty() {
            items.push(LegendItem::Heading("Trust boundaries"));
            items.extend(trusts.into_iter().map(LegendItem::Trust));
        }
        Legend { items }
    }

    fn text(item: &LegendItem) -> String {
        match item {
            LegendItem::Heading(h) => format!("{h}:"),
            LegendItem::Family(f) => f.label().to_string(),
            LegendItem::Flow { crossing: false } => "flow (data sent; ↩ returned)".to_string(),
            LegendItem::Flow { crossing: true } => "crosses a trust boundary".to_string(),
            LegendItem::Trust(t) => t.map_or("trust not declared", |t| t.as_str()).to_string(),
        }
    }

    fn item_width(item: &LegendItem) -> f64 {
        let text = width(
            &Self::text(item),
            11.0,
            matches!(item, LegendItem::Heading(_)),
        );
        match item {
            LegendItem::Heading(_) => text + 10.0,
            _ => text + 36.0,
        }
    }

    /// Width of the column of headings; items start after it.
    fn heading_column(&self) -> f64 {
        self.items
            .iter()
            .filter(|i| matches!(i, LegendItem::Heading(_)))
            .map(Self::item_width)
            .fold(0.0, f64::max)
            + 14.0
    }

    /// Wide enough for each group on one row, up to a point.
    pub fn min_width(&self) -> f64 {
        let mut widest: f64 = 0.0;
        let mut row = 0.0;
        for item in &self.items {
            if matches!(item, LegendItem::Heading(_)) {
                row = 0.0;
            } else {
                row += Self::item_width(item) + 14.0;
                widest = widest.max(row);
            }
        }
        (self.heading_column() + widest).min(MAX_ROW) + 32.0
    }

    /// Items placed left to right after their heading; a group that does not fit continues on
    /// the next row, under its first item.
    fn rows(&self, w: f64) -> Vec<Vec<(f64, &LegendItem)>> {
        let start = self.heading_column();
        let mut rows: Vec<Vec<(f64, &LegendItem)>> = Vec::new();
        let mut x = start;
        for item in &self.items {
            let iw = Self::item_width(item);
            if matches!(item, LegendItem::Heading(_)) {
                rows.push(vec![(0.0, item)]);
                x = start;
                continue;
            }
            if rows.is_empty() || (x > start && x + iw > w - 32.0) {
                rows.push(Vec::new());
                x = start;
            }
            rows.last_mut().expect("pushed").push((x, item));
            x += iw + 14.0;
        }
        rows
    }

    pub fn height(&self, w: f64) -> f64 {
        self.rows(w).len() as f64 * LEGEND_ROW + 20.0
    }

    pub fn write(&self, o: &mut String, top: f64, w: f64) {
        let _ = writeln!(
            o,
            r##"<g class="legend" font-size="11" fill="#334155"><line x1="16" y1="{y}" x2="{x2}" y2="{y}" stroke="#e2e8f0"/>"##,
            y = f(top + 4.0),
            x2 = f(w - 16.0)
        );
        for (row, items) in self.rows(w).iter().enumerate() {
            let y = top + 14.0 + row as f64 * LEGEND_ROW;
            for &(x, item) in items {
                let x = x + 16.0;
                let text = esc(&Self::text(item));
                match item {
                    LegendItem::Heading(_) => {
                        let _ = write!(
                            o,
                            r#"<text x="{}" y="{}" font-weight="700">{text}</text>"#,
                            f(x),
                            f(y + 13.0)
                        );
                    }
                    LegendItem::Family(fam) => {
                        let (fill, stroke) = fam.colors();
                        let r = Rect {
                            x,
                            y: y + 2.0,
                            w: 26.0,
                            h: 14.0,
                        };
                        o.push_str(&small_shape(*fam, r, fill, stroke));
                        let _ = write!(
                            o,
                            r#"<text x="{}" y="{}">{text}</text>"#,
                            f(x + 32.0),
                            f(y + 13.0)
                        );
                    }
                    LegendItem::Flow { crossing } => {
                        let (color, marker, sw) = if *crossing {
                            (style::CROSSING, "arrow-crossing", "1.7")
                        } else {
                            (style::FLOW, "arrow", "1.3")
                        };
                        let _ = write!(
                            o,
                            r#"<path d="M{},{} H{}" stroke="{color}" stroke-width="{sw}" marker-end="url(#{marker})"/><text x="{}" y="{}">{text}</text>"#,
                            f(x),
                            f(y + 9.0),
                            f(x + 26.0),
                            f(x + 32.0),
                            f(y + 13.0)
                        );
                    }
                    LegendItem::Trust(t) => {
                        let (fill, stroke, _) = trust_colors(*t);
                        let _ = write!(
                            o,
                            r#"<rect x="{}" y="{}" width="26" height="14" rx="4" fill="{fill}" stroke="{stroke}" stroke-dasharray="4 2"/><text x="{}" y="{}">{text}</text>"#,
                            f(x),
                            f(y + 2.0),
                            f(x + 32.0),
                            f(y + 13.0)
                        );
                    }
                }
            }
            o.push('\n');
        }
        o.push_str("</g>\n");
    }
}
