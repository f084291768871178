//! A strict parser for the Python literals in NumPy headers: strings, ints, booleans, None,
//! tuples, lists and dicts. Depth and size are bounded.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Int(i128),
    Bool(bool),
    None,
    Seq(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

pub(crate) fn parse(s: &str) -> Result<Lit, String> {
    let mut p = P {
        b: s.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(format!("unexpected text at header byte {}", p.i));
    }
    Ok(v)
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at header byte {}", self.i))
    }
    fn value(&mut self, depth: u32) -> Result<Lit, String> {
        if depth > 32 {
            return self.err("nesting too deep");
        }
        self.ws();
        let Some(&c) = self.b.get(self.i) else {
            return self.err("unexpected end");
        };
        match c {
            b'\'' | b'"' => {
                self.i += 1;
                let start = self.i;
                while self.i < self.b.len() && self.b[self.i] != c {
                    if self.b[self.i] == b'\\' {
                        return self.err("escape sequences are not allowed");
                    }
                    self.i += 1;
                }
                if self.i >= self.b.len() {
                    return self.err("unterminated string");
                }
                let s = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
                self.i += 1;
                Ok(Lit::Str(s))
            }
            b'(' | b'[' | b'{' => {
                let close = match c {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                self.i += 1;
                let mut items = Vec::new();
                let mut pairs = Vec::new();
                loop {
                    self.ws();
                    if self.b.get(self.i) == Some(&close) {
                        self.i += 1;
                        break;
                    }
                    if items.len() + pairs.len() > 10_000 {
                        return self.err("too many items");
                    }
                    let v = self.value(depth + 1)?;
                    if c == b'{' {
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return self.err("expected ':'");
                        }
                        self.i += 1;
                        let w = self.value(depth + 1)?;
                        pairs.push((v, w));
                    } else {
                        items.push(v);
                    }
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(&x) if x == close => {}
                        _ => return self.err("expected ',' or closing bracket"),
                    }
                }
                Ok(if c == b'{' {
                    Lit::Dict(pairs)
                } else {
                    Lit::Seq(items)
                })
            }
            _ => {
                let start = self.i;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric()
                        || self.b[self.i] == b'-'
                        || self.b[self.i] == b'_')
                {
                    self.i += 1;
                }
                let word = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("");
                match word {
                    "True" => Ok(Lit::Bool(true)),
                    "False" => Ok(Lit::Bool(false)),
                    "None" => Ok(Lit::None),
                    w => {
                        let w = w.trim_end_matches('L');
                        match w.parse::<i128>() {
                            Ok(n) => Ok(Lit::Int(n)),
                            Err(_) => self.err("unexpected token"),
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_dict() {
        let v = parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }").unwrap();
        let Lit::Dict(p) = v else { panic!() };
        assert_eq!(p[2].1, Lit::Seq(vec![Lit::Int(3), Lit::Int(4)]));
        assert!(parse("{'a': __import__('os')}").is_err());
        assert!(parse("((((").is_err());
    }
}
