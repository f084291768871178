//! Shapes of taxonomy ids. Editions are part of OWASP ids: `LLM03:2025` and `LLM03:2026` differ.

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `AML.T0051` or `AML.T0051.000`.
pub fn atlas_technique(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("AML.T") else {
        return false;
    };
    match rest.split_once('.') {
        Some((a, b)) => digits(a, 4) && digits(b, 3),
        None => digits(rest, 4),
    }
}

/// `AML.M0004`.
pub fn atlas_mitigation(s: &str) -> bool {
    s.strip_prefix("AML.M").is_some_and(|r| digits(r, 4))
}

fn edition(s: &str, prefix: &str, editions: &[&str]) -> bool {
    let Some(rest) = s.strip_prefix(prefix) else {
        return false;
    };
    let Some((num, ed)) = rest.split_once(':') else {
        return false;
    };
    digits(num, 2) && editions.contains(&ed)
}

pub fn owasp_llm(s: &str) -> bool {
    edition(s, "LLM", &["2025", "2026"])
}

pub fn owasp_ml(s: &str) -> bool {
    edition(s, "ML", &["2023"])
}

pub fn owasp_agentic(s: &str) -> bool {
    edition(s, "ASI", &["2026"])
}

pub fn nist(s: &str) -> bool {
    s.strip_prefix("NISTAML.").is_some_and(|r| digits(r, 3))
}

pub fn cwe(s: &str) -> bool {
    s.strip_prefix("CWE-")
        .is_some_and(|r| !r.is_empty() && r.len() <= 5 && r.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes() {
        assert!(atlas_technique("AML.T0051") && atlas_technique("AML.T0051.001"));
        assert!(!atlas_technique("AML.T51") && !atlas_technique("AML.M0004"));
        assert!(atlas_mitigation("AML.M0004"));
        assert!(owasp_llm("LLM01:2025") && !owasp_llm("LLM01") && !owasp_llm("LLM01:2024"));
        assert!(owasp_ml("ML04:2023") && owasp_agentic("ASI02:2026"));
        assert!(nist("NISTAML.018") && !nist("NISTAML.18"));
        assert!(cwe("CWE-1427") && !cwe("CWE-"));
    }
}
