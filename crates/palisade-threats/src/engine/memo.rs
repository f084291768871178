//! Conditions evaluated at most once per element: rules, preconditions and factors share many
//! conditions, and a condition's value on an element never changes.

use super::render::View;
use crate::library::Condition;

/// The outcome of a condition: a boolean, or what else it gave (reported by the caller).
pub(super) enum Outcome<'m> {
    Bool(bool),
    Other(&'m cel::ResolveResult),
}

const UNKNOWN: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const OTHER: u8 = 3;

/// The outcomes so far on the current element, by condition id.
pub(super) struct Memo {
    state: Vec<u8>,
    /// Conditions that did not give a boolean, with what they gave.
    other: Vec<(usize, cel::ResolveResult)>,
}

impl Memo {
    pub(super) fn new(conditions: usize) -> Self {
        Memo {
            state: vec![UNKNOWN; conditions],
            other: Vec::new(),
        }
    }

    /// Forget the outcomes (a new element).
    pub(super) fn clear(&mut self) {
        self.state.fill(UNKNOWN);
        self.other.clear();
    }

    /// The outcome of `c` on the element whose variables are `view` (and `ctx` for `cel`).
    pub(super) fn run(&mut self, c: &Condition, view: &View, ctx: &cel::Context) -> Outcome<'_> {
        if self.state[c.id] == UNKNOWN {
            // The fast path answers only what `cel` would; `cel` decides the rest.
            if let Some(b) = c.fast.as_ref().and_then(|f| f.eval(view)) {
                self.state[c.id] = if b { TRUE } else { FALSE };
                return Outcome::Bool(b);
            }
            match c.execute(ctx) {
                Ok(cel::Value::Bool(b)) => self.state[c.id] = if b { TRUE } else { FALSE },
                other => {
                    self.state[c.id] = OTHER;
                    self.other.push((c.id, other));
                }
            }
        }
        match self.state[c.id] {
            TRUE => Outcome::Bool(true),
            FALSE => Outcome::Bool(false),
            _ => match self.other.iter().find(|(id, _)| *id == c.id) {
                Some((_, r)) => Outcome::Other(r),
                None => Outcome::Bool(false),
            },
        }
    }
}
