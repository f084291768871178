//! Text as the diagrams show it: cleaned of control characters, measured without a font engine,
//! wrapped and abbreviated.
//!
//! Widths come from a fixed table of per-character advances (Helvetica/Arial metrics, which most
//! sans-serif system fonts stay close to) plus a safety margin, so boxes are sized the same way on
//! every machine and the output does not depend on installed fonts.

/// One line of a model string: control characters and runs of whitespace become one space.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() || is_noncharacter(c) {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Characters XML 1.0 forbids even as references, and bidi overrides that could reorder the
/// text around them.
fn is_noncharacter(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FFFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Advance of one character in thousandths of the font size (Helvetica/Arial metrics).
fn advance(c: char) -> u32 {
    match c {
        ' ' | '!' | ',' | '.' | '/' | ':' | ';' | '[' | ']' | '\\' | 'I' | 'f' | 't' => 278,
        'i' | 'j' | 'l' | '\'' | '|' => 222,
        '"' => 355,
        '(' | ')' | '-' | 'r' | '`' | '{' | '}' => 333,
        '*' => 389,
        '^' => 469,
        'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' | 'J' => 500,
        '+' | '<' | '=' | '>' | '~' => 584,
        'F' | 'T' | 'Z' => 611,
        'A' | 'B' | 'E' | 'K' | 'P' | 'S' | 'V' | 'X' | 'Y' | '&' => 667,
        'C' | 'D' | 'H' | 'N' | 'R' | 'U' | 'w' => 722,
        'G' | 'O' | 'Q' => 778,
        'M' | 'm' => 833,
        '%' => 889,
        'W' => 944,
        '@' => 1015,
        c if c.is_ascii() => 556,
        c if is_wide(c) => 1000,
        // Other scripts and symbols: a generous average.
        _ => 640,
    }
}

/// East Asian wide characters and emoji take a full em.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// Estimated width of `s` in pixels at `size` px; `bold` text runs about 8% wider.
pub fn width(s: &str, size: f64, bold: bool) -> f64 {
    let units: u64 = s.chars().map(|c| u64::from(advance(c))).sum();
    // 6% margin for fonts a little wider than Helvetica (DejaVu Sans, Segoe UI at some sizes).
    let w = units as f64 / 1000.0 * size * 1.06;
    if bold { w * 1.08 } else { w }
}

/// `s` cut to at most `max` characters, with an ellipsis when something was cut.
pub fn abbreviate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    out
}

/// Greedy word wrap of `s` into lines of at most `max` pixels (words longer than a line are
/// split), keeping at most `max_lines` lines; the last kept line gets an ellipsis when text was
/// dropped.
pub fn wrap(s: &str, max: f64, size: f64, bold: bool, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if width(&candidate, size, bold) <= max {
            cur = candidate;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        // The word alone may still be too long: split it by characters.
        for c in word.chars() {
            cur.push(c);
            if width(&cur, size, bold) > max && cur.chars().count() > 1 {
                let last = cur.pop().unwrap_or(' ');
                lines.push(std::mem::take(&mut cur));
                cur.push(last);
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let n = last.chars().count();
            *last = abbreviate(&format!("{last}…"), n);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_flattens_control_characters_and_whitespace() {
        assert_eq!(clean("  a\n\tb\u{0}c  \u{202E}d "), "a b c d");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn wide_letters_measure_wider() {
        assert!(width("MMMM", 13.0, false) > width("iiii", 13.0, false) * 3.0);
        assert!(width("数据", 13.0, false) > width("ab", 13.0, false));
        assert!(width("Name", 13.0, true) > width("Name", 13.0, false));
    }

    #[test]
    fn abbreviate_marks_the_cut() {
        assert_eq!(abbreviate("short", 10), "short");
        assert_eq!(abbreviate("a long label here", 8), "a long…");
    }

    #[test]
    fn wrap_keeps_every_word_in_order() {
        let lines = wrap("Agent platform cloud account", 90.0, 13.0, false, 9);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "Agent platform cloud account");
        for l in &lines {
            assert!(width(l, 13.0, false) <= 90.0 || !l.contains(' '));
        }
    }

    #[test]
    fn wrap_splits_long_words_and_limits_lines() {
        let long = "x".repeat(200);
        let lines = wrap(&long, 60.0, 13.0, false, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        for l in &lines {
            assert!(width(l, 13.0, false) <= 60.0 + width("x…", 13.0, false));
        }
    }
}
