//! Matching: evaluate each rule on the elements it targets and explain every finding.

#[cfg(test)]
mod differential;
mod memo;
mod render;

use crate::library::{CompiledFactor, CompiledRule, Condition, Library};
use crate::rule::{Category, Stride, Target};
use crate::shared::{Shared, Text};
use crate::value::lazy::{Fixed, Lazy, Var};
use crate::value::{self, Wanted};
use memo::{Memo, Outcome};
use palisade_analysis::Facts;
use palisade_model::{ComponentKind, ControlStatus, Criticality, Model, SourceMap, Span};
use render::{Template, View};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

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

/// Union of the fields read through several variables that hold the same kind of value.
fn union(used: &crate::library::Used, vars: &[&str]) -> BTreeSet<String> {
    vars.iter()
        .filter_map(|v| used.get(*v))
        .flatten()
        .cloned()
        .collect()
}

/// Whole-model variables, and which fields of the per-element variables rules read.
struct Views {
    system: Fixed,
    model: Fixed,
    comp_fields: Wanted,
    facts_fields: Wanted,
    end_fields: Wanted,
    end_facts_fields: Wanted,
}

type End<'a> = (
    Lazy<'a, palisade_model::Component>,
    Lazy<'a, palisade_analysis::ComponentFacts>,
);

impl Views {
    /// Every component as the end of a flow: only the fields flow rules read, shared by all flows
    /// of a component.
    fn ends<'a>(
        &'a self,
        model: &'a Model,
        facts: &'a Facts,
        fields: &'a value::Fields,
    ) -> Vec<End<'a>> {
        model
            .components
            .iter()
            .zip(&facts.components)
            .map(|(c, cf)| {
                (
                    Lazy::new(&c.value, Some(fields), &self.end_fields),
                    Lazy::new(cf, None, &self.end_facts_fields),
                )
            })
            .collect()
    }
}

