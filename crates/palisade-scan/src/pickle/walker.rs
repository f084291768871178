//! A symbolic pickle VM: walks the opcode stream of one pickle with a stack, a mark stack and a
//! memo exactly as CPython's unpickler would, but never imports or calls anything. It records
//! every import site, every call site and every structural anomaly with its byte offset.

mod joblib;
mod memo;

use super::strings::{StrEnc, decode_str};
use crate::rules::Rule;
use joblib::Tracked;
use memo::{pack, unpack};
use std::collections::HashMap;

/// Limits for one pickle walk. Reaching one yields an inconclusive result, never a verdict.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    /// Maximum symbolic stack depth (values).
    pub max_stack: usize,
    /// Maximum memo entries.
    pub max_memo: usize,
    /// Maximum tracked joblib structures.
    pub max_tracked: usize,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            max_stack: 1 << 20,
            max_memo: 1 << 21,
            max_tracked: 100_000,
        }
    }
}

/// How a global was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// GLOBAL opcode.
    Global,
    /// STACK_GLOBAL with string operands.
    StackGlobal,
    /// INST opcode (import and call).
    Inst,
    /// EXT1/2/4 (copyreg extension registry) or STACK_GLOBAL with non-string operands.
    Dynamic,
}

/// One distinct imported global.
#[derive(Debug, Clone)]
pub struct Import {
    /// Module path.
    pub module: String,
    /// Attribute name (may be dotted).
    pub name: String,
    /// First import site.
    pub kind: ImportKind,
    /// Offset of the first import site.
    pub offset: u64,
    /// Number of import sites.
    pub count: u64,
    /// Number of call sites whose callee is this import.
    pub calls: u64,
    /// First call site: offset and opcode name.
    pub first_call: Option<(u64, &'static str)>,
}

/// A structural anomaly with its offset.
#[derive(Debug, Clone)]
pub struct Anomaly {
    /// The rule it falls under.
    pub rule: Rule,
    /// Byte offset of the opcode.
    pub offset: u64,
    /// Details.
    pub message: String,
    /// Related global, if any.
    pub global: Option<String>,
}

/// A literal whose content looks like a nested pickle, archive or compressed stream.
#[derive(Debug, Clone)]
pub struct Nested {
    /// Offset of the literal's first content byte.
    pub offset: u64,
    /// Content range inside the walked buffer.
    pub start: usize,
    /// Content length.
    pub len: usize,
    /// Whether the content is text that must be re-encoded as latin-1 to get the bytes.
    pub latin1_text: bool,
}

/// Everything learnt from one pickle.
#[derive(Debug, Default)]
pub struct Walk {
    /// Distinct imports in first-seen order.
    pub imports: Vec<Import>,
    /// Anomalies (deduplicated per rule after the first 16 of each).
    pub anomalies: Vec<Anomaly>,
    /// Nested payload candidates.
    pub nested: Vec<Nested>,
    /// Offset just past STOP, or where the walk stopped.
    pub end: usize,
    /// Whether STOP was reached.
    pub stopped: bool,
    /// Parse error (offset, message); the walk stops there.
    pub error: Option<(u64, String)>,
    /// Whether a limit was reached (inconclusive).
    pub limit_hit: bool,
    /// Highest PROTO seen.
    pub protocol: Option<u8>,
    /// Opcodes executed.
    pub opcodes: u64,
    /// Persistent-ID loads (torch storages).
    pub persistent_ids: u64,
    /// Pickles embedded inline (joblib object arrays), walked separately.
    pub inline: Vec<Walk>,
    /// Bytes not inspected: literal payloads and joblib raw array data.
    pub skipped_bytes: u64,
    /// Whether the walk ended early because content could not be sized (joblib).
    pub partial: bool,
}

pub(super) const NO_CALLEE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
pub(super) enum V {
    Str { off: usize, len: u32, enc: StrEnc },
    Bytes,
    Import(u32),
    Result(u32),
    Int(i64),
    Tracked(u32),
    Other,
    Unknown,
    Empty,
}

pub(super) struct Walker<'a> {
    data: &'a [u8],
    base: u64,
    pos: usize,
    stack: Vec<V>,
    marks: Vec<usize>,
    /// Dense memo of packed values (see [`pack`]); 0 marks a key never stored.
    memo: Vec<u64>,
    memo_sparse: HashMap<u64, V>,
    memo_len: usize,
    imports: Vec<Import>,
    import_ix: HashMap<(String, String), u32>,
    global_ix: HashMap<&'a [u8], u32>,
    out: Walk,
    limits: WalkLimits,
    anomaly_counts: HashMap<Rule, u32>,
    tracking: bool,
    tracked: Vec<Tracked>,
    joblib_wrapper: Option<u32>,
    numpy_dtype: Option<u32>,
    depth: u32,
    release: Option<&'a dyn Fn(usize)>,
    next_release: usize,
}

