//! Property tests: no input makes the loader panic, and every diagnostic points inside its file.

use palisade_model::templates::TEMPLATES;
use palisade_model::{Component, load_str};
use proptest::prelude::*;

fn assert_sane(text: &str) {
    let loaded = load_str("model.yaml", text);
    for d in &loaded.diagnostics {
        for l in &d.labels {
            let file = loaded.sources.get(l.span.file);
            assert!(
                (l.span.end() as usize) <= file.text.len(),
                "label outside its file: {d:?}"
            );
        }
    }
    // A model with errors is never handed to later stages.
    if loaded.has_errors() {
        assert!(loaded.model.is_none());
    }
}

/// Mutations of a valid model: cut, insert, duplicate or swap lines, replace characters.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteRange(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceByte(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        Just("\n".to_string()),
        Just(":".to_string()),
        Just("- ".to_string()),
        Just("[".to_string()),
        Just("{".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("\t".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("  ".to_string()),
        Just("id: x\n".to_string()),
        Just("kind: llm\n".to_string()),
        Just("---\n".to_string()),
        Just("!!binary ".to_string()),
        Just("<<: *a\n".to_string()),
        "[a-z_]{1,12}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::DeleteRange(a, n)),
        (any::<usize>(), token).prop_map(|(a, t)| Mutation::Insert(a, t)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::ReplaceByte(a, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len().max(1);
    match m {
        Mutation::DeleteRange(a, n) => {
            let a = a % len;
            let b = (a + n).min(bytes.len());
            if a < b {
                bytes.drain(a..b);
            }
        }
        Mutation::Insert(a, t) => {
            let a = a % len;
            let a = a.min(bytes.len());
            bytes.splice(a..a, t.bytes());
        }
        Mutation::DuplicateLine(a) | Mutation::SwapLines(a, _) => {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let i = a % lines.len();
            if let Mutation::SwapLines(_, b) = m {
                let j = b % lines.len();
                lines.swap(i, j);
            } else {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            return lines.join("\n");
        }
        Mutation::ReplaceByte(a, b) => {
            if !bytes.is_empty() {
                let i = a % bytes.len();
                bytes[i] = *b;
            }
        }
    }
    // The loader reads bytes; non-UTF-8 is a separate, tested path.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A random but model-shaped document built from real field names and odd values.
fn model_shaped() -> impl Strategy<Value = String> {
    let field = prop::sample::select(Component::FIELDS.to_vec());
    let value = prop_oneof![
        Just("llm".to_string()),
        Just("true".to_string()),
        Just("[read, write]".to_string()),
        Just("{requests: 5, per: minute}".to_string()),
        Just("~".to_string()),
        Just("-1".to_string()),
        Just("1e999".to_string()),
        Just("internet".to_string()),
        "[a-z-]{0,10}".prop_map(|s| s),
    ];
    let component = prop::collection::vec((field, value), 0..8).prop_map(|fields| {
        let mut s = String::from("  - id: c\n");
        for (f, v) in fields {
            s.push_str(&format!("    {f}: {v}\n"));
        }
        s
    });
    prop::collection::vec(component, 0..5).prop_map(|cs| {
        format!(
            "system:\n  name: S\n  criticality: low\ncomponents:\n{}flows:\n  - from: c\n    to: c\n",
            cs.concat()
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in ".{0,400}") {
        assert_sane(&s);
    }

    #[test]
    fn mutated_templates_never_panic(t in 0..TEMPLATES.len(), ms in prop::collection::vec(mutation(), 1..6)) {
        let mut text = TEMPLATES[t].text.to_string();
        for m in &ms {
            text = apply(&text, m);
        }
        assert_sane(&text);
    }

    #[test]
    fn model_shaped_documents_never_panic(s in model_shaped()) {
        assert_sane(&s);
    }
}

#[test]
fn every_template_is_a_valid_model() {
    for t in TEMPLATES {
        let loaded = load_str(&format!("{}.yaml", t.name), t.text);
        let errors: Vec<_> = loaded.diagnostics.iter().map(|d| &d.message).collect();
        assert!(
            loaded.model.is_some(),
            "template {} is invalid: {errors:?}",
            t.name
        );
    }
}
