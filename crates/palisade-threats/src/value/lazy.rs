//! Views converted one field at a time. Most conditions read a few fields of an element, so a
//! view converts a field (to CEL for conditions, to JSON for rationales) when it is first read,
//! and the whole value only when a condition uses the variable whole.

use super::{Fields, Val, Wanted, json_val, json_view, json_view_field, view, view_field};
use serde::Serialize;
use std::sync::OnceLock;

/// A variable of an evaluation, lent to conditions and rationale templates.
pub(crate) trait Var: Sync {
    /// The whole view.
    fn whole(&self) -> &dyn cel::common::value::Val;
    /// One top-level field of the view; `None` also when the caller should look it up in the
    /// whole view (which then gives the same answer, or the same error).
    fn field(&self, name: &str) -> Option<&dyn cel::common::value::Val>;
    /// The whole view as JSON.
    fn json(&self) -> &serde_json::Value;
    /// One top-level field of the JSON view (`None`: the view has no such field).
    fn json_field(&self, name: &str) -> Option<&serde_json::Value>;
}

/// A view made once, for variables every element shares (`system`, `model`).
pub(crate) struct Fixed {
    pub(crate) cel: Val,
    pub(crate) json: serde_json::Value,
}

impl Var for Fixed {
    fn whole(&self) -> &dyn cel::common::value::Val {
        &*self.cel
    }
    fn field(&self, _: &str) -> Option<&dyn cel::common::value::Val> {
        None
    }
    fn json(&self) -> &serde_json::Value {
        &self.json
    }
    fn json_field(&self, name: &str) -> Option<&serde_json::Value> {
        self.json.get(name)
    }
}

/// The view of a model element (`fields`: its declared fields, completed when absent) or of
/// its facts (`fields: None`), converted as it is read.
pub(crate) struct Lazy<'a, T: ?Sized> {
    value: &'a T,
    fields: Option<&'a Fields>,
    wanted: &'a Wanted,
    whole: OnceLock<Val>,
    whole_json: OnceLock<serde_json::Value>,
    /// One per wanted name, in the order of `Wanted::names`.
    cel: Box<[OnceLock<Option<Val>>]>,
    json: Box<[OnceLock<Option<serde_json::Value>>]>,
}

impl<'a, T: Serialize + Sync + ?Sized> Lazy<'a, T> {
    pub(crate) fn new(value: &'a T, fields: Option<&'a Fields>, wanted: &'a Wanted) -> Self {
        let n = if wanted.all { 0 } else { wanted.names.len() };
        Lazy {
            value,
            fields,
            wanted,
            whole: OnceLock::new(),
            whole_json: OnceLock::new(),
            cel: (0..n).map(|_| OnceLock::new()).collect(),
            json: (0..n).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The slot of a wanted field (none when every field is wanted: those use the whole view).
    fn slot(&self, name: &str) -> Option<usize> {
        if self.wanted.all {
            return None;
        }
        self.wanted
            .names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()
    }
}

impl<T: Serialize + Sync + ?Sized> Var for Lazy<'_, T> {
    fn whole(&self) -> &dyn cel::common::value::Val {
        &**self.whole.get_or_init(|| {
            view(self.value, self.fields, self.wanted).unwrap_or_else(|_| json_val(self.json()))
        })
    }

    fn field(&self, name: &str) -> Option<&dyn cel::common::value::Val> {
        let i = self.slot(name)?;
        self.cel[i]
            .get_or_init(|| view_field(self.value, self.fields, name).ok().flatten())
            .as_deref()
    }

    fn json(&self) -> &serde_json::Value {
        self.whole_json.get_or_init(|| {
            json_view(self.value, self.fields, self.wanted)
                .unwrap_or_else(|_| super::json_fallback(self.value, self.fields, self.wanted))
        })
    }

    fn json_field(&self, name: &str) -> Option<&serde_json::Value> {
        if self.wanted.all {
            return self.json().get(name);
        }
        let i = self.slot(name)?;
        self.json[i]
            .get_or_init(|| match json_view_field(self.value, self.fields, name) {
                Ok(v) => v,
                Err(_) => self.json().get(name).cloned(),
            })
            .as_ref()
    }
}
