//! Static checks of rule conditions: every variable, field and enum literal must exist.

use crate::types::Ty;
use cel::common::ast::{Expr, IdedExpr, LiteralValue};
use palisade_model::suggest;

/// A problem in a condition, at a character range of the expression.
#[derive(Debug, Clone)]
pub struct CheckError {
    pub expr_id: u64,
    pub message: String,
    pub help: Option<String>,
}

pub struct Checker<'v> {
    /// The rule's own variables.
    roots: &'v [(String, Ty)],
    /// Macro variables in scope, innermost last; they shadow the roots.
    locals: Vec<(String, Ty)>,
    pub errors: Vec<CheckError>,
    /// Top-level fields of each variable the expression reads (`*` when it uses it whole), so
    /// that evaluation only builds what rules look at.
    pub used: std::collections::BTreeSet<(String, String)>,
}

fn path_text(e: &IdedExpr) -> String {
    match &e.expr {
        Expr::Ident(n) => n.clone(),
        Expr::Select(s) => format!("{}.{}", path_text(&s.operand), s.field),
        _ => "(expression)".into(),
    }
}

fn string_literal(e: &IdedExpr) -> Option<&str> {
    match &e.expr {
        Expr::Literal(LiteralValue::String(s)) => Some(s.inner()),
        _ => None,
    }
}

impl<'v> Checker<'v> {
    pub fn new(roots: &'v [(String, Ty)]) -> Self {
        Checker {
            roots,
            locals: Vec::new(),
            errors: Vec::new(),
            used: std::collections::BTreeSet::new(),
        }
    }

    fn error(&mut self, e: &IdedExpr, message: String, help: Option<String>) {
        self.errors.push(CheckError {
            expr_id: e.id,
            message,
            help,
        });
    }

    /// Whether `lit` is allowed where a value of type `ty` is compared.
    fn check_literal(&mut self, ty: &Ty, lit_expr: &IdedExpr, what: &str) {
        let (Ty::Enum(values), Some(lit)) = (ty, string_literal(lit_expr)) else {
            return;
        };
        if !values.iter().any(|v| v == lit) {
            let help = match suggest(lit, values.iter().map(String::as_str)) {
                Some(s) => format!("did you mean '{s}'? allowed: {}", values.join(", ")),
                None => format!("allowed: {}", values.join(", ")),
            };
            self.error(
                lit_expr,
                format!("'{lit}' is never a value of {what}, so this comparison is always false"),
                Some(help),
            );
        }
    }

    fn select(&mut self, e: &IdedExpr, s: &cel::common::ast::SelectExpr, t: Ty) -> Ty {
        let out = match &t {
            Ty::Object(fields) => match fields.get(&s.field) {
                Some(ft) => ft.clone(),
                None => {
                    let help = suggest(&s.field, fields.keys().map(String::as_str))
                        .map(|x| format!("did you mean `{x}`?"))
                        .unwrap_or_else(|| {
                            format!(
                                "fields: {}",
                                fields.keys().cloned().collect::<Vec<_>>().join(", ")
                            )
                        });
                    self.error(
                        e,
                        format!("`{}` has no field `{}`", path_text(&s.operand), s.field),
                        Some(help),
                    );
                    Ty::Any
                }
            },
            Ty::Any => Ty::Any,
            other => {
                self.error(
                    e,
                    format!(
                        "`{}` is {}, which has no field `{}`",
                        path_text(&s.operand),
                        other.describe(),
                        s.field
                    ),
                    None,
                );
                Ty::Any
            }
        };
        if s.test { Ty::Bool } else { out }
    }

    /// The root variable an identifier names, if it is not shadowed by a macro variable.
    fn root_var(&self, name: &str) -> bool {
        !self.locals.iter().any(|(n, _)| n == name) && self.roots.iter().any(|(n, _)| n == name)
    }