/// Every this many bytes the caller may drop pages already walked (bounded RSS on huge maps).
const RELEASE_EVERY: usize = 32 << 20;

pub(super) struct Stop(u64, String);

pub(super) type R<T> = Result<T, Stop>;

/// Walks one pickle starting at `start` in `data`. `base` is added to every reported offset.
pub fn walk(data: &[u8], start: usize, base: u64, limits: WalkLimits) -> Walk {
    walk_depth(data, start, base, limits, 0, None)
}

/// [`walk`], calling `release(offset)` as the walk passes every 32 MiB so the caller can drop
/// the pages before `offset`.
pub fn walk_releasing(
    data: &[u8],
    start: usize,
    limits: WalkLimits,
    release: &dyn Fn(usize),
) -> Walk {
    walk_depth(data, start, 0, limits, 0, Some(release))
}

fn walk_depth<'a>(
    data: &'a [u8],
    start: usize,
    base: u64,
    limits: WalkLimits,
    depth: u32,
    release: Option<&'a dyn Fn(usize)>,
) -> Walk {
    let mut w = Walker {
        data,
        base,
        pos: start,
        stack: Vec::with_capacity(64),
        marks: Vec::new(),
        memo: Vec::new(),
        memo_sparse: HashMap::new(),
        memo_len: 0,
        imports: Vec::new(),
        import_ix: HashMap::new(),
        global_ix: HashMap::new(),
        out: Walk::default(),
        limits,
        anomaly_counts: HashMap::new(),
        tracking: false,
        tracked: Vec::new(),
        joblib_wrapper: None,
        numpy_dtype: None,
        depth,
        release,
        next_release: start + RELEASE_EVERY,
    };
    match w.run() {
        Ok(()) => {}
        Err(Stop(_, msg)) if msg.is_empty() => {}
        Err(Stop(off, msg)) => w.out.error = Some((off, msg)),
    }
    w.out.end = w.pos;
    w.out.imports = std::mem::take(&mut w.imports);
    w.out
}

fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(a)
}

impl<'a> Walker<'a> {
    #[inline]
    fn off(&self, pos: usize) -> u64 {
        self.base + pos as u64
    }

