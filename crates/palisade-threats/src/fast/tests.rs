//! Edge semantics of the fast path: each case is also run by `cel`, and wherever the fast path
//! answers, `cel` must give the same boolean.

use super::{COMPONENT_VARS, Fast, translate};
use crate::value::json_val;
use crate::value::lazy::{Fixed, Var};
use serde_json::json;

fn fixed(v: serde_json::Value) -> Fixed {
    Fixed {
        cel: json_val(&v),
        json: v,
    }
}

struct Vars<'a>(&'a [(&'a str, &'a dyn Var)]);

impl cel::context::VariableResolver for Vars<'_> {
    fn resolve<'b>(&'b self, name: &str) -> Option<cel::common::value::CowVal<'b, 'b>> {
        let (_, v) = self.0.iter().find(|(n, _)| *n == name)?;
        Some(cel::common::value::CowVal::Borrowed(v.whole()))
    }
}

/// The fast answer to `expr` (which must translate), checked against `cel`'s.
fn fast(expr: &str) -> Option<bool> {
    let component = fixed(json!({
        "name": "x", "n": 1, "big": u64::MAX, "ratio": 0.5, "none": null,
        "tags": ["a", "b"], "map": {"k": 1}, "flag": true,
    }));
    let facts = fixed(json!({"tools": [{"kind": "mail"}, {"kind": "crm"}], "exposed": false}));
    let (system, model) = (fixed(json!({})), fixed(json!({"kinds": ["llm"]})));
    let view: [(&str, &dyn Var); 4] = [
        ("component", &component),
        ("facts", &facts),
        ("system", &system),
        ("model", &model),
    ];
    let program = cel::Program::compile(expr).expect("parses");
    let tree = translate(program.expression(), &COMPONENT_VARS)
        .unwrap_or_else(|| panic!("`{expr}` does not take the fast path"));
    let got = tree.eval(&view);
    let vars = Vars(&view);
    let mut ctx = cel::Context::default();
    ctx.set_variable_resolver(&vars);
    let want = program.execute(&ctx);
    match (got, &want) {
        (Some(b), Ok(cel::Value::Bool(x))) => assert_eq!(b, *x, "`{expr}`"),
        (Some(b), other) => panic!("`{expr}`: fast {b}, cel {other:?}"),
        (None, _) => {}
    }
    got
}

fn cel_only(expr: &str) -> bool {
    let program = cel::Program::compile(expr).expect("parses");
    translate(program.expression(), &COMPONENT_VARS).is_none()
}

#[test]
fn and_or_absorb_errors_as_cel_does() {
    assert_eq!(fast("component.missing || true"), Some(true));
    assert_eq!(fast("true || component.missing"), Some(true));
    assert_eq!(fast("component.missing && false"), Some(false));
    assert_eq!(fast("false && component.missing"), Some(false));
    // An error that is not absorbed is `cel`'s to report.
    assert_eq!(fast("component.missing || false"), None);
    assert_eq!(fast("true && component.missing"), None);
    assert_eq!(fast("component.n || true"), Some(true));
    assert_eq!(fast("component.n && true"), None);
}

#[test]
fn numbers_compare_across_int_uint_and_double() {
    assert_eq!(fast("component.n == 1"), Some(true));
    assert_eq!(fast("component.n == 1u"), Some(true));
    assert_eq!(fast("component.n == 1.0"), Some(true));
    assert_eq!(fast("component.n < 1.5"), Some(true));
    assert_eq!(fast("component.ratio <= 1"), Some(true));
    assert_eq!(fast("component.big > 1"), Some(true));
    assert_eq!(fast("component.big >= 18446744073709551615u"), Some(true));
    assert_eq!(fast("component.n != 2"), Some(true));
    // Ordering values of unrelated types fails in `cel`.
    assert_eq!(fast("component.name < 1"), None);
    assert_eq!(fast("component.none <= 1"), None);
}

