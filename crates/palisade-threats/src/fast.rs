//! A fast path for the simple conditions rules use: a condition whose every node is in a small
//! subset of CEL (member access, literals, comparisons, `&&` `||` `!`, `in`, `size`, `has`,
//! `exists`, `all`, the ternary) is translated once, at load, into a tree of our own, and run
//! straight over the element's views, with no name resolution and no values built.
//!
//! The tree only ever answers what `cel` would: it compares, orders and looks up values with the
//! same `cel` methods the interpreter calls. Wherever `cel` would fail (an absent field, operands
//! of the wrong types) or where a case is not covered, it answers "unknown" and the caller lets
//! `cel` evaluate the condition, so results and error messages stay `cel`'s.

use crate::value::Val as OwnedVal;
use crate::value::lazy::Var;
use cel::common::ast::{ComprehensionExpr, Expr, IdedExpr, LiteralValue, operators as op};
use cel::common::types::{CelBool, CelInt, CelList, CelMap, CelString};
use cel::common::value::{CowVal, Val};
use std::cmp::Ordering;

/// The variables of a component rule, in the order the engine lends them.
pub(crate) const COMPONENT_VARS: [&str; 4] = ["component", "facts", "system", "model"];
/// The variables of a flow rule, in the order the engine lends them.
pub(crate) const FLOW_VARS: [&str; 8] = [
    "flow",
    "facts",
    "from",
    "to",
    "from_facts",
    "to_facts",
    "system",
    "model",
];

/// A condition in the supported subset.
#[derive(Debug)]
pub(crate) enum Fast {
    /// A literal, or a list of literals, as `cel` builds it.
    Lit(OwnedVal),
    /// A root variable, whole.
    Var(usize),
    /// A top-level field of a root variable (`component.kind`), as the resolver lends it.
    Field(usize, CelString<'static>),
    /// A comprehension variable, by depth (0: the outermost).
    Local(usize),
    Select(Box<Fast>, CelString<'static>),
    /// `has(x.f)`.
    Has(Box<Fast>, CelString<'static>),
    Not(Box<Fast>),
    And(Box<Fast>, Box<Fast>),
    Or(Box<Fast>, Box<Fast>),
    Cond(Box<[Fast; 3]>),
    Eq(Box<Fast>, Box<Fast>),
    Ne(Box<Fast>, Box<Fast>),
    /// An ordering: holds when the ordering of left to right is one of the two given.
    Cmp(Box<Fast>, Box<Fast>, [Ordering; 2]),
    In(Box<Fast>, Box<Fast>),
    Size(Box<Fast>),
    /// `range.exists(v, body)` (`all: false`) or `range.all(v, body)` (`all: true`).
    Loop {
        range: Box<Fast>,
        body: Box<Fast>,
        all: bool,
    },
}

/// Translation: the tree of a condition, or `None` when any node is outside the subset.
struct Translate<'r> {
    roots: &'r [&'r str],
    locals: Vec<String>,
}

/// The fast tree of a checked condition over the variables `roots` (`None`: `cel` only).
pub(crate) fn translate(expr: &IdedExpr, roots: &[&str]) -> Option<Fast> {
    Translate {
        roots,
        locals: Vec::new(),
    }
    .expr(expr)
}

fn boxed(f: Fast) -> Box<Fast> {
    Box::new(f)
}

fn literal(l: &LiteralValue) -> Option<OwnedVal> {
    match l {
        LiteralValue::Bytes(_) => None,
        other => Some(other.to_val().into_owned()),
    }
}

fn is_ident(e: &IdedExpr, name: &str) -> bool {
    matches!(&e.expr, Expr::Ident(n) if n == name)
}

/// The call `func(args…)` with no target.
fn call<'e>(e: &'e IdedExpr, func: &str, n: usize) -> Option<&'e [IdedExpr]> {
    match &e.expr {
        Expr::Call(c) if c.func_name == func && c.target.is_none() && c.args.len() == n => {
            Some(&c.args)
        }
        _ => None,
    }
}

