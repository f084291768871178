//! The fast path (`fast.rs`) against `cel`: every condition of the library on every element of
//! the examples, the templates, every rule's own test models and a generated model. Wherever the
//! fast path answers, `cel` must give the same boolean; where it does not, `cel` decides.

use super::*;
use crate::library::Condition;

/// How the fast path fared on a model.
#[derive(Default, Debug)]
struct Tally {
    /// Evaluations the fast path answered (all agreed with `cel`).
    fast: usize,
    /// Evaluations left to `cel`, and how many of those `cel` answered with a boolean.
    left: usize,
    left_bool: usize,
    mismatches: Vec<String>,
}

impl Tally {
    fn compare(&mut self, c: &Condition, text: &str, view: &View, env: &Arc<cel::Env>, at: &str) {
        let vars = Vars(view);
        let mut ctx = cel::Context::with_env(env.clone());
        ctx.set_variable_resolver(&vars);
        let fast = c.fast.as_ref().and_then(|f| f.eval(view));
        let cel = c.execute(&ctx);
        match (fast, &cel) {
            (Some(b), Ok(cel::Value::Bool(x))) if b == *x => self.fast += 1,
            (Some(b), other) => self
                .mismatches
                .push(format!("{at}: `{text}`: fast {b}, cel {other:?}")),
            (None, Ok(cel::Value::Bool(_))) => {
                self.left += 1;
                self.left_bool += 1;
            }
            (None, _) => self.left += 1,
        }
    }
}

use std::sync::Arc;

/// Every condition of `lib` (with its text) for the target.
fn conditions(lib: &Library, target: Target) -> Vec<(&Condition, String)> {
    let mut out: Vec<(&Condition, String)> = Vec::new();
    for r in lib.rules.iter().filter(|r| r.rule.target.value == target) {
        out.push((&r.when, r.rule.when.value.clone()));
        let texts = r.rule.preconditions.iter().filter_map(|p| p.when.as_ref());
        for (c, t) in r
            .preconditions
            .iter()
            .filter_map(|(_, c)| c.as_ref())
            .zip(texts)
        {
            out.push((c, t.value.clone()));
        }
    }
    for f in lib.factors.iter().filter(|f| f.target == target) {
        out.push((&f.when, f.id.clone()));
    }
    out.sort_by_key(|(c, _)| c.id);
    out.dedup_by_key(|(c, _)| c.id);
    out
}

/// Every condition on every element of the model, whatever the kinds the rules target (so that
/// conditions also meet fields they would fail on).
fn compare_model(model: &Model, facts: &Facts, lib: &Library, tally: &mut Tally) {
    let env = Arc::new(cel::Env::stdlib());
    let v = views(model, lib);
    let fields = palisade_model::Component::field_types();
    let ccs = conditions(lib, Target::Component);
    for (i, c) in model.components.iter().enumerate() {
        let cv = Lazy::new(&c.value, Some(&fields), &v.comp_fields);
        let fv = Lazy::new(&facts.components[i], None, &v.facts_fields);
        let view: [(&str, &dyn Var); 4] = [
            ("component", &cv),
            ("facts", &fv),
            ("system", &v.system),
            ("model", &v.model),
        ];
        for (cond, text) in &ccs {
            tally.compare(cond, text, &view, &env, &c.id.value.to_string());
        }
    }
    let ends = v.ends(model, facts, &fields);
    let flow_fields = palisade_model::Flow::field_types();
    let uf = &lib.used_flow;
    let wanted = |var: &str| Wanted::new(&uf.get(var).cloned().unwrap_or_default());
    let (flow_wanted, flow_facts_wanted) = (wanted("flow"), wanted("facts"));
    let fcs = conditions(lib, Target::Flow);
    for (fi, f) in model.flows.iter().enumerate() {
        let (Some(a), Some(b)) = (index(model, &f.from.value), index(model, &f.to.value)) else {
            continue;
        };
        let fv = Lazy::new(&f.value, Some(&flow_fields), &flow_wanted);
        let ffv = Lazy::new(&facts.flows[fi], None, &flow_facts_wanted);
        let view: [(&str, &dyn Var); 8] = [
            ("flow", &fv),
            ("facts", &ffv),
            ("from", &ends[a].0),
            ("to", &ends[b].0),
            ("from_facts", &ends[a].1),
            ("to_facts", &ends[b].1),
            ("system", &v.system),
            ("model", &v.model),
        ];
        for (cond, text) in &fcs {
            tally.compare(cond, text, &view, &env, &model.flow_id(fi).to_string());
        }
    }
}