#[test]
fn equality_strings_null_and_mixed_types() {
    assert_eq!(fast("component.name == 'x'"), Some(true));
    assert_eq!(fast("component.name == 1"), Some(false));
    assert_eq!(fast("component.none == null"), Some(true));
    assert_eq!(fast("component.name != null"), Some(true));
    assert_eq!(fast("component.tags == ['a', 'b']"), Some(true));
    assert_eq!(fast("component.flag == true"), Some(true));
    assert_eq!(fast("(component.n > 0) == true"), Some(true));
}

#[test]
fn membership_in_lists_and_maps() {
    assert_eq!(fast("'a' in component.tags"), Some(true));
    assert_eq!(fast("'z' in component.tags"), Some(false));
    assert_eq!(fast("component.name in ['x', 'y']"), Some(true));
    assert_eq!(fast("'k' in component.map"), Some(true));
    assert_eq!(fast("'q' in component.map"), Some(false));
    assert_eq!(fast("1 in [1.0, 2]"), Some(true));
    assert_eq!(fast("'llm' in model.kinds"), Some(true));
    assert_eq!(fast("'a' in component.name"), None);
}

#[test]
fn size_has_exists_all_and_the_ternary() {
    assert_eq!(fast("size(component.tags) == 2"), Some(true));
    assert_eq!(fast("component.tags.size() > 1"), Some(true));
    assert_eq!(fast("size(component.map) == 1"), Some(true));
    assert_eq!(fast("has(component.map.k)"), Some(true));
    assert_eq!(fast("has(component.map.q)"), Some(false));
    assert_eq!(fast("has(component.tags)"), Some(true));
    assert_eq!(fast("has(component.nothing)"), Some(false));
    // `has` on null, a field of a string: errors in `cel`.
    assert_eq!(fast("has(component.none.k)"), None);
    assert_eq!(fast("component.name.k == 1"), None);
    assert_eq!(fast("facts.tools.exists(t, t.kind == 'crm')"), Some(true));
    assert_eq!(fast("facts.tools.exists(t, t.kind == 'web')"), Some(false));
    assert_eq!(fast("facts.tools.all(t, t.kind != 'web')"), Some(true));
    assert_eq!(fast("facts.tools.all(t, t.kind == 'mail')"), Some(false));
    assert_eq!(
        fast("component.tags.exists(t, component.tags.exists(u, u != t))"),
        Some(true)
    );
    // A failing element, then a deciding one: `cel` absorbs the error; the fast path defers.
    assert_eq!(fast("['a', 1].exists(x, x > 0)"), None);
    assert_eq!(fast("[1, 'a'].exists(x, x > 0)"), Some(true));
    assert_eq!(
        fast("component.flag ? component.n == 1 : component.missing"),
        Some(true)
    );
    assert_eq!(
        fast("facts.exposed ? component.missing : !component.flag"),
        Some(false)
    );
}

#[test]
fn non_boolean_results_are_left_to_cel() {
    assert_eq!(fast("component.n"), None);
    assert_eq!(fast("component.flag ? 1 : 2"), None);
    assert_eq!(fast("!component.n"), None);
    assert_eq!(fast("component.missing == 1"), None);
}

#[test]
fn anything_outside_the_subset_is_cel_only() {
    for expr in [
        "component.tags.map(t, t + 'x').size() > 0",
        "component.n + 1 > 2",
        "component.tags[0] == 'a'",
        "{'a': 1}.a == 1",
        "component.name.startsWith('x')",
        "component.tags.exists(component, true)",
        "component.tags.exists_one(t, t == 'a')",
        "b'x' == b'x'",
        "unknown_var == 1",
        "[component.n] == [1]",
    ] {
        assert!(cel_only(expr), "`{expr}` should be cel only");
    }
}

#[test]
fn a_tree_is_small_and_shared() {
    // The tree is built once per condition and shared by every thread.
    fn is_sync<T: Sync + Send>() {}
    is_sync::<Fast>();
}
