//! Matching: evaluate each rule on the elements it targets and explain every finding.

use crate::library::{CompiledFactor, CompiledRule, Library, template_paths};
use crate::rule::{Category, Stride, Target};
use crate::shared::{Shared, Text};
use palisade_analysis::Facts;
use palisade_model::{ComponentKind, ControlStatus, Criticality, Model, SourceMap, Span};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Which rules run: `select` keeps only matching rules (all when empty), `ignore` drops them.
/// A pattern matches a rule's code, name, category, or a code prefix (`PI` for PI001…).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn matches(pattern: &str, r: &CompiledRule) -> bool {
        let code = &r.rule.code.value;
        pattern.eq_ignore_ascii_case(code)
            || pattern == r.rule.name.value
            || pattern == r.rule.category.value.as_str()
            || (pattern.len() >= 2
                && pattern.chars().all(|c| c.is_ascii_alphabetic())
                && code
                    .strip_prefix(&pattern.to_ascii_uppercase())
                    .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit())))
    }

    pub fn includes(&self, r: &CompiledRule) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| Self::matches(p, r)))
            && !self.ignore.iter().any(|p| Self::matches(p, r))
    }

    /// Patterns that match no rule (likely typos).
    pub fn unknown_patterns<'a>(&'a self, lib: &Library) -> Vec<&'a str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|p| !lib.rules.iter().any(|r| Self::matches(p, r)))
            .map(String::as_str)
            .collect()
    }
}

/// What a finding is attached to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct FindingTarget {
    #[serde(rename = "type")]
    pub kind: Target,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_kind: Option<ComponentKind>,
}

/// Where in the model file the target is declared.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct SourceLocation {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct FindingMappings {
    pub atlas: Vec<String>,
    pub owasp_llm: Vec<String>,
    pub owasp_ml: Vec<String>,
    pub owasp_agentic: Vec<String>,
    pub nist: Vec<String>,
    pub cwe: Vec<String>,
}

/// A scoring factor that holds on a finding's element.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ScoreFactor {
    pub id: Text,
    pub affects: crate::rule::Axis,
    /// Levels added (negative: removed).
    pub delta: i64,
    /// Why, rendered for this element.
    pub reason: Text,
    /// The attributes and facts the factor reads.
    pub reads: Shared<Vec<String>>,
}

/// A threat that applies to one element of the model, with the reasons.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Finding {
    /// Stable id: `CODE@element-id`. Renaming an unrelated element never changes it.
    pub id: String,
    pub code: Text,
    pub name: Text,
    pub title: Text,
    pub category: Category,
    pub stride: Vec<Stride>,
    pub target: FindingTarget,
    /// Why the rule fired here: the facts and the path.
    pub rationale: String,
    pub attack_vector: Text,
    /// The preconditions that hold on this element.
    pub preconditions: Vec<Text>,
    pub impact: Text,
    pub base_likelihood: Criticality,
    pub base_impact: Criticality,
    pub mappings: Shared<FindingMappings>,
    pub mitigations: Shared<Vec<String>>,
    /// Scoring factors that hold here (applied to the base likelihood and impact).
    pub factors: Vec<ScoreFactor>,
    /// The route untrusted content takes to the target, when there is one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
}

/// The outcome of matching: findings, and rules that failed to evaluate (rule bugs).
#[derive(Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub errors: Vec<String>,
}

/// Fill absent optional fields with `null` and absent lists with `[]`, so conditions can test
/// any documented attribute without `has()`.
fn complete(
    mut v: Value,
    fields: &[(&'static str, std::borrow::Cow<'static, str>, bool)],
    wanted: &std::collections::BTreeSet<String>,
) -> Value {
    if let Value::Object(map) = &mut v {
        let all = wanted.contains("*");
        for (name, expected, _) in fields.iter().filter(|f| all || wanted.contains(f.0)) {
            map.entry(name.to_string()).or_insert_with(|| {
                if expected.starts_with("a list") {
                    Value::Array(Vec::new())
                } else {
                    Value::Null
                }
            });
        }
    }
    v
}