fn builtin() -> Library {
    crate::load(&[], true)
        .library
        .expect("the built-in library loads")
}

/// A model with components of every kind, wired so that exposure, taint and reach vary.
fn generated() -> String {
    use std::fmt::Write;
    let kinds = palisade_model::ComponentKind::NAMES;
    let n = kinds.len() * 12;
    let mut s = String::from(
        "system: {name: generated, criticality: high}\ndata_assets:\n  - {id: pii, classification: restricted, personal_data: true}\n  - {id: docs, classification: internal}\ncomponents:\n",
    );
    for i in 0..n {
        let _ = writeln!(s, "  - {{id: c{i}, kind: {}}}", kinds[i % kinds.len()]);
    }
    s.push_str("flows:\n");
    for i in 0..n {
        for j in [i + 1, i * 7 + 3, i * 13 + 5] {
            let j = j % n;
            if j != i {
                let data = ["[pii]", "[docs]", "[]"][(i + j) % 3];
                let _ = writeln!(s, "  - {{from: c{i}, to: c{j}, data: {data}}}");
            }
        }
    }
    s
}

/// The models of the comparison: examples, templates, rules' test models, a generated model.
fn models(lib: &Library) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    for e in std::fs::read_dir(examples).expect("examples/") {
        let p = e.expect("an entry").path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let text = std::fs::read_to_string(&p).expect("readable example");
            out.push((p.display().to_string(), text));
        }
    }
    for t in palisade_model::templates::TEMPLATES {
        out.push((format!("template {}", t.name), t.text.to_string()));
    }
    for r in &lib.rules {
        for (n, t) in r.rule.tests.iter().enumerate() {
            out.push((
                format!("{} test {n}", r.rule.code.value),
                t.model.value.clone(),
            ));
        }
    }
    out.push(("generated".into(), generated()));
    out
}

#[test]
fn the_fast_path_agrees_with_cel_everywhere() {
    let lib = builtin();
    let mut tally = Tally::default();
    let mut loaded = 0;
    for (name, text) in models(&lib) {
        let l = palisade_model::load_str("m.yaml", &text);
        let Some(model) = l.model.as_ref() else {
            // Some rule tests are models a rule must see, all valid; anything else is a bug.
            panic!("{name} does not load: {:?}", l.diagnostics);
        };
        let facts = palisade_analysis::analyze(model);
        compare_model(model, &facts, &lib, &mut tally);
        loaded += 1;
    }
    assert!(loaded > 100, "{loaded} models");
    assert!(tally.mismatches.is_empty(), "{:#?}", tally.mismatches);
    // The comparison means something only if both paths ran often, including on errors.
    assert!(tally.fast > 100_000, "{tally:?}");
    assert!(
        tally.left > tally.left_bool,
        "no condition failed: {tally:?}"
    );
    eprintln!(
        "fast {} / cel {} (of which boolean {})",
        tally.fast, tally.left, tally.left_bool
    );
}

#[test]
fn every_builtin_condition_takes_the_fast_path() {
    let lib = builtin();
    let mut slow: Vec<String> = Vec::new();
    for target in [Target::Component, Target::Flow] {
        for (c, text) in conditions(&lib, target) {
            if !c.is_fast() {
                slow.push(text);
            }
        }
    }
    assert!(slow.is_empty(), "cel only: {slow:#?}");
}