    /// The type of the variable `name` names: the innermost macro variable, else the root.
    fn lookup(&self, name: &str) -> Option<&Ty> {
        self.locals
            .iter()
            .rev()
            .chain(self.roots.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }

    pub fn infer(&mut self, e: &IdedExpr) -> Ty {
        if let Expr::Select(s) = &e.expr
            && let Expr::Ident(name) = &s.operand.expr
            && self.root_var(name)
        {
            self.used.insert((name.clone(), s.field.clone()));
            let t = self.lookup(name).cloned();
            return self.select(e, s, t.unwrap_or(Ty::Any));
        }
        match &e.expr {
            Expr::Ident(name) => {
                if self.root_var(name) {
                    self.used.insert((name.clone(), "*".into()));
                }
                if let Some(t) = self.lookup(name) {
                    return t.clone();
                }
                let names: Vec<&str> = self
                    .roots
                    .iter()
                    .chain(&self.locals)
                    .map(|(n, _)| n.as_str())
                    .collect();
                let help = suggest(name, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("variables: {}", names.join(", ")));
                self.error(e, format!("unknown variable `{name}`"), Some(help));
                Ty::Any
            }
            Expr::Select(s) => {
                let t = self.infer(&s.operand);
                self.select(e, s, t)
            }
            Expr::Call(c) => {
                let target = c.target.as_ref().map(|t| self.infer(t));
                let args: Vec<Ty> = c.args.iter().map(|a| self.infer(a)).collect();
                match c.func_name.as_str() {
                    "_==_" | "_!=_" if c.args.len() == 2 => {
                        let what0 = path_text(&c.args[0]);
                        let what1 = path_text(&c.args[1]);
                        self.check_literal(&args[0], &c.args[1], &what0);
                        self.check_literal(&args[1], &c.args[0], &what1);
                        Ty::Bool
                    }
                    "@in" if c.args.len() == 2 => {
                        let what = path_text(&c.args[0]);
                        if let Expr::List(l) = &c.args[1].expr {
                            for el in &l.elements {
                                self.check_literal(&args[0], el, &what);
                            }
                        }
                        if let Ty::List(inner) = &args[1] {
                            let what = path_text(&c.args[1]);
                            self.check_literal(inner, &c.args[0], &format!("the items of {what}"));
                        }
                        Ty::Bool
                    }
                    "_&&_" | "_||_" | "!_" | "_<_" | "_<=_" | "_>_" | "_>=_" | "contains"
                    | "startsWith" | "endsWith" | "matches" | "exists" | "all" | "exists_one" => {
                        Ty::Bool
                    }
                    "size" => Ty::Int,
                    "_[_]" => match args.first() {
                        Some(Ty::List(t)) => (**t).clone(),
                        _ => Ty::Any,
                    },
                    "_?_:_" => args.get(1).cloned().unwrap_or(Ty::Any),
                    _ => {
                        let _ = target;
                        Ty::Any
                    }
                }
            }
            Expr::Comprehension(c) => {
                let range = self.infer(&c.iter_range);
                let elem = match &range {
                    Ty::List(t) => (**t).clone(),
                    Ty::Object(_) => Ty::Str,
                    _ => Ty::Any,
                };
                self.infer(&c.accu_init);
                self.locals.push((c.iter_var.clone(), elem));
                if let Some(v2) = &c.iter_var2 {
                    self.locals.push((v2.clone(), Ty::Any));
                }
                self.locals.push((c.accu_var.clone(), Ty::Any));
                self.infer(&c.loop_cond);
                self.infer(&c.loop_step);
                let out = self.infer(&c.result);
                self.locals.pop();
                if c.iter_var2.is_some() {
                    self.locals.pop();
                }
                self.locals.pop();
                out
            }
            Expr::List(l) => {
                let tys: Vec<Ty> = l.elements.iter().map(|x| self.infer(x)).collect();
                Ty::List(std::sync::Arc::new(
                    tys.into_iter().next().unwrap_or(Ty::Any),
                ))
            }
            Expr::Literal(lit) => match lit {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Int(_) | LiteralValue::UInt(_) => Ty::Int,
                LiteralValue::Double(_) => Ty::Float,
                LiteralValue::String(_) => Ty::Str,
                _ => Ty::Any,
            },
            Expr::Map(_) | Expr::Struct(_) | Expr::Unspecified => Ty::Any,
        }
    }
}

/// Resolve a dotted path (as used in rationale templates) against the variable types.
pub fn path_type(vars: &[(String, Ty)], path: &str) -> Result<Ty, String> {
    let mut parts = path.split('.');
    let root = parts.next().unwrap_or("");
    let mut ty = vars
        .iter()
        .find(|(n, _)| n == root)
        .map(|(_, t)| t.clone())
        .ok_or_else(|| format!("unknown variable `{root}`"))?;
    for p in parts {
        ty = match ty {
            Ty::Object(fields) => fields
                .get(p)
                .cloned()
                .ok_or_else(|| format!("`{path}`: no field `{p}`"))?,
            Ty::Any => Ty::Any,
            other => return Err(format!("`{path}`: {} has no field `{p}`", other.describe())),
        };
    }
    Ok(ty)
}
