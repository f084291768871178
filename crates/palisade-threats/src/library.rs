//! Loading rule packs: built-in and user rules take the same path and meet the same checks.

use crate::check::{Checker, path_type};
use crate::rule::{Axis, Category, FactorFile, Rule, Target};
use crate::types::{Ty, component_vars, flow_vars};
use palisade_model::convert::{Cx, FromNode};
use palisade_model::diag::{Diagnostic, codes};
use palisade_model::node::{Limits, parse};
use palisade_model::{Loc, SourceMap, Span};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A compiled condition. The same text (for the same target) compiles once and is shared by
/// every rule and factor that uses it; `id` numbers the library's distinct conditions, so the
/// engine evaluates each at most once per element.
#[derive(Clone)]
pub struct Condition {
    pub(crate) id: usize,
    program: Arc<cel::Program>,
    /// The same condition in the subset evaluated without `cel` (`None`: `cel` only).
    pub(crate) fast: Option<Arc<crate::fast::Fast>>,
}

impl Condition {
    pub fn execute(&self, ctx: &cel::Context) -> cel::ResolveResult {
        self.program.execute(ctx)
    }

    /// Whether the condition takes the fast path (`fast.rs`) where it can.
    pub fn is_fast(&self) -> bool {
        self.fast.is_some()
    }
}

/// A rule ready to evaluate.
pub struct CompiledRule {
    pub rule: Rule,
    pub when: Condition,
    pub preconditions: Vec<(String, Option<Condition>)>,
    /// Where the rule came from (`builtin` or the pack's path).
    pub origin: String,
}

/// A scoring factor ready to evaluate.
pub struct CompiledFactor {
    pub id: String,
    pub target: Target,
    pub categories: Vec<Category>,
    pub codes: Vec<String>,
    pub affects: Axis,
    pub delta: i64,
    pub when: Condition,
    pub reason: String,
    /// The attributes and facts the condition reads (`facts.exposure`, `component.rate_limit`).
    pub reads: Vec<String>,
    pub origin: String,
}

impl CompiledFactor {
    /// Whether the factor is about findings of this rule.
    pub fn applies_to(&self, rule: &Rule) -> bool {
        self.target == rule.target.value
            && (self.categories.is_empty() || self.categories.contains(&rule.category.value))
            && (self.codes.is_empty() || self.codes.contains(&rule.code.value))
    }
}

/// The built-in scoring factors.
pub const BUILTIN_FACTORS: (&str, &str) = (
    "scoring/factors.yaml",
    include_str!("../scoring/factors.yaml"),
);

pub struct Library {
    pub rules: Vec<CompiledRule>,
    /// Scoring factors: what moves a finding's likelihood and impact.
    pub factors: Vec<CompiledFactor>,
    /// Fields of each variable that component rules read (`*`: all of it).
    pub used_component: Used,
    /// Fields of each variable that flow rules read.
    pub used_flow: Used,
    /// How many distinct conditions the rules and factors have (`Condition::id` is below).
    pub(crate) conditions: usize,
}

/// Variable name → top-level fields read by some rule.
pub type Used = BTreeMap<String, std::collections::BTreeSet<String>>;

impl Library {
    pub fn get(&self, code: &str) -> Option<&CompiledRule> {
        self.rules
            .iter()
            .find(|r| r.rule.code.value.eq_ignore_ascii_case(code) || r.rule.name.value == code)
    }
}

/// The result of loading rule files.
pub struct LoadedLibrary {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub library: Option<Library>,
}

/// A parsed rule file.
enum Parsed {
    Rule(Box<Rule>),
    Factors(FactorFile),
}

/// Parse one rule or factor file into its typed form, with the diagnostics of doing so.
fn parse_file(text: &str, file: palisade_model::FileId) -> (Option<Parsed>, Vec<Diagnostic>) {
    let node = match parse(text, file, false, &Limits::default()) {
        Ok(n) => n,
        Err(d) => return (None, vec![d]),
    };
    let mut cx = Cx::new(file, text);
    let parsed = if is_factor_file(&node, text) {
        FactorFile::from_node(&node, &mut cx).map(Parsed::Factors)
    } else {
        Rule::from_node(&node, &mut cx).map(|r| Parsed::Rule(Box::new(r)))
    };
    (parsed, cx.diags)
}

