//! Small text helpers shared by the renderers.

/// Wrap `text` to `width` columns; the first line starts after `first` columns already used,
/// later lines are indented by `indent` spaces. Words longer than a line are not split.
pub fn wrap(text: &str, width: usize, indent: usize, first: usize) -> String {
    let mut out = String::new();
    let mut col = first;
    let mut line_start = true;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if !line_start && col + 1 + w > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
            line_start = true;
        }
        if !line_start {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
        line_start = false;
    }
    out
}

/// What a control removes, e.g. `likelihood −50%, impact −35%`.
pub fn reductions(c: &palisade_risk::assess::ControlEffect) -> String {
    let mut parts = Vec::new();
    if let Some(x) = c.likelihood_reduction {
        parts.push(format!("likelihood −{:.0}%", x * 100.0));
    }
    if let Some(x) = c.impact_reduction {
        parts.push(format!("impact −{:.0}%", x * 100.0));
    }
    parts.join(", ")
}

/// Every taxonomy id of a finding, ATLAS first.
pub fn mapping_ids(m: &palisade_threats::engine::FindingMappings) -> Vec<&String> {
    m.atlas
        .iter()
        .chain(&m.owasp_llm)
        .chain(&m.owasp_ml)
        .chain(&m.owasp_agentic)
        .chain(&m.nist)
        .chain(&m.cwe)
        .collect()
}

/// A Markdown-or-text bullet list.
pub fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|x| format!("- {x}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How far a band is from the top of the policy's scale, capped at 3: renderers have four looks
/// (0 = the top band, e.g. critical; 3 = the fourth band and below).
pub fn tier(rank: usize, bands: usize) -> usize {
    bands.saturating_sub(1 + rank).min(3)
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_width() {
        let t = "one two three four five six seven eight nine ten eleven twelve";
        let w = wrap(t, 20, 4, 4);
        for line in w.lines() {
            assert!(
                line.chars().count() <= 20 - 4 || line.starts_with("    "),
                "{line}"
            );
        }
        assert_eq!(w.split_whitespace().collect::<Vec<_>>().join(" "), t);
        assert!(wrap("x", 10, 2, 0) == "x");
        assert_eq!(plural(1, "path"), "1 path");
        assert_eq!(plural(3, "path"), "3 paths");
    }
}