fn views(model: &Model, lib: &Library) -> Views {
    let (uc, uf) = (&lib.used_component, &lib.used_flow);
    let mut system_fields = union(uc, &["system"]);
    system_fields.extend(union(uf, &["system"]));
    let system = value::json_fallback(
        &model.system.value,
        Some(&palisade_model::System::field_types()),
        &Wanted::new(&system_fields),
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
        system: Fixed {
            cel: value::json_val(&system),
            json: system,
        },
        model: Fixed {
            cel: value::json_val(&model_view),
            json: model_view,
        },
        comp_fields: Wanted::new(&union(uc, &["component"])),
        facts_fields: Wanted::new(&union(uc, &["facts"])),
        end_fields: Wanted::new(&union(uf, &["from", "to"])),
        end_facts_fields: Wanted::new(&union(uf, &["from_facts", "to_facts"])),
    }
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

/// Findings and errors of one element.
type Found = (Vec<Finding>, Vec<String>);

/// Evaluate the selected rules of `lib` on a model and its facts.
pub fn evaluate(
    model: &Model,
    facts: &Facts,
    lib: &Library,
    selection: &Selection,
    sources: Option<&SourceMap>,
) -> Evaluation {
    let factors: Vec<FactorShared> = lib.factors.iter().map(FactorShared::new).collect();
    let (mut component_rules, mut flow_rules) = (Vec::new(), Vec::new());
    for r in lib.rules.iter().filter(|r| selection.includes(r)) {
        let shared = RuleShared::new(r, lib, &factors);
        match r.rule.target.value {
            Target::Component => component_rules.push(shared),
            Target::Flow => flow_rules.push(shared),
        }
    }
    let v = views(model, lib);
    // Conditions read the element's values through a resolver that converts a field when it is
    // first read, and evaluate each distinct condition once per element; the standard library is
    // built once. Elements are independent, so they are evaluated on all cores and the findings
    // sorted afterwards (deterministic output).
    use rayon::prelude::*;
    let env = std::sync::Arc::new(cel::Env::stdlib());
    let mut out = Evaluation::default();
    let fields = palisade_model::Component::field_types();
    // The rules that apply to each kind of component, in library order.
    let mut by_kind: HashMap<ComponentKind, Vec<&RuleShared>> = HashMap::new();
    for c in &model.components {
        by_kind.entry(c.kind.value).or_insert_with(|| {
            component_rules
                .iter()
                .filter(|r| {
                    let kinds = &r.rule.rule.kinds;
                    kinds.is_empty() || kinds.iter().any(|k| k.value == c.kind.value)
                })
                .collect()
        });
    }
    let per_component: Vec<Found> = model
        .components
        .par_iter()
        .enumerate()
        .map_init(
            || Memo::new(lib.conditions),
            |memo, (i, c)| {
                let applicable = by_kind.get(&c.kind.value).map_or(&[][..], Vec::as_slice);
                if applicable.is_empty() {
                    return Found::default();
                }
                let cf = &facts.components[i];
                let cv = Lazy::new(&c.value, Some(&fields), &v.comp_fields);
                let fv = Lazy::new(cf, None, &v.facts_fields);
                let view: [(&str, &dyn Var); 4] = [
                    ("component", &cv),
                    ("facts", &fv),
                    ("system", &v.system),
                    ("model", &v.model),
                ];
                let place = Place {
                    target: FindingTarget {
                        kind: Target::Component,
                        id: c.id.value.to_string(),
                        component_kind: Some(c.kind.value),
                    },
                    path: &cf.taint_path,
                    span: c.id.span,
                    sources,
                };
                element(applicable, &env, &view, memo, &place)
            },
        )
        .collect();
    for (f, e) in per_component {
        out.findings.extend(f);
        out.errors.extend(e);
    }

    if !flow_rules.is_empty() {
        let ends = v.ends(model, facts, &fields);
        let flow_fields = palisade_model::Flow::field_types();
        let uf = &lib.used_flow;
        let wanted = |var: &str| Wanted::new(&uf.get(var).cloned().unwrap_or_default());
        let (flow_wanted, flow_facts_wanted) = (wanted("flow"), wanted("facts"));
        let flow_rules: Vec<&RuleShared> = flow_rules.iter().collect();
        let per_flow: Vec<Found> = model
            .flows
            .par_iter()
            .enumerate()
            .map_init(
                || Memo::new(lib.conditions),
                |memo, (fi, f)| {
                    let (Some(a), Some(b)) =
                        (index(model, &f.from.value), index(model, &f.to.value))
                    else {
                        return Found::default();
                    };
                    let (ea, eb) = (&ends[a], &ends[b]);
                    let fv = Lazy::new(&f.value, Some(&flow_fields), &flow_wanted);
                    let ffv = Lazy::new(&facts.flows[fi], None, &flow_facts_wanted);
                    let view: [(&str, &dyn Var); 8] = [
                        ("flow", &fv),
                        ("facts", &ffv),
                        ("from", &ea.0),
                        ("to", &eb.0),
                        ("from_facts", &ea.1),
                        ("to_facts", &eb.1),
                        ("system", &v.system),
                        ("model", &v.model),
                    ];
                    let place = Place {
                        target: FindingTarget {
                            kind: Target::Flow,
                            id: model.flow_id(fi).to_string(),
                            component_kind: None,
                        },
                        path: &[],
                        span: f.id.as_ref().map_or(f.from.span, |i| i.span),
                        sources,
                    };
                    element(&flow_rules, &env, &view, memo, &place)
                },
            )
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

/// Evaluate the rules that apply to one element, whose variables are `view`.
fn element(
    rules: &[&RuleShared],
    env: &std::sync::Arc<cel::Env>,
    view: &View,
    memo: &mut Memo,
    place: &Place,
) -> Found {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let vars = Vars(view);
    let mut ctx = cel::Context::with_env(env.clone());
    ctx.set_variable_resolver(&vars);
    memo.clear();
    // Every finding of the element has its location: find it once.
    let mut located: Option<Option<SourceLocation>> = None;
    for r in rules {
        let code = &r.rule.rule.code.value;
        match memo.run(&r.rule.when, view, &ctx) {
            Outcome::Bool(true) => {}
            Outcome::Bool(false) => continue,
            Outcome::Other(Ok(other)) => {
                errors.push(format!(
                    "rule {code} on `{}`: condition gave {other:?}, not true or false",
                    place.target.id
                ));
                continue;
            }
            Outcome::Other(Err(e)) => {
                errors.push(format!("rule {code} on `{}`: {e}", place.target.id));
                continue;
            }
        }
        let location = located
            .get_or_insert_with(|| location(place.sources, place.span))
            .clone();
        found.push(finding(r, &ctx, view, memo, place, location, &mut errors));
    }
    (found, errors)
}

/// The variables of one evaluation, lent to CEL by reference. A dotted name (`facts.tools`) is
/// answered with the field itself when the variable has it, as CEL would find it by selecting
/// the field of the variable.
struct Vars<'a, 'v>(&'a View<'v>);

impl cel::context::VariableResolver for Vars<'_, '_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<cel::common::value::CowVal<'b, 'b>> {
        use cel::common::value::CowVal;
        if let Some((_, v)) = self.0.iter().find(|(n, _)| *n == variable) {
            return Some(CowVal::Borrowed(v.whole()));
        }
        let (name, field) = variable.split_once('.')?;
        if field.contains('.') {
            return None;
        }
        let (_, v) = self.0.iter().find(|(n, _)| *n == name)?;
        v.field(field).map(CowVal::Borrowed)
    }
}

fn index(model: &Model, id: &palisade_model::Id) -> Option<usize> {
    match model.index.get(id) {
        Some(palisade_model::Element::Component(i)) => Some(*i),
        _ => None,
    }
}

/// What every finding of a rule shares: its texts, mappings, mitigations and factors.
struct RuleShared<'l> {
    rule: &'l CompiledRule,
    code: Text,
    name: Text,
    title: Text,
    attack_vector: Text,
    impact: Text,
    rationale: Template,
    /// In the order of the rule's preconditions.
    preconditions: Vec<Text>,
    mappings: Shared<FindingMappings>,
    mitigations: Shared<Vec<String>>,
    factors: Vec<&'l FactorShared<'l>>,
}

/// What every finding a factor holds on shares.
struct FactorShared<'l> {
    factor: &'l CompiledFactor,
    id: Text,
    reads: Shared<Vec<String>>,
    reason: Template,
    /// The reason, when it has nothing to render.
    plain: Option<Text>,
}

