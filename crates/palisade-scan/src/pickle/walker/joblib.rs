//! joblib arrays: joblib writes each array's raw bytes inside the pickle stream, right after
//! the BUILD of its `NumpyArrayWrapper`. To walk past them the VM tracks the few values that size
//! them (small tuples, dicts and `numpy.dtype` results), only once a dtype or wrapper import
//! switched tracking on.

use super::{NO_CALLEE, R, Rule, Stop, V, Walker, walk_depth};

#[derive(Debug)]
pub(super) enum Tracked {
    Tuple(Vec<V>),
    Dict(Vec<(V, V)>),
    Dtype { itemsize: Option<u64>, object: bool },
}

impl Walker<'_> {
    pub(super) fn track(&mut self, t: Tracked) -> V {
        if self.tracked.len() >= self.limits.max_tracked {
            self.tracking = false;
            return V::Other;
        }
        self.tracked.push(t);
        V::Tracked(self.tracked.len() as u32 - 1)
    }

    pub(super) fn tracked_get(&self, v: V) -> Option<&Tracked> {
        match v {
            V::Tracked(i) => self.tracked.get(i as usize),
            _ => None,
        }
    }

    pub(super) fn dict_add(&mut self, d: V, items: &[V]) {
        if let V::Tracked(i) = d
            && let Some(Tracked::Dict(entries)) = self.tracked.get_mut(i as usize)
        {
            for pair in items.chunks_exact(2) {
                if entries.len() < 64 {
                    entries.push((pair[0], pair[1]));
                }
            }
        }
    }

    pub(super) fn reduce_result(&mut self, callee: u32, args: V) -> V {
        if self.tracking && callee != NO_CALLEE && Some(callee) == self.numpy_dtype {
            let descr = match self.tracked_get(args) {
                Some(Tracked::Tuple(items)) => items.first().and_then(|v| self.str_of(*v)),
                _ => None,
            };
            if let Some(d) = descr {
                let (itemsize, object) = dtype_itemsize(&d);
                return self.track(Tracked::Dtype { itemsize, object });
            }
        }
        V::Result(callee)
    }

    fn dict_lookup(&self, d: V, key: &str) -> Option<V> {
        match self.tracked_get(d)? {
            Tracked::Dict(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| self.str_of(*k).as_deref() == Some(key))
                .map(|(_, v)| *v),
            _ => None,
        }
    }

    /// joblib writes each array's raw bytes right after the BUILD of its NumpyArrayWrapper:
    /// size them from the wrapper state and skip them, or scan the inline pickle of an object
    /// array.
    pub(super) fn joblib_array(&mut self, state: V, at: usize) -> R<()> {
        let shape = self.dict_lookup(state, "shape");
        let dtype = self.dict_lookup(state, "dtype");
        let align = self.dict_lookup(state, "numpy_array_alignment_bytes");
        let dims: Option<Vec<u64>> = match shape.and_then(|s| self.tracked_get(s)) {
            Some(Tracked::Tuple(items)) => items
                .iter()
                .map(|v| match v {
                    V::Int(i) if *i >= 0 => Some(*i as u64),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        let dt = match dtype.and_then(|d| self.tracked_get(d)) {
            Some(Tracked::Dtype { itemsize, object }) => Some((*itemsize, *object)),
            _ => None,
        };
        let partial = |w: &mut Self, why: &str| -> R<()> {
            w.anomaly(
                Rule::JoblibPartial,
                at,
                format!(
                    "joblib array after this BUILD: {why}; the rest of the stream was not scanned"
                ),
                None,
            );
            w.out.partial = true;
            // An empty message ends the walk without an error.
            Err(Stop(w.off(at), String::new()))
        };
        let Some((itemsize, object)) = dt else {
            return partial(self, "dtype unknown");
        };
        if object {
            if self.depth >= 8 {
                self.out.limit_hit = true;
                return Err(Stop(self.off(at), "inline pickle nesting limit".into()));
            }
            let inner = walk_depth(
                self.data,
                self.pos,
                self.base,
                self.limits,
                self.depth + 1,
                self.release,
            );
            self.pos = inner.end;
            let failed = inner.error.clone();
            self.out.inline.push(inner);
            if let Some((o, m)) = failed {
                return Err(Stop(o, format!("in inline object-array pickle: {m}")));
            }
            return Ok(());
        }
        // Object arrays are pickled inline without padding; others are preceded by one
        // padding-length byte and the padding when the wrapper records an alignment.
        if let Some(V::Int(a)) = align
            && a > 0
        {
            let pad = self.take(1, at)?[0] as usize;
            self.take(pad, at)?;
        }
        let Some(dims) = dims else {
            return partial(self, "shape unknown");
        };
        let Some(itemsize) = itemsize else {
            return partial(self, "item size unknown");
        };
        let size = dims
            .iter()
            .try_fold(itemsize, |acc, d| acc.checked_mul(*d))
            .filter(|s| *s <= (self.data.len() - self.pos) as u64);
        match size {
            Some(s) => {
                self.pos += s as usize;
                self.out.skipped_bytes += s;
                Ok(())
            }
            None => Err(Stop(
                self.off(at),
                "joblib array data exceeds the remaining bytes".into(),
            )),
        }
    }
}

/// Element size of a NumPy dtype string such as `<f8`, `|u1`, `<U10`, `|O`.
fn dtype_itemsize(descr: &str) -> (Option<u64>, bool) {
    let d = descr.trim_start_matches(['<', '>', '|', '=']);
    let mut chars = d.chars();
    let Some(kind) = chars.next() else {
        return (None, false);
    };
    if kind == 'O' {
        return (Some(8), true);
    }
    let n: Option<u64> = chars.as_str().parse().ok();
    let size = match kind {
        'U' => n.map(|n| n * 4),
        'b' | '?' if n.is_none() => Some(1),
        'f' | 'i' | 'u' | 'c' | 'b' | 'S' | 'V' | 'M' | 'm' | 'a' => n,
        _ => None,
    };
    (size, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtype_sizes() {
        assert_eq!(dtype_itemsize("<f8"), (Some(8), false));
        assert_eq!(dtype_itemsize("f4"), (Some(4), false));
        assert_eq!(dtype_itemsize("<U3"), (Some(12), false));
        assert_eq!(dtype_itemsize("|O"), (Some(8), true));
        assert_eq!(dtype_itemsize("O8"), (Some(8), true));
        assert_eq!(dtype_itemsize("zz"), (None, false));
    }
}