/// Load the built-in rules plus user rule files (`(path, text)`), checking them all.
pub fn load(user: &[(PathBuf, String)], include_builtin: bool) -> LoadedLibrary {
    let mut sources = SourceMap::default();
    let mut diags = Vec::new();
    let mut rules: Vec<CompiledRule> = Vec::new();
    let cvars = component_vars();
    let fvars = flow_vars();
    let builtin = BUILTIN
        .iter()
        .filter(|_| include_builtin)
        .map(|(p, t)| (PathBuf::from(p), (*t).to_string(), "builtin".to_string()));
    let builtin_factors = std::iter::once(BUILTIN_FACTORS)
        .filter(|_| include_builtin)
        .map(|(p, t)| (PathBuf::from(p), t.to_string(), "builtin".to_string()));
    let user = user
        .iter()
        .map(|(p, t)| (p.clone(), t.clone(), p.display().to_string()));
    let files: Vec<(palisade_model::FileId, String)> = builtin
        .chain(builtin_factors)
        .chain(user)
        .map(|(path, text, origin)| (sources.add(path, text), origin))
        .collect();
    // Files are independent until their conditions are compiled: parse them on all cores.
    let parsed: Vec<(Option<Parsed>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|(file, _)| parse_file(&sources.get(*file).text, *file))
        .collect();
    let conditions = Conditions::check(&parsed, &cvars, &fvars);
    let mut factors: Vec<CompiledFactor> = Vec::new();
    let mut factor_ids: BTreeMap<String, Span> = BTreeMap::new();
    let mut factor_codes: Vec<(String, Loc<String>)> = Vec::new();
    let mut first: BTreeMap<String, Span> = BTreeMap::new();
    let mut used_component = Used::new();
    let mut used_flow = Used::new();
    for ((_, origin), (parsed, mut file_diags)) in files.iter().zip(parsed) {
        diags.append(&mut file_diags);
        let Some(parsed) = parsed else { continue };
        let rule = match parsed {
            Parsed::Rule(rule) => *rule,
            Parsed::Factors(parsed) => {
                for f in parsed.factors {
                    let f = f.value;
                    if let Some(prev) = factor_ids.get(&f.id.value) {
                        diags.push(
                            Diagnostic::error(
                                codes::DUPLICATE_ID,
                                format!("two scoring factors have the id `{}`", f.id.value),
                            )
                            .label(f.id.span, "second factor")
                            .label(*prev, "first factor"),
                        );
                        continue;
                    }
                    factor_ids.insert(f.id.value.clone(), f.id.span);
                    factor_codes.extend(f.codes.iter().map(|c| (f.id.value.clone(), c.clone())));
                    let (vars, used) = match f.target.value {
                        Target::Component => (&cvars, &mut used_component),
                        Target::Flow => (&fvars, &mut used_flow),
                    };
                    let mut reads = Used::new();
                    let when = conditions.compile(
                        f.target.value,
                        &f.when,
                        &sources,
                        &mut diags,
                        &mut reads,
                    );
                    check_template(&f.reason, vars, &mut diags);
                    for path in template_paths(&f.reason.value) {
                        let mut parts = path.split('.');
                        if let (Some(var), field) = (parts.next(), parts.next()) {
                            used.entry(var.to_string())
                                .or_default()
                                .insert(field.unwrap_or("*").to_string());
                        }
                    }
                    for (var, fields) in &reads {
                        used.entry(var.clone())
                            .or_default()
                            .extend(fields.iter().cloned());
                    }
                    let Some(when) = when else { continue };
                    factors.push(CompiledFactor {
                        id: f.id.value,
                        target: f.target.value,
                        categories: f.categories.iter().map(|c| c.value).collect(),
                        codes: f.codes.iter().map(|c| c.value.clone()).collect(),
                        affects: f.affects.value,
                        delta: f.delta.value,
                        when,
                        reason: f.reason.value,
                        reads: reads
                            .iter()
                            .flat_map(|(v, fs)| fs.iter().map(move |x| format!("{v}.{x}")))
                            .collect(),
                        origin: origin.clone(),
                    });
                }
                continue;
            }
        };
        let target = rule.target.value;
        let (vars, used) = match target {
            Target::Component => (&cvars, &mut used_component),
            Target::Flow => (&fvars, &mut used_flow),
        };
        let mut ok = true;
        if let Some(prev) = first.get(&rule.code.value) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_ID,
                    format!("two rules have the code `{}`", rule.code.value),
                )
                .label(rule.code.span, "second rule")
                .label(*prev, "first rule"),
            );
            ok = false;
        } else {
            first.insert(rule.code.value.clone(), rule.code.span);
        }
        let when = conditions.compile(target, &rule.when, &sources, &mut diags, used);
        let mut preconditions = Vec::new();
        for p in &rule.preconditions {
            let program = match &p.when {
                Some(w) => match conditions.compile(target, w, &sources, &mut diags, used) {
                    Some(prog) => Some(prog),
                    None => {
                        ok = false;
                        None
                    }
                },
                None => None,
            };
            preconditions.push((p.text.value.clone(), program));
        }
        check_template(&rule.rationale, vars, &mut diags);
        // Rationales are rendered from the same pruned views conditions read.
        for path in template_paths(&rule.rationale.value) {
            let mut parts = path.split('.');
            if let (Some(var), field) = (parts.next(), parts.next()) {
                used.entry(var.to_string())
                    .or_default()
                    .insert(field.unwrap_or("*").to_string());
            }
        }
        check_mappings(&rule, &mut diags);
        let Some(when) = when else { continue };
        if ok {
            rules.push(CompiledRule {
                rule,
                when,
                preconditions,
                origin: origin.clone(),
            });
        }
    }
    // A factor naming a rule that does not exist would silently never apply.
    for (id, code) in &factor_codes {
        if !first.contains_key(&code.value) {
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_REFERENCE,
                    format!(
                        "scoring factor `{id}` names the rule `{}`, which does not exist",
                        code.value
                    ),
                )
                .label(code.span, "no rule has this code"),
            );
        }
    }
    factors.sort_by(|a, b| a.id.cmp(&b.id));
    palisade_model::diag::sort(&mut diags);
    let failed = diags
        .iter()
        .any(|d| d.severity == palisade_model::Severity::Error);
    rules.sort_by(|a, b| a.rule.code.value.cmp(&b.rule.code.value));
    LoadedLibrary {
        sources,
        diagnostics: diags,
        library: (!failed).then_some(Library {
            rules,
            factors,
            used_component,
            used_flow,
            conditions: conditions.len(),
        }),
    }
}