    #[inline]
    fn take(&mut self, n: usize, at: usize) -> R<&'a [u8]> {
        let data = self.data;
        match self.pos.checked_add(n) {
            Some(end) if end <= data.len() => {
                let s = &data[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            _ => Err(Stop(
                self.off(at),
                format!(
                    "truncated: opcode needs {n} bytes, {} remain",
                    data.len() - self.pos.min(data.len())
                ),
            )),
        }
    }

    #[inline]
    fn take_len(&mut self, width: usize, at: usize) -> R<usize> {
        let b = self.take(width, at)?;
        let n = le_u64(b);
        let remain = (self.data.len() - self.pos) as u64;
        if n > remain {
            return Err(Stop(
                self.off(at),
                format!("length field {n} exceeds the {remain} bytes that remain"),
            ));
        }
        Ok(n as usize)
    }

    fn line(&mut self, at: usize) -> R<&'a [u8]> {
        let data = self.data;
        match data[self.pos..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let s = &data[self.pos..self.pos + i];
                self.pos += i + 1;
                Ok(s)
            }
            None => Err(Stop(self.off(at), "truncated: line without newline".into())),
        }
    }

    #[inline]
    fn push(&mut self, v: V, at: usize) -> R<()> {
        if self.stack.len() >= self.limits.max_stack {
            self.out.limit_hit = true;
            return Err(Stop(self.off(at), "stack limit reached".into()));
        }
        self.stack.push(v);
        Ok(())
    }

    #[inline]
    fn frame_base(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    #[inline]
    fn pop(&mut self, at: usize) -> R<V> {
        if self.stack.len() > self.frame_base() {
            Ok(self.stack.pop().unwrap_or(V::Other))
        } else {
            Err(Stop(self.off(at), "stack underflow".into()))
        }
    }

    #[inline]
    fn top(&self, at: usize) -> R<V> {
        if self.stack.len() > self.frame_base() {
            Ok(*self.stack.last().unwrap_or(&V::Other))
        } else {
            Err(Stop(self.off(at), "stack underflow".into()))
        }
    }

    /// Pops everything above the last mark and the mark itself; returns the start index of
    /// the popped items (which stay in `stack` beyond `len` until truncated by the caller).
    fn pop_mark(&mut self, at: usize) -> R<usize> {
        match self.marks.pop() {
            Some(m) => Ok(m),
            None => Err(Stop(self.off(at), "mark stack underflow".into())),
        }
    }

    fn anomaly(&mut self, rule: Rule, at: usize, message: String, global: Option<String>) {
        let n = self.anomaly_counts.entry(rule).or_insert(0);
        *n += 1;
        if *n <= 16 {
            let offset = self.off(at);
            self.out.anomalies.push(Anomaly {
                rule,
                offset,
                message,
                global,
            });
        }
    }

    fn memo_get(&mut self, key: u64, at: usize) -> R<()> {
        let v = if (key as usize) < self.memo.len() {
            unpack(self.memo[key as usize])
        } else {
            self.memo_sparse.get(&key).copied().unwrap_or(V::Empty)
        };
        let v = if let V::Empty = v {
            self.anomaly(
                Rule::MissingMemo,
                at,
                format!("memo GET of key {key}, which was never stored"),
                None,
            );
            V::Unknown
        } else {
            v
        };
        self.push(v, at)
    }

    fn memo_put(&mut self, key: u64, at: usize) -> R<()> {
        let v = self.top(at)?;
        let k = key as usize;
        let fresh = if k < self.memo.len() {
            let fresh = self.memo[k] == 0;
            self.memo[k] = pack(v);
            fresh
        } else if key <= (self.memo.len() as u64) * 2 + 1024 {
            self.memo.resize(k + 1, 0);
            self.memo[k] = pack(v);
            true
        } else {
            self.memo_sparse.insert(key, v).is_none()
        };
        if fresh {
            self.memo_len += 1;
            if self.memo_len > self.limits.max_memo {
                self.out.limit_hit = true;
                return Err(Stop(self.off(at), "memo limit reached".into()));
            }
        }
        Ok(())
    }

    fn add_import(&mut self, module: String, name: String, kind: ImportKind, at: usize) -> u32 {
        let key = (module, name);
        if let Some(&ix) = self.import_ix.get(&key) {
            self.imports[ix as usize].count += 1;
            return ix;
        }
        let ix = self.imports.len() as u32;
        if key.0 == "joblib.numpy_pickle" && key.1 == "NumpyArrayWrapper" {
            self.joblib_wrapper = Some(ix);
            self.tracking = true;
        }
        if key.1 == "dtype" && key.0.starts_with("numpy") {
            // A dtype built before the first wrapper may be reused (memo GET) by a later one.
            self.numpy_dtype = Some(ix);
            self.tracking = true;
        }
        self.imports.push(Import {
            module: key.0.clone(),
            name: key.1.clone(),
            kind,
            offset: self.off(at),
            count: 1,
            calls: 0,
            first_call: None,
        });
        self.import_ix.insert(key, ix);
        ix
    }

    fn call(&mut self, callee: V, op: &'static str, at: usize) -> u32 {
        match callee {
            V::Import(ix) => {
                let off = self.off(at);
                let imp = &mut self.imports[ix as usize];
                imp.calls += 1;
                if imp.first_call.is_none() {
                    imp.first_call = Some((off, op));
                }
                ix
            }
            V::Result(ix) if ix != NO_CALLEE => {
                // Calling a call result (e.g. getattr(...)(...)): attribute it to the callee.
                let off = self.off(at);
                let imp = &mut self.imports[ix as usize];
                imp.calls += 1;
                if imp.first_call.is_none() {
                    imp.first_call = Some((off, op));
                }
                NO_CALLEE
            }
            _ => NO_CALLEE,
        }
    }

    fn str_of(&self, v: V) -> Option<String> {
        match v {
            V::Str { off, len, enc } => Some(decode_str(&self.data[off..off + len as usize], enc)),
            _ => None,
        }
    }

    fn push_str(&mut self, off: usize, len: usize, enc: StrEnc, at: usize) -> R<()> {
        if enc == StrEnc::Utf8 && len >= 6 {
            // Protocol-2 pickles carry bytes as latin-1 text (`_codecs.encode`): U+0080 then
            // U+0002..U+0005 is a nested pickle's PROTO opcode.
            let d = &self.data[off..off + len];
            if d[0] == 0xc2 && d[1] == 0x80 && (2..=5).contains(&d[2]) {
                self.out.nested.push(Nested {
                    offset: self.off(off),
                    start: off,
                    len,
                    latin1_text: true,
                });
            }
        }
        match u32::try_from(len) {
            Ok(len) => self.push(V::Str { off, len, enc }, at),
            // Longer than any module or attribute name: never an import operand.
            Err(_) => self.push(V::Other, at),
        }
    }

    fn push_bytes(&mut self, off: usize, len: usize, at: usize) -> R<()> {
        if len >= 4 && crate::detect::looks_nested(&self.data[off..off + len]) {
            self.out.nested.push(Nested {
                offset: self.off(off),
                start: off,
                len,
                latin1_text: false,
            });
        } else {
            self.out.skipped_bytes += len as u64;
        }
        self.push(V::Bytes, at)
    }

    fn run(&mut self) -> R<()> {
        let data = self.data;
        while self.pos < data.len() {
            let at = self.pos;
            let op = data[at];
            self.pos += 1;
            if at >= self.next_release {
                self.next_release = at + RELEASE_EVERY;
                if let Some(r) = self.release {
                    r(at);
                }
            }
            self.out.opcodes += 1;
            match op {
                b'(' => {
                    if self.marks.len() >= self.limits.max_stack {
                        self.out.limit_hit = true;
                        return Err(Stop(self.off(at), "mark stack limit reached".into()));
                    }
                    self.marks.push(self.stack.len())
                }
                b'.' => {
                    self.out.stopped = true;
                    return Ok(());
                }
                b'0' => {
                    if self.stack.len() > self.frame_base() {
                        self.stack.pop();
                    } else {
                        self.pop_mark(at)?;
                    }
                }
                b'2' => {
                    let v = self.top(at)?;
                    self.push(v, at)?
                }
                b'F' | b'L' => {
                    self.line(at)?;
                    self.push(V::Other, at)?
                }
                b'I' => {
                    let l = self.line(at)?;
                    let v = std::str::from_utf8(l)
                        .ok()
                        .and_then(|s| s.trim().parse::<i64>().ok())
                        .map_or(V::Other, V::Int);
                    self.push(v, at)?
                }
                b'N' | b')' | b']' | b'}' | 0x8f | 0x88 | 0x89 => {
                    let v = if op == b'}' && self.tracking {
                        self.track(Tracked::Dict(Vec::new()))
                    } else {
                        V::Other
                    };
                    self.push(v, at)?
                }
                b'P' => {
                    self.line(at)?;
                    self.out.persistent_ids += 1;
                    self.push(V::Other, at)?
                }
                b'Q' => {
                    self.pop(at)?;
                    self.out.persistent_ids += 1;
                    self.push(V::Other, at)?
                }
                b'R' => {
                    let args = self.pop(at)?;
                    let f = self.pop(at)?;
                    let callee = self.call(f, "REDUCE", at);
                    let v = self.reduce_result(callee, args);
                    self.push(v, at)?
                }
                b'S' => {
                    let l = self.line(at)?;
                    let off = at + 1;
                    let q = l.first().copied();
                    if l.len() < 2 || !matches!(q, Some(b'\'' | b'"')) || l.last().copied() != q {
                        return Err(Stop(self.off(at), "STRING argument must be quoted".into()));
                    }
                    self.push_str(off + 1, l.len() - 2, StrEnc::Escaped, at)?
                }
                b'V' => {
                    let l = self.line(at)?;
                    self.push_str(at + 1, l.len(), StrEnc::RawUnicodeEscape, at)?
                }
                b'a' => {
                    self.pop(at)?;
                    self.top(at)?;
                }
                b'b' => self.build(at)?,
                b'c' => {
                    let m = self.line(at)?;
                    let n = self.line(at)?;
                    let raw = &data[at + 1..self.pos];
                    let ix = match self.global_ix.get(raw) {
                        Some(&ix) => {
                            self.imports[ix as usize].count += 1;
                            ix
                        }
                        None => {
                            let module = String::from_utf8_lossy(m).into_owned();
                            let name = String::from_utf8_lossy(n).into_owned();
                            let ix = self.add_import(module, name, ImportKind::Global, at);
                            self.global_ix.insert(raw, ix);
                            ix
                        }
                    };
                    self.push(V::Import(ix), at)?
                }
                b'd' | b'l' | b't' => {
                    let m = self.pop_mark(at)?;
                    let v = if op == b't' && self.tracking {
                        let items = self.stack[m..].to_vec();
                        self.track(Tracked::Tuple(items))
                    } else {
                        V::Other
                    };
                    self.stack.truncate(m);
                    self.push(v, at)?
                }
                b'g' => {
                    let l = self.line(at)?;
                    let key = parse_dec(l)
                        .ok_or_else(|| Stop(self.off(at), "GET key is not a number".into()))?;
                    self.memo_get(key, at)?
                }
                b'h' => {
                    let k = self.take(1, at)?[0] as u64;
                    self.memo_get(k, at)?
                }
                b'j' => {
                    let k = le_u64(self.take(4, at)?);
                    self.memo_get(k, at)?
                }
                b'i' => {
                    let m = self.line(at)?;
                    let n = self.line(at)?;
                    let module = String::from_utf8_lossy(m).into_owned();
                    let name = String::from_utf8_lossy(n).into_owned();
                    let ix = self.add_import(module, name, ImportKind::Inst, at);
                    let mk = self.pop_mark(at)?;
                    self.stack.truncate(mk);
                    let callee = self.call(V::Import(ix), "INST", at);
                    self.push(V::Result(callee), at)?
                }
                b'o' => {
                    let mk = self.pop_mark(at)?;
                    if self.stack.len() <= mk {
                        return Err(Stop(self.off(at), "OBJ without a class".into()));
                    }
                    let cls = self.stack[mk];
                    self.stack.truncate(mk);
                    let callee = self.call(cls, "OBJ", at);
                    self.push(V::Result(callee), at)?
                }
                b'p' => {
                    let l = self.line(at)?;
                    let key = parse_dec(l)
                        .ok_or_else(|| Stop(self.off(at), "PUT key is not a number".into()))?;
                    self.memo_put(key, at)?
                }
                b'q' => {
                    let k = self.take(1, at)?[0] as u64;
                    self.memo_put(k, at)?
                }
                b'r' => {
                    let k = le_u64(self.take(4, at)?);
                    self.memo_put(k, at)?
                }
                b's' => {
                    let v = self.pop(at)?;
                    let k = self.pop(at)?;
                    let d = self.top(at)?;
                    self.dict_add(d, &[k, v]);
                }
                b'1' => {
                    let m = self.pop_mark(at)?;
                    self.stack.truncate(m);
                }
                b'G' => {
                    self.take(8, at)?;
                    self.push(V::Other, at)?
                }
                b'J' => {
                    let b = self.take(4, at)?;
                    let v = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64;
                    self.push(V::Int(v), at)?
                }
                b'K' => {
                    let v = self.take(1, at)?[0] as i64;
                    self.push(V::Int(v), at)?
                }
                b'M' => {
                    let b = self.take(2, at)?;
                    self.push(V::Int(u16::from_le_bytes([b[0], b[1]]) as i64), at)?
                }
                b'T' => {
                    let b = self.take(4, at)?;
                    let n = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                    if n < 0 {
                        return Err(Stop(self.off(at), "negative BINSTRING length".into()));
                    }
                    let off = self.pos;
                    self.take(n as usize, at)?;
                    self.push_str(off, n as usize, StrEnc::Latin1, at)?
                }
                b'U' => {
                    let n = self.take(1, at)?[0] as usize;
                    let off = self.pos;
                    self.take(n, at)?;
                    self.push_str(off, n, StrEnc::Latin1, at)?
                }
                b'X' | 0x8c | 0x8d => {
                    let w = match op {
                        b'X' => 4,
                        0x8c => 1,
                        _ => 8,
                    };
                    let n = self.take_len(w, at)?;
                    let off = self.pos;
                    self.pos += n;
                    self.push_str(off, n, StrEnc::Utf8, at)?
                }
                b'B' | b'C' | 0x8e | 0x96 => {
                    let w = match op {
                        b'B' => 4,
                        b'C' => 1,
                        _ => 8,
                    };
                    let n = self.take_len(w, at)?;
                    let off = self.pos;
                    self.pos += n;
                    self.push_bytes(off, n, at)?
                }
                b'e' | b'u' | 0x90 => {
                    let m = self.pop_mark(at)?;
                    let items = (op == b'u' && self.tracking).then(|| self.stack[m..].to_vec());
                    self.stack.truncate(m);
                    let d = self.top(at)?;
                    if let Some(items) = items {
                        self.dict_add(d, &items);
                    }
                }
                0x91 => {
                    let m = self.pop_mark(at)?;
                    self.stack.truncate(m);
                    self.push(V::Other, at)?
                }
                0x80 => {
                    let p = self.take(1, at)?[0];
                    if p > 5 {
                        return Err(Stop(self.off(at), format!("unsupported protocol {p}")));
                    }
                    self.out.protocol = Some(self.out.protocol.map_or(p, |q| q.max(p)));
                }
                0x81 => {
                    let _args = self.pop(at)?;
                    let cls = self.pop(at)?;
                    let callee = self.call(cls, "NEWOBJ", at);
                    self.push(V::Result(callee), at)?
                }
                0x92 => {
                    let _kw = self.pop(at)?;
                    let _args = self.pop(at)?;
                    let cls = self.pop(at)?;
                    let callee = self.call(cls, "NEWOBJ_EX", at);
                    self.push(V::Result(callee), at)?
                }
                0x82..=0x84 => {
                    let w = match op {
                        0x82 => 1,
                        0x83 => 2,
                        _ => 4,
                    };
                    let code = le_u64(self.take(w, at)?);
                    let ix = self.add_import(
                        "copyreg".into(),
                        format!("<extension {code}>"),
                        ImportKind::Dynamic,
                        at,
                    );
                    self.anomaly(
                        Rule::ExtensionRegistry,
                        at,
                        format!(
                            "EXT opcode imports extension code {code} from the copyreg registry"
                        ),
                        None,
                    );
                    self.push(V::Import(ix), at)?
                }
                0x85..=0x87 => {
                    let n = (op - 0x84) as usize;
                    let len = self.stack.len();
                    if len < self.frame_base() + n {
                        return Err(Stop(self.off(at), "stack underflow".into()));
                    }
                    let v = if self.tracking {
                        let items = self.stack[len - n..].to_vec();
                        self.track(Tracked::Tuple(items))
                    } else {
                        V::Other
                    };
                    self.stack.truncate(len - n);
                    self.push(v, at)?
                }
                0x8a => {
                    let n = self.take(1, at)?[0] as usize;
                    let b = self.take(n, at)?;
                    let v = if n <= 8 { V::Int(le_i64(b)) } else { V::Other };
                    self.push(v, at)?
                }
                0x8b => {
                    let b = self.take(4, at)?;
                    let n = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                    if n < 0 {
                        return Err(Stop(self.off(at), "negative LONG4 length".into()));
                    }
                    self.take(n as usize, at)?;
                    self.push(V::Other, at)?
                }
                0x93 => self.stack_global(at)?,
                0x94 => {
                    let key = self.memo_len as u64;
                    // MEMOIZE stores under len(memo); with explicit PUT keys mixed in that key may
                    // already be taken, exactly as in CPython's dict-based memo.
                    self.memo_put(key, at)?
                }
                0x95 => {
                    let n = le_u64(self.take(8, at)?);
                    let remain = (data.len() - self.pos) as u64;
                    if n > remain {
                        return Err(Stop(
                            self.off(at),
                            format!("FRAME length {n} exceeds the {remain} bytes that remain"),
                        ));
                    }
                }
                0x97 => self.push(V::Other, at)?,
                0x98 => {
                    self.top(at)?;
                }
                _ => {
                    return Err(Stop(self.off(at), format!("invalid opcode 0x{op:02x}")));
                }
            }
        }
        Err(Stop(self.off(self.pos), "truncated: no STOP opcode".into()))
    }

    fn stack_global(&mut self, at: usize) -> R<()> {
        let name = self.pop(at)?;
        let module = self.pop(at)?;
        match (self.str_of(module), self.str_of(name)) {
            (Some(m), Some(n)) => {
                let ix = self.add_import(m, n, ImportKind::StackGlobal, at);
                self.push(V::Import(ix), at)
            }
            (m, n) => {
                let describe = |v: V, s: Option<String>| match (v, s) {
                    (_, Some(s)) => format!("{s:?}"),
                    (V::Bytes, _) => "bytes".to_string(),
                    (V::Int(i), _) => format!("int {i}"),
                    (V::Result(_), _) => "a call result".to_string(),
                    (V::Import(_), _) => "an imported object".to_string(),
                    (V::Unknown, _) => "a missing memo entry".to_string(),
                    _ => "a non-string value".to_string(),
                };
                let msg = format!(
                    "STACK_GLOBAL with module {} and name {}: the import target cannot be determined",
                    describe(module, m.clone()),
                    describe(name, n.clone())
                );
                let module = m.unwrap_or_else(|| "?".into());
                let name = n.unwrap_or_else(|| "?".into());
                let global = format!("{module}.{name}");
                self.anomaly(Rule::DynamicGlobal, at, msg, Some(global));
                let ix = self.add_import(module, name, ImportKind::Dynamic, at);
                self.push(V::Import(ix), at)
            }
        }
    }

    fn build(&mut self, at: usize) -> R<()> {
        let state = self.pop(at)?;
        let target = self.top(at)?;
        match target {
            V::Import(ix) => {
                let imp = &self.imports[ix as usize];
                let g = format!("{}.{}", imp.module, imp.name);
                let off = self.off(at);
                let imp = &mut self.imports[ix as usize];
                imp.calls += 1;
                if imp.first_call.is_none() {
                    imp.first_call = Some((off, "BUILD"));
                }
                self.anomaly(
                    Rule::BuildOnGlobal,
                    at,
                    format!("BUILD sets attributes on the imported object {g} itself"),
                    Some(g),
                );
            }
            V::Result(c) if c != NO_CALLEE && Some(c) == self.joblib_wrapper => {
                self.joblib_array(state, at)?;
            }
            V::Tracked(t) => {
                // numpy.dtype BUILD: the state tuple's 6th item is the element size of
                // structured / void dtypes.
                if let Some(Tracked::Tuple(items)) = self.tracked_get(state)
                    && let Some(V::Int(sz)) = items.get(5).copied()
                    && sz > 0
                    && let Some(Tracked::Dtype { itemsize, .. }) = self.tracked.get_mut(t as usize)
                {
                    *itemsize = Some(sz as u64);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn le_i64(b: &[u8]) -> i64 {
    if b.is_empty() {
        return 0;
    }
    let mut a = if b[b.len() - 1] & 0x80 != 0 {
        [0xffu8; 8]
    } else {
        [0u8; 8]
    };
    a[..b.len()].copy_from_slice(b);
    i64::from_le_bytes(a)
}

fn parse_dec(l: &[u8]) -> Option<u64> {
    std::str::from_utf8(l).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_long1() {
        assert_eq!(le_i64(&[0xff]), -1);
        assert_eq!(le_i64(&[0x01, 0x01]), 257);
        assert_eq!(le_i64(&[]), 0);
    }
}