/// Only the fields some rule reads, so conditions do not pay for the rest.
fn prune(v: &Value, fields: Option<&std::collections::BTreeSet<String>>) -> Value {
    match (v, fields) {
        (_, Some(f)) if f.contains("*") => v.clone(),
        (Value::Object(o), Some(f)) => Value::Object(
            o.iter()
                .filter(|(k, _)| f.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        (Value::Object(_), None) => Value::Object(Map::new()),
        _ => v.clone(),
    }
}

/// Union of the fields read through several variables that hold the same kind of value.
fn union(used: &crate::library::Used, vars: &[&str]) -> std::collections::BTreeSet<String> {
    vars.iter()
        .filter_map(|v| used.get(*v))
        .flatten()
        .cloned()
        .collect()
}

/// Whole-model variables, and which fields of the per-element variables rules read.
struct Views {
    system: Value,
    model: Value,
    comp_fields: Wanted,
    facts_fields: Wanted,
    end_fields: Wanted,
    end_facts_fields: Wanted,
}

/// The JSON view of a model element (the fields rules read, absent ones `null` or `[]`).
fn component_json(c: &impl Serialize, fields: &value::Fields, wanted: &Wanted) -> Value {
    value::json_view(c, Some(fields), wanted).unwrap_or_else(|_| {
        let v = serde_json::to_value(c).unwrap_or(Value::Null);
        prune(&complete(v, fields, wanted.set()), Some(wanted.set()))
    })
}

/// The JSON view of facts: the fields rules read.
fn facts_json(f: &impl Serialize, wanted: &Wanted) -> Value {
    value::json_view(f, None, wanted).unwrap_or_else(|_| {
        prune(
            &serde_json::to_value(f).unwrap_or(Value::Null),
            Some(wanted.set()),
        )
    })
}

fn views(model: &Model, lib: &Library) -> Views {
    let (uc, uf) = (&lib.used_component, &lib.used_flow);
    let mut system_fields = union(uc, &["system"]);
    system_fields.extend(union(uf, &["system"]));
    let system = prune(
        &complete(
            serde_json::to_value(&model.system.value).unwrap_or(Value::Null),
            &palisade_model::System::field_types(),
            &system_fields,
        ),
        Some(&system_fields),
    );
    let mut kinds: Vec<&str> = model
        .components
        .iter()
        .map(|c| c.kind.value.as_str())
        .collect();
    kinds.sort();
    kinds.dedup();
    let controls: Vec<&str> = model
        .controls
        .iter()
        .filter(|c| c.status.value != ControlStatus::Planned)
        .flat_map(|c| c.implements.iter().map(|i| i.value.as_str()))
        .collect();
    let mut captures: Vec<&str> = model
        .components
        .iter()
        .flat_map(|c| c.captures.iter().map(|x| x.value.as_str()))
        .collect();
    captures.sort();
    captures.dedup();
    let model_view = json!({
        "kinds": kinds,
        "components": model.components.len(),
        "flows": model.flows.len(),
        "controls": controls,
        "captures": captures,
    });
    Views {
        system,
        model: model_view,
        comp_fields: Wanted::new(&union(uc, &["component"])),
        facts_fields: Wanted::new(&union(uc, &["facts"])),
        end_fields: Wanted::new(&union(uf, &["from", "to"])),
        end_facts_fields: Wanted::new(&union(uf, &["from_facts", "to_facts"])),
    }
}

/// The variables of one element, by name, for rendering rationales.
type View<'a> = [(&'a str, &'a Value)];

/// Render a rationale template against the element's view.
fn render(template: &str, view: &View) -> String {
    let mut out = template.to_string();
    for path in template_paths(template) {
        let mut cur: Option<&Value> = None;
        for (i, part) in path.split('.').enumerate() {
            cur = if i == 0 {
                view.iter().find(|(n, _)| *n == part).map(|(_, v)| *v)
            } else {
                cur.and_then(|c| c.get(part))
            };
        }
        let sep = if path.ends_with("path") || path.ends_with("steps") {
            " → "
        } else {
            ", "
        };
        let text = match cur {
            None | Some(Value::Null) => "none".to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
            Some(Value::Array(a)) if a.is_empty() => "none".to_string(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    // Objects (tools, channels) are named by their identifying field.
                    Value::Object(o) => ["tool", "via", "id", "name"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                        .map_or_else(|| x.to_string(), String::from),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(sep),
            Some(other) => other.to_string(),
        };
        out = out.replacen(&format!("{{{path}}}"), &text, 1);
    }
    out
}

fn location(sources: Option<&SourceMap>, span: Span) -> Option<SourceLocation> {
    sources.map(|s| {
        let l = s.locate(span);
        SourceLocation {
            file: l.path.display().to_string(),
            line: l.line,
            column: l.column,
        }
    })
}

fn mappings(r: &CompiledRule) -> FindingMappings {
    let m = &r.rule.mappings.value;
    let v = |l: &Vec<palisade_model::Loc<String>>| l.iter().map(|x| x.value.clone()).collect();
    FindingMappings {
        atlas: v(&m.atlas),
        owasp_llm: v(&m.owasp_llm),
        owasp_ml: v(&m.owasp_ml),
        owasp_agentic: v(&m.owasp_agentic),
        nist: v(&m.nist),
        cwe: v(&m.cwe),
    }
}

/// Evaluate the selected rules of `lib` on a model and its facts.
pub fn evaluate(
    model: &Model,
    facts: &Facts,
    lib: &Library,
    selection: &Selection,
    sources: Option<&SourceMap>,
) -> Evaluation {
    let rules: Vec<&CompiledRule> = lib.rules.iter().filter(|r| selection.includes(r)).collect();
    let component_rules: Vec<&CompiledRule> = rules
        .iter()
        .copied()
        .filter(|r| r.rule.target.value == Target::Component)
        .collect();
    let flow_rules: Vec<&CompiledRule> = rules
        .iter()
        .copied()
        .filter(|r| r.rule.target.value == Target::Flow)
        .collect();
    let v = views(model, lib);
    let uf = &lib.used_flow;
    let by_rule: std::collections::HashMap<&str, RuleShared> = rules
        .iter()
        .map(|r| (r.rule.code.value.as_str(), RuleShared::new(r, lib)))
        .collect();
    let factors_of = |r: &CompiledRule| -> &RuleShared { &by_rule[r.rule.code.value.as_str()] };
    // Values are converted to CEL once per element and lent to every rule through a resolver;
    // the standard library is built once. Elements are independent, so they are evaluated on
    // all cores and the findings sorted afterwards (deterministic output).
    use rayon::prelude::*;
    let env = std::sync::Arc::new(cel::Env::stdlib());
    let system = value::json_val(&v.system);
    let model_val = value::json_val(&v.model);
    let mut out = Evaluation::default();
    let fields = palisade_model::Component::field_types();
    let per_component: Vec<(Vec<Finding>, Vec<String>)> = model
        .components
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut found = Vec::new();
            let mut errors = Vec::new();
            let applicable: Vec<&&CompiledRule> = component_rules
                .iter()
                .filter(|r| {
                    r.rule.kinds.is_empty() || r.rule.kinds.iter().any(|k| k.value == c.kind.value)
                })
                .collect();
            if applicable.is_empty() {
                return (found, errors);
            }
            let cv = component_val(&c.value, &fields, &v.comp_fields);
            let fv = facts_val(&facts.components[i], &v.facts_fields);
            let vars = Vars {
                names: &["component", "facts", "system", "model"],
                vals: [&*cv, &*fv, &*system, &*model_val],
            };
            let mut ctx = cel::Context::with_env(env.clone());
            ctx.set_variable_resolver(&vars);
            // Rationales render from JSON views, made only for elements a rule fires on.
            let mut json: Option<(Value, Value)> = None;
            for r in applicable {
                if fires(r, &ctx, c.id.value.as_str(), &mut errors) != Some(true) {
                    continue;
                }
                let (cj, fj) = json.get_or_insert_with(|| {
                    (
                        component_json(&c.value, &fields, &v.comp_fields),
                        facts_json(&facts.components[i], &v.facts_fields),
                    )
                });
                let view: [(&str, &Value); 4] = [
                    ("component", cj),
                    ("facts", fj),
                    ("system", &v.system),
                    ("model", &v.model),
                ];
                found.push(finding(
                    r,
                    factors_of(r),
                    &ctx,
                    &view,
                    Place {
                        target: FindingTarget {
                            kind: Target::Component,
                            id: c.id.value.to_string(),
                            component_kind: Some(c.kind.value),
                        },
                        path: &facts.components[i].taint_path,
                        location: location(sources, c.id.span),
                    },
                    &mut errors,
                ));
            }
            (found, errors)
        })
        .collect();
    for (f, e) in per_component {
        out.findings.extend(f);
        out.errors.extend(e);
    }

    if !flow_rules.is_empty() {
        // Flow ends: only the fields flow rules read, shared by all flows of a component.
        let ends: Vec<(Val, Val)> = model
            .components
            .par_iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    component_val(&c.value, &fields, &v.end_fields),
                    facts_val(&facts.components[i], &v.end_facts_fields),
                )
            })
            .collect();
        // The JSON views of flow ends, for rationales: made for the ends of flows a rule fires
        // on, once per component.
        let end_views: Vec<std::sync::OnceLock<(Value, Value)>> = model
            .components
            .iter()
            .map(|_| Default::default())
            .collect();
        let end_json = |i: usize| {
            end_views[i].get_or_init(|| {
                (
                    component_json(&model.components[i].value, &fields, &v.end_fields),
                    facts_json(&facts.components[i], &v.end_facts_fields),
                )
            })
        };
        let flow_fields = palisade_model::Flow::field_types();
        let wanted = |var: &str| Wanted::new(&uf.get(var).cloned().unwrap_or_default());
        let (flow_wanted, flow_facts_wanted) = (wanted("flow"), wanted("facts"));
        let per_flow: Vec<(Vec<Finding>, Vec<String>)> = model
            .flows
            .par_iter()
            .enumerate()
            .map(|(fi, f)| {
                let mut found = Vec::new();
                let mut errors = Vec::new();
                let (Some(a), Some(b)) = (index(model, &f.from.value), index(model, &f.to.value))
                else {
                    return (found, errors);
                };
                let (ea, eb) = (&ends[a], &ends[b]);
                let fv = component_val(&f.value, &flow_fields, &flow_wanted);
                let ffv = facts_val(&facts.flows[fi], &flow_facts_wanted);
                let vars = Vars {
                    names: &[
                        "flow",
                        "facts",
                        "from",
                        "to",
                        "from_facts",
                        "to_facts",
                        "system",
                        "model",
                    ],
                    vals: [
                        &*fv,
                        &*ffv,
                        &*ea.0,
                        &*eb.0,
                        &*ea.1,
                        &*eb.1,
                        &*system,
                        &*model_val,
                    ],
                };
                let mut ctx = cel::Context::with_env(env.clone());
                ctx.set_variable_resolver(&vars);
                let id = model.flow_id(fi).to_string();
                let mut json: Option<(Value, Value)> = None;
                for r in &flow_rules {
                    if fires(r, &ctx, &id, &mut errors) != Some(true) {
                        continue;
                    }
                    let (fj, ffj) = json.get_or_insert_with(|| {
                        (
                            component_json(&f.value, &flow_fields, &flow_wanted),
                            facts_json(&facts.flows[fi], &flow_facts_wanted),
                        )
                    });
                    let ((ta, tfa), (tb, tfb)) = (end_json(a), end_json(b));
                    let view: [(&str, &Value); 8] = [
                        ("flow", fj),
                        ("facts", ffj),
                        ("from", ta),
                        ("to", tb),
                        ("from_facts", tfa),
                        ("to_facts", tfb),
                        ("system", &v.system),
                        ("model", &v.model),
                    ];
                    let span = f.id.as_ref().map_or(f.from.span, |i| i.span);
                    found.push(finding(
                        r,
                        factors_of(r),
                        &ctx,
                        &view,
                        Place {
                            target: FindingTarget {
                                kind: Target::Flow,
                                id: id.clone(),
                                component_kind: None,
                            },
                            path: &[],
                            location: location(sources, span),
                        },
                        &mut errors,
                    ));
                }
                (found, errors)
            })
            .collect();
        for (f, e) in per_flow {
            out.findings.extend(f);
            out.errors.extend(e);
        }
    }
    out.findings.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(a.code.cmp(&b.code))
            .then(a.target.id.cmp(&b.target.id))
    });
    out
}