impl Translate<'_> {
    fn expr(&mut self, e: &IdedExpr) -> Option<Fast> {
        match &e.expr {
            Expr::Literal(l) => literal(l).map(Fast::Lit),
            Expr::List(list) => {
                if !list.optional_indices.is_empty() {
                    return None;
                }
                let items = list
                    .elements
                    .iter()
                    .map(|x| match &x.expr {
                        Expr::Literal(l) => literal(l),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(Fast::Lit(Box::new(CelList::from(items))))
            }
            Expr::Ident(name) => {
                if let Some(depth) = self.locals.iter().rposition(|l| l == name) {
                    return Some(Fast::Local(depth));
                }
                self.roots.iter().position(|r| r == name).map(Fast::Var)
            }
            Expr::Select(s) => {
                let operand = self.expr(&s.operand)?;
                let field = CelString::from(s.field.clone());
                Some(match (operand, s.test) {
                    (operand, true) => Fast::Has(boxed(operand), field),
                    (Fast::Var(i), false) => Fast::Field(i, field),
                    (operand, false) => Fast::Select(boxed(operand), field),
                })
            }
            Expr::Call(c) => self.call(c),
            Expr::Comprehension(c) => self.comprehension(c),
            Expr::Map(_) | Expr::Struct(_) | Expr::Unspecified => None,
        }
    }

    fn call(&mut self, c: &cel::common::ast::CallExpr) -> Option<Fast> {
        if let Some(target) = &c.target {
            // `x.size()` only.
            return (c.func_name == "size" && c.args.is_empty())
                .then(|| self.expr(target))
                .flatten()
                .map(|x| Fast::Size(boxed(x)));
        }
        let mut args = c
            .args
            .iter()
            .map(|a| self.expr(a).map(boxed))
            .collect::<Option<Vec<_>>>()?
            .into_iter();
        let mut next = || args.next();
        let pair = |next: &mut dyn FnMut() -> Option<Box<Fast>>| Some((next()?, next()?));
        let n = c.args.len();
        Some(match (c.func_name.as_str(), n) {
            (op::LOGICAL_NOT, 1) => Fast::Not(next()?),
            ("size", 1) => Fast::Size(next()?),
            (op::CONDITIONAL, 3) => Fast::Cond(Box::new([*next()?, *next()?, *next()?])),
            (op::LOGICAL_AND, 2) => pair(&mut next).map(|(a, b)| Fast::And(a, b))?,
            (op::LOGICAL_OR, 2) => pair(&mut next).map(|(a, b)| Fast::Or(a, b))?,
            (op::EQUALS, 2) => pair(&mut next).map(|(a, b)| Fast::Eq(a, b))?,
            (op::NOT_EQUALS, 2) => pair(&mut next).map(|(a, b)| Fast::Ne(a, b))?,
            (op::IN, 2) => pair(&mut next).map(|(a, b)| Fast::In(a, b))?,
            (op::LESS, 2) => cmp(pair(&mut next)?, [Ordering::Less; 2]),
            (op::LESS_EQUALS, 2) => cmp(pair(&mut next)?, [Ordering::Less, Ordering::Equal]),
            (op::GREATER, 2) => cmp(pair(&mut next)?, [Ordering::Greater; 2]),
            (op::GREATER_EQUALS, 2) => cmp(pair(&mut next)?, [Ordering::Greater, Ordering::Equal]),
            _ => return None,
        })
    }

    /// `exists` and `all`, recognised by the exact shape their macros expand to.
    fn comprehension(&mut self, c: &ComprehensionExpr) -> Option<Fast> {
        let accu = c.accu_var.as_str();
        if c.iter_var2.is_some() || !is_ident(&c.result, accu) || accu != "@result" {
            return None;
        }
        // A macro variable that hides a rule's variable: rare, and left to `cel`.
        if self.roots.contains(&c.iter_var.as_str()) || c.iter_var == accu {
            return None;
        }
        let init = match &c.accu_init.expr {
            Expr::Literal(LiteralValue::Boolean(b)) => *b.inner(),
            _ => return None,
        };
        let (fold, cond_ok) = if init {
            // all: `@not_strictly_false(@result)`, `@result && body`
            let cond = call(&c.loop_cond, op::NOT_STRICTLY_FALSE, 1)?;
            (op::LOGICAL_AND, is_ident(&cond[0], accu))
        } else {
            // exists: `@not_strictly_false(!@result)`, `@result || body`
            let cond = call(&c.loop_cond, op::NOT_STRICTLY_FALSE, 1)?;
            let not = call(&cond[0], op::LOGICAL_NOT, 1)?;
            (op::LOGICAL_OR, is_ident(&not[0], accu))
        };
        let step = call(&c.loop_step, fold, 2)?;
        if !cond_ok || !is_ident(&step[0], accu) {
            return None;
        }
        let range = self.expr(&c.iter_range)?;
        self.locals.push(c.iter_var.clone());
        let body = self.expr(&step[1]);
        self.locals.pop();
        Some(Fast::Loop {
            range: boxed(range),
            body: boxed(body?),
            all: init,
        })
    }
}

fn cmp((a, b): (Box<Fast>, Box<Fast>), when: [Ordering; 2]) -> Fast {
    Fast::Cmp(a, b, when)
}

/// A value during evaluation: borrowed from the views or the tree, or made by an operator.
#[derive(Clone, Copy)]
enum V<'a> {
    Bool(bool),
    Int(i64),
    Ref(&'a dyn Val),
}

impl V<'_> {
    /// The value as `cel` would see it (booleans and sizes made on the stack).
    fn with<R>(self, f: impl FnOnce(&dyn Val) -> R) -> R {
        match self {
            V::Bool(b) => f(&CelBool::from(b)),
            V::Int(i) => f(&CelInt::from(i)),
            V::Ref(v) => f(v),
        }
    }

    /// The boolean, when the value is one.
    fn bool(self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(b),
            V::Int(_) => None,
            V::Ref(v) => v.downcast_ref::<CelBool>().map(|b| *b.inner()),
        }
    }
}

/// Evaluation state: the element's variables and the comprehension variables in scope.
struct Cx<'a> {
    vars: &'a [(&'a str, &'a dyn Var)],
    locals: Vec<&'a dyn Val>,
}