/// A condition parsed and checked once for all the places its text appears.
struct Checked {
    /// The program, or the first line of the syntax error.
    program: Result<Arc<cel::Program>, String>,
    fast: Option<Arc<crate::fast::Fast>>,
    ty: Ty,
    errors: Vec<crate::check::CheckError>,
    used: BTreeSet<(String, String)>,
}

/// The distinct conditions of a library (by target and text), parsed and checked in parallel.
struct Conditions {
    index: HashMap<(Target, String), usize>,
    checked: Vec<Checked>,
}

impl Conditions {
    fn check<'p>(
        parsed: &'p [(Option<Parsed>, Vec<Diagnostic>)],
        cvars: &[(String, Ty)],
        fvars: &[(String, Ty)],
    ) -> Self {
        let mut index = HashMap::new();
        let mut distinct: Vec<(Target, &str)> = Vec::new();
        let mut add = |target: Target, text: &'p str| {
            index.entry((target, text.to_string())).or_insert_with(|| {
                distinct.push((target, text));
                distinct.len() - 1
            });
        };
        for (p, _) in parsed {
            match p {
                Some(Parsed::Rule(r)) => {
                    add(r.target.value, &r.when.value);
                    for p in r.preconditions.iter().filter_map(|p| p.when.as_ref()) {
                        add(r.target.value, &p.value);
                    }
                }
                Some(Parsed::Factors(f)) => {
                    for f in &f.factors {
                        add(f.value.target.value, &f.value.when.value);
                    }
                }
                None => {}
            }
        }
        let checked = distinct
            .par_iter()
            .map(|(target, text)| {
                let (vars, roots): (_, &[&str]) = match target {
                    Target::Component => (cvars, &crate::fast::COMPONENT_VARS),
                    Target::Flow => (fvars, &crate::fast::FLOW_VARS),
                };
                match cel::Program::compile(text) {
                    Ok(program) => {
                        let mut checker = Checker::new(vars);
                        let ty = checker.infer(program.expression());
                        let fast = crate::fast::translate(program.expression(), roots);
                        Checked {
                            fast: fast.map(Arc::new),
                            program: Ok(Arc::new(program)),
                            ty,
                            errors: checker.errors,
                            used: checker.used,
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        Checked {
                            program: Err(msg.lines().next().unwrap_or("syntax error").to_string()),
                            fast: None,
                            ty: Ty::Any,
                            errors: Vec::new(),
                            used: BTreeSet::new(),
                        }
                    }
                }
            })
            .collect();
        Conditions { index, checked }
    }

    fn len(&self) -> usize {
        self.checked.len()
    }

    /// The condition `expr`, with its diagnostics located in its file; the fields it reads are
    /// added to `used`.
    fn compile(
        &self,
        target: Target,
        expr: &Loc<String>,
        sources: &SourceMap,
        diags: &mut Vec<Diagnostic>,
        used: &mut Used,
    ) -> Option<Condition> {
        let id = *self.index.get(&(target, expr.value.clone()))?;
        let checked = &self.checked[id];
        let program = match &checked.program {
            Ok(p) => p,
            Err(first) => {
                diags.push(
                    Diagnostic::error(codes::SYNTAX, format!("invalid condition: {first}"))
                        .label(expr.span, "this CEL expression does not parse")
                        .help("conditions are CEL expressions, e.g. `facts.untrusted_input && component.hosting == 'vendor-api'`"),
                );
                return None;
            }
        };
        for (var, field) in &checked.used {
            used.entry(var.clone()).or_default().insert(field.clone());
        }
        for e in &checked.errors {
            let span = expr_span(expr, sources, program.source_info().offset_for(e.expr_id));
            let mut d = Diagnostic::error(
                codes::UNKNOWN_REFERENCE,
                format!("invalid condition: {}", e.message),
            )
            .label(span, "here");
            if let Some(h) = &e.help {
                d = d.help(h.clone());
            }
            diags.push(d);
        }
        if !matches!(checked.ty, Ty::Bool | Ty::Any) {
            diags.push(
                Diagnostic::error(
                    codes::TYPE,
                    format!(
                        "a condition must be true or false, but this is {}",
                        checked.ty.describe()
                    ),
                )
                .label(expr.span, "not a boolean"),
            );
            return None;
        }
        checked.errors.is_empty().then(|| Condition {
            id,
            program: program.clone(),
            fast: checked.fast.clone(),
        })
    }
}