use crate::value::{self, Val, Wanted};

/// The CEL view of a model element (a component or a flow): the fields rules read, absent ones
/// `null` or `[]`. The JSON route is the fallback for a value CEL's types cannot take directly.
fn component_val(c: &impl Serialize, fields: &value::Fields, wanted: &Wanted) -> Val {
    value::view(c, Some(fields), wanted)
        .unwrap_or_else(|_| value::json_val(&component_json(c, fields, wanted)))
}

/// The CEL view of facts: the fields rules read.
fn facts_val(f: &impl Serialize, wanted: &Wanted) -> Val {
    value::view(f, None, wanted).unwrap_or_else(|_| value::json_val(&facts_json(f, wanted)))
}

/// The variables of one evaluation, lent to CEL by reference.
struct Vars<'a, const N: usize> {
    names: &'static [&'static str; N],
    vals: [&'a dyn cel::common::value::Val; N],
}

impl<const N: usize> cel::context::VariableResolver for Vars<'_, N> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<cel::common::value::CowVal<'b, 'b>> {
        self.names
            .iter()
            .position(|n| *n == variable)
            .map(|i| cel::common::value::CowVal::Borrowed(self.vals[i]))
    }
}

fn index(model: &Model, id: &palisade_model::Id) -> Option<usize> {
    match model.index.get(id) {
        Some(palisade_model::Element::Component(i)) => Some(*i),
        _ => None,
    }
}