/// The field `key` of a map, as `cel` selects it (`None`: `cel` errs or the value is not a map).
fn field<'a>(v: &'a dyn Val, key: &CelString<'static>) -> Option<&'a dyn Val> {
    let map = v.downcast_ref::<CelMap>()?;
    match map.as_indexer()?.get(key) {
        Ok(CowVal::Borrowed(x)) => Some(x),
        _ => None,
    }
}

impl Fast {
    /// The condition's value on an element, when `cel` would give this boolean; `None` when
    /// `cel` must decide (it would fail, give a non-boolean, or the case is not covered).
    pub(crate) fn eval(&self, vars: &[(&str, &dyn Var)]) -> Option<bool> {
        let mut cx = Cx {
            vars,
            locals: Vec::new(),
        };
        self.run(&mut cx)?.bool()
    }

    fn run<'a>(&'a self, cx: &mut Cx<'a>) -> Option<V<'a>> {
        Some(match self {
            Fast::Lit(v) => V::Ref(&**v),
            Fast::Var(i) => V::Ref(cx.vars.get(*i)?.1.whole()),
            Fast::Field(i, name) => {
                let var = cx.vars.get(*i)?.1;
                match var.field(name.inner()) {
                    Some(v) => V::Ref(v),
                    None => V::Ref(field(var.whole(), name)?),
                }
            }
            Fast::Local(d) => V::Ref(*cx.locals.get(*d)?),
            Fast::Select(x, name) => match x.run(cx)? {
                V::Ref(v) => V::Ref(field(v, name)?),
                _ => return None,
            },
            Fast::Has(x, name) => match x.run(cx)? {
                V::Ref(v) => {
                    let map = v.downcast_ref::<CelMap>()?;
                    match map.as_indexer()?.get(name) {
                        Ok(_) => V::Bool(true),
                        Err(cel::ExecutionError::NoSuchKey(_)) => V::Bool(false),
                        Err(_) => return None,
                    }
                }
                _ => return None,
            },
            Fast::Not(x) => V::Bool(!x.run(cx)?.bool()?),
            Fast::And(a, b) => {
                // As `cel`: false on the left decides; else the right decides when it is
                // false, or when the left is true and the right a boolean. Anything else is
                // an error in `cel`.
                let left = a.run(cx).and_then(V::bool);
                if left == Some(false) {
                    return Some(V::Bool(false));
                }
                match (left, b.run(cx)?.bool()?) {
                    (_, false) => V::Bool(false),
                    (Some(true), true) => V::Bool(true),
                    _ => return None,
                }
            }
            Fast::Or(a, b) => {
                let left = a.run(cx).and_then(V::bool);
                if left == Some(true) {
                    return Some(V::Bool(true));
                }
                match (left, b.run(cx)?.bool()?) {
                    (_, true) => V::Bool(true),
                    (Some(false), false) => V::Bool(false),
                    _ => return None,
                }
            }
            Fast::Cond(x) => {
                let [c, t, f] = &**x;
                if c.run(cx)?.bool()? {
                    t.run(cx)?
                } else {
                    f.run(cx)?
                }
            }
            Fast::Eq(a, b) => {
                let (a, b) = (a.run(cx)?, b.run(cx)?);
                V::Bool(a.with(|a| b.with(|b| a.equals(b))))
            }
            Fast::Ne(a, b) => {
                let (a, b) = (a.run(cx)?, b.run(cx)?);
                V::Bool(!a.with(|a| b.with(|b| a.equals(b))))
            }
            Fast::Cmp(a, b, when) => {
                let (a, b) = (a.run(cx)?, b.run(cx)?);
                let o = a.with(|a| b.with(|b| a.as_comparer().map(|c| c.compare(b))))?;
                V::Bool(when.contains(&o.ok()?))
            }
            Fast::In(a, b) => {
                let (a, b) = (a.run(cx)?, b.run(cx)?);
                let found = b.with(|b| a.with(|a| b.as_container().map(|c| c.contains(a))))?;
                V::Bool(found.ok()?)
            }
            Fast::Size(x) => match x.run(cx)? {
                V::Ref(v) => {
                    let n = if let Some(l) = v.downcast_ref::<CelList>() {
                        l.inner().len()
                    } else {
                        v.downcast_ref::<CelMap>()?.inner().len()
                    };
                    V::Int(i64::try_from(n).ok()?)
                }
                _ => return None,
            },
            Fast::Loop { range, body, all } => {
                let V::Ref(range) = range.run(cx)? else {
                    return None;
                };
                let items = range.downcast_ref::<CelList>()?.inner();
                // Without errors `cel` stops at the first element that decides; an element
                // that fails or gives a non-boolean makes `cel` decide.
                let mut out = *all;
                for item in items {
                    cx.locals.push(&**item);
                    let b = body.run(cx).and_then(V::bool);
                    cx.locals.pop();
                    match b {
                        Some(b) if b == *all => {}
                        Some(_) => {
                            out = !*all;
                            break;
                        }
                        None => return None,
                    }
                }
                V::Bool(out)
            }
        })
    }
}

#[cfg(test)]
mod tests;