impl<'l> FactorShared<'l> {
    fn new(f: &'l CompiledFactor) -> Self {
        let reason = Template::new(&f.reason);
        FactorShared {
            factor: f,
            id: Text::from(&f.id),
            reads: Shared::new(f.reads.clone()),
            plain: reason.is_plain().then(|| Text::from(&f.reason)),
            reason,
        }
    }
}

impl<'l> RuleShared<'l> {
    fn new(r: &'l CompiledRule, lib: &'l Library, factors: &'l [FactorShared<'l>]) -> Self {
        let rule = &r.rule;
        RuleShared {
            rule: r,
            code: Text::from(&rule.code.value),
            name: Text::from(&rule.name.value),
            title: Text::from(&rule.title.value),
            attack_vector: Text::from(&rule.attack_vector.value),
            impact: Text::from(&rule.impact.value),
            rationale: Template::new(&rule.rationale.value),
            preconditions: r.preconditions.iter().map(|(t, _)| Text::from(t)).collect(),
            mappings: Shared::new(mappings(r)),
            mitigations: Shared::new(rule.mitigations.iter().map(|m| m.value.clone()).collect()),
            factors: lib
                .factors
                .iter()
                .zip(factors)
                .filter(|(f, _)| f.applies_to(rule))
                .map(|(_, s)| s)
                .collect(),
        }
    }
}

/// Where a finding attaches: the element, the untrusted route to it, its place in the file.
struct Place<'a> {
    target: FindingTarget,
    path: &'a [String],
    span: Span,
    sources: Option<&'a SourceMap>,
}

fn finding(
    shared: &RuleShared,
    ctx: &cel::Context,
    view: &View,
    memo: &mut Memo,
    place: &Place,
    location: Option<SourceLocation>,
    errors: &mut Vec<String>,
) -> Finding {
    let r = shared.rule;
    let rule = &r.rule;
    let target = &place.target;
    // A precondition or factor that fails to evaluate is reported, never silently false.
    let mut holds = |memo: &mut Memo, c: &Condition, what: &dyn Fn() -> String| -> bool {
        match memo.run(c, view, ctx) {
            Outcome::Bool(b) => b,
            Outcome::Other(Ok(other)) => {
                errors.push(format!(
                    "{} on `{}`: gave {other:?}, not true or false",
                    what(),
                    target.id
                ));
                false
            }
            Outcome::Other(Err(e)) => {
                errors.push(format!("{} on `{}`: {e}", what(), target.id));
                false
            }
        }
    };
    let preconditions = r
        .preconditions
        .iter()
        .zip(&shared.preconditions)
        .filter(|((_, cond), _)| {
            cond.as_ref().is_none_or(|p| {
                holds(memo, p, &|| {
                    format!("a precondition of rule {}", rule.code.value)
                })
            })
        })
        .map(|(_, t)| t.clone())
        .collect();
    let factors = shared
        .factors
        .iter()
        .filter(|f| holds(memo, &f.factor.when, &|| format!("scoring factor {}", f.id)))
        .map(|f| ScoreFactor {
            id: f.id.clone(),
            affects: f.factor.affects,
            delta: f.factor.delta,
            reason: f
                .plain
                .clone()
                .unwrap_or_else(|| f.reason.render(view).into()),
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
        rationale: shared.rationale.render(view),
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
            place.path.to_vec()
        } else {
            Vec::new()
        },
        location,
        target: target.clone(),
    }
}