fn fires(
    r: &CompiledRule,
    ctx: &cel::Context,
    element: &str,
    errors: &mut Vec<String>,
) -> Option<bool> {
    match r.when.execute(ctx) {
        Ok(cel::Value::Bool(b)) => Some(b),
        Ok(other) => {
            errors.push(format!(
                "rule {} on `{element}`: condition gave {other:?}, not true or false",
                r.rule.code.value
            ));
            None
        }
        Err(e) => {
            errors.push(format!("rule {} on `{element}`: {e}", r.rule.code.value));
            None
        }
    }
}

/// What every finding of a rule shares: its texts, mappings, mitigations and factors.
struct RuleShared<'l> {
    code: Text,
    name: Text,
    title: Text,
    attack_vector: Text,
    impact: Text,
    /// In the order of the rule's preconditions.
    preconditions: Vec<Text>,
    mappings: Shared<FindingMappings>,
    mitigations: Shared<Vec<String>>,
    factors: Vec<FactorShared<'l>>,
}

struct FactorShared<'l> {
    factor: &'l CompiledFactor,
    id: Text,
    reads: Shared<Vec<String>>,
    /// The reason, when it has nothing to render.
    reason: Option<Text>,
}

impl<'l> RuleShared<'l> {
    fn new(r: &CompiledRule, lib: &'l Library) -> Self {
        let rule = &r.rule;
        RuleShared {
            code: Text::from(&rule.code.value),
            name: Text::from(&rule.name.value),
            title: Text::from(&rule.title.value),
            attack_vector: Text::from(&rule.attack_vector.value),
            impact: Text::from(&rule.impact.value),
            preconditions: r.preconditions.iter().map(|(t, _)| Text::from(t)).collect(),
            mappings: Shared::new(mappings(r)),
            mitigations: Shared::new(rule.mitigations.iter().map(|m| m.value.clone()).collect()),
            factors: lib
                .factors
                .iter()
                .filter(|f| f.applies_to(rule))
                .map(|f| FactorShared {
                    factor: f,
                    id: Text::from(&f.id),
                    reads: Shared::new(f.reads.clone()),
                    reason: template_paths(&f.reason)
                        .is_empty()
                        .then(|| Text::from(&f.reason)),
                })
                .collect(),
        }
    }
}