/// A file whose top level has `factors:` holds scoring factors, not a rule.
fn is_factor_file(node: &palisade_model::node::Node, text: &str) -> bool {
    match &node.value {
        palisade_model::node::Value::Map(entries) => entries.iter().any(|(k, _)| {
            matches!(&k.value, palisade_model::node::Value::Str(s) if s == "factors")
                || k.scalar_text(text) == "factors"
        }),
        _ => false,
    }
}

/// Where, inside the YAML value of an expression, a character range of the expression is.
fn expr_span(expr: &Loc<String>, sources: &SourceMap, range: Option<(u32, u32)>) -> Span {
    let raw = sources.get(expr.span.file).slice(expr.span);
    let Some((start, stop)) = range else {
        return expr.span;
    };
    let Some(at) = raw.find(expr.value.as_str()) else {
        return expr.span;
    };
    let byte = |chars: u32| {
        expr.value
            .char_indices()
            .nth(chars as usize)
            .map_or(expr.value.len(), |(b, _)| b)
    };
    let (b0, b1) = (byte(start), byte(stop.max(start + 1)));
    Span::new(
        expr.span.file,
        expr.span.start as usize + at + b0,
        b1.saturating_sub(b0),
    )
}

/// Every `{path}` in a rationale template must name a variable path.
fn check_template(t: &Loc<String>, vars: &[(String, Ty)], diags: &mut Vec<Diagnostic>) {
    for path in template_paths(&t.value) {
        if let Err(msg) = path_type(vars, path) {
            diags.push(
                Diagnostic::error(codes::UNKNOWN_REFERENCE, format!("rationale: {msg}"))
                    .label(t.span, "in this template"),
            );
        }
    }
}

pub(crate) fn template_paths(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else { break };
        out.push(&after[..j]);
        rest = &after[j + 1..];
    }
    out
}

fn check_mappings(rule: &Rule, diags: &mut Vec<Diagnostic>) {
    let m = &rule.mappings.value;
    type Group<'a> = (&'a str, &'a Vec<Loc<String>>, fn(&str) -> bool);
    let groups: [Group; 6] = [
        ("ATLAS technique", &m.atlas, crate::ids::atlas_technique),
        (
            "OWASP LLM (ID:edition)",
            &m.owasp_llm,
            crate::ids::owasp_llm,
        ),
        ("OWASP ML (ID:2023)", &m.owasp_ml, crate::ids::owasp_ml),
        (
            "OWASP agentic (ASI..:2026)",
            &m.owasp_agentic,
            crate::ids::owasp_agentic,
        ),
        ("NIST AI 100-2 (NISTAML.0..)", &m.nist, crate::ids::nist),
        ("CWE", &m.cwe, crate::ids::cwe),
    ];
    for (what, list, ok) in groups {
        for id in list {
            if !ok(&id.value) {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{}` is not a valid {what} id", id.value),
                    )
                    .label(id.span, "malformed id"),
                );
            }
        }
    }
}