/// Where a finding attaches: the element, the untrusted route to it, its place in the file.
struct Place<'a> {
    target: FindingTarget,
    path: &'a [String],
    location: Option<SourceLocation>,
}

fn finding(
    r: &CompiledRule,
    shared: &RuleShared,
    ctx: &cel::Context,
    view: &View,
    place: Place,
    errors: &mut Vec<String>,
) -> Finding {
    let Place {
        target,
        path,
        location,
    } = place;
    let rule = &r.rule;
    // A precondition or factor that fails to evaluate is reported, never silently false.
    let mut holds = |program: &cel::Program, what: &str| -> bool {
        match program.execute(ctx) {
            Ok(cel::Value::Bool(b)) => b,
            Ok(other) => {
                errors.push(format!(
                    "{what} on `{}`: gave {other:?}, not true or false",
                    target.id
                ));
                false
            }
            Err(e) => {
                errors.push(format!("{what} on `{}`: {e}", target.id));
                false
            }
        }
    };
    let preconditions = r
        .preconditions
        .iter()
        .zip(&shared.preconditions)
        .filter(|((_, cond), _)| {
            cond.as_ref()
                .is_none_or(|p| holds(p, &format!("a precondition of rule {}", rule.code.value)))
        })
        .map(|(_, t)| t.clone())
        .collect();
    let factors = shared
        .factors
        .iter()
        .filter(|f| holds(&f.factor.when, &format!("scoring factor {}", f.id)))
        .map(|f| ScoreFactor {
            id: f.id.clone(),
            affects: f.factor.affects,
            delta: f.factor.delta,
            reason: f
                .reason
                .clone()
                .unwrap_or_else(|| render(&f.factor.reason, view).into()),
            reads: f.reads.clone(),
        })
        .collect();
    Finding {
        id: format!("{}@{}", rule.code.value, target.id),
        code: shared.code.clone(),
        name: shared.name.clone(),
        title: shared.title.clone(),
        category: rule.category.value,
        stride: rule.stride.iter().map(|s| s.value).collect(),
        rationale: render(&rule.rationale.value, view),
        attack_vector: shared.attack_vector.clone(),
        preconditions,
        impact: shared.impact.clone(),
        base_likelihood: rule.base_likelihood.value,
        base_impact: rule.base_impact.value,
        mappings: shared.mappings.clone(),
        mitigations: shared.mitigations.clone(),
        factors,
        // Only prompt-injection findings carry the route of untrusted content.
        path: if rule.category.value == Category::PromptInjection {
            path.to_vec()
        } else {
            Vec::new()
        },
        location,
        target,
    }
}
