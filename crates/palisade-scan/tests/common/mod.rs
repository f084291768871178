//! Fixture builders for the generated corpus: pickles written opcode by opcode, zip and tar
//! archives, NumPy, safetensors and GGUF files. Nothing is downloaded; no Python is needed.
#![allow(dead_code)]

use std::io::Write;

/// A pickle written opcode by opcode.
#[derive(Default, Clone)]
pub struct P(pub Vec<u8>);

impl P {
    pub fn new(proto: u8) -> P {
        let mut p = P(Vec::new());
        if proto >= 2 {
            p.0.extend([0x80, proto]);
        }
        p
    }
    pub fn raw(mut self, b: &[u8]) -> P {
        self.0.extend_from_slice(b);
        self
    }
    pub fn op(self, b: u8) -> P {
        self.raw(&[b])
    }
    /// GLOBAL module\nname\n
    pub fn global(self, m: &str, n: &str) -> P {
        self.op(b'c').raw(format!("{m}\n{n}\n").as_bytes())
    }
    /// SHORT_BINUNICODE or BINUNICODE
    pub fn s(self, t: &str) -> P {
        if t.len() < 256 {
            self.op(0x8c).op(t.len() as u8).raw(t.as_bytes())
        } else {
            self.op(b'X')
                .raw(&(t.len() as u32).to_le_bytes())
                .raw(t.as_bytes())
        }
    }
    /// BINUNICODE (protocol 2/3 strings)
    pub fn u(self, t: &str) -> P {
        self.op(b'X')
            .raw(&(t.len() as u32).to_le_bytes())
            .raw(t.as_bytes())
    }
    /// SHORT_BINBYTES / BINBYTES
    pub fn bytes(self, b: &[u8]) -> P {
        if b.len() < 256 {
            self.op(b'C').op(b.len() as u8).raw(b)
        } else {
            self.op(b'B').raw(&(b.len() as u32).to_le_bytes()).raw(b)
        }
    }
    pub fn int(self, i: i64) -> P {
        if (0..256).contains(&i) {
            self.op(b'K').op(i as u8)
        } else if (0..65536).contains(&i) {
            self.op(b'M').raw(&(i as u16).to_le_bytes())
        } else {
            self.op(b'J').raw(&(i as i32).to_le_bytes())
        }
    }
    pub fn stack_global(self) -> P {
        self.op(0x93)
    }
    pub fn memoize(self) -> P {
        self.op(0x94)
    }
    pub fn put(self, k: u8) -> P {
        self.op(b'q').op(k)
    }
    pub fn get(self, k: u8) -> P {
        self.op(b'h').op(k)
    }
    pub fn mark(self) -> P {
        self.op(b'(')
    }
    pub fn tuple(self) -> P {
        self.op(b't')
    }
    pub fn tuple1(self) -> P {
        self.op(0x85)
    }
    pub fn tuple2(self) -> P {
        self.op(0x86)
    }
    pub fn tuple3(self) -> P {
        self.op(0x87)
    }
    pub fn empty_tuple(self) -> P {
        self.op(b')')
    }
    pub fn empty_dict(self) -> P {
        self.op(b'}')
    }
    pub fn empty_list(self) -> P {
        self.op(b']')
    }
    pub fn reduce(self) -> P {
        self.op(b'R')
    }
    pub fn build(self) -> P {
        self.op(b'b')
    }
    pub fn setitems(self) -> P {
        self.op(b'u')
    }
    pub fn setitem(self) -> P {
        self.op(b's')
    }
    pub fn appends(self) -> P {
        self.op(b'e')
    }
    pub fn newobj(self) -> P {
        self.op(0x81)
    }
    pub fn none(self) -> P {
        self.op(b'N')
    }
    pub fn t(self) -> P {
        self.op(0x88)
    }
    pub fn f(self) -> P {
        self.op(0x89)
    }
    pub fn pop(self) -> P {
        self.op(b'0')
    }
    pub fn stop(self) -> P {
        self.op(b'.')
    }
    pub fn binpersid(self) -> P {
        self.op(b'Q')
    }
    /// Calls module.name(arg) with a string argument via STACK_GLOBAL + REDUCE.
    pub fn call1(self, m: &str, n: &str, arg: &str) -> P {
        self.s(m).s(n).stack_global().s(arg).tuple1().reduce()
    }
    pub fn bytes_vec(self) -> Vec<u8> {
        self.0
    }
}

/// The classic payload: `os.system("echo pwned")` via STACK_GLOBAL + REDUCE (protocol 4).
pub fn os_system() -> Vec<u8> {
    P::new(4).call1("os", "system", "echo pwned").stop().0
}

/// A protocol-0 `posix.system` payload written as text (GLOBAL + MARK + STRING + TUPLE + REDUCE).
pub fn proto0_system() -> Vec<u8> {
    b"cposix\nsystem\np0\n(S'id'\np1\ntp2\nRp3\n.".to_vec()
}

/// An `OrderedDict` of tensors as torch.save pickles it into `data.pkl` (protocol 2): each tensor
/// is `_rebuild_tensor_v2(persistent_load(('storage', FloatStorage, key, 'cpu', n)), ...)`.
pub fn torch_state_dict(tensors: &[(&str, usize)]) -> Vec<u8> {
    let mut p = P::new(2)
        .global("collections", "OrderedDict")
        .put(0)
        .empty_tuple()
        .reduce()
        .put(1)
        .mark();
    for (i, (name, n)) in tensors.iter().enumerate() {
        p = p
            .u(name)
            .global("torch._utils", "_rebuild_tensor_v2")
            .mark()
            .mark()
            .u("storage")
            .global("torch", "FloatStorage")
            .u(&i.to_string())
            .u("cpu")
            .int(*n as i64)
            .tuple()
            .binpersid()
            .int(0)
            .int(*n as i64)
            .tuple1()
            .int(1)
            .tuple1()
            .f()
            .get(0)
            .empty_tuple()
            .reduce()
            .tuple()
            .reduce();
    }
    p.setitems()
        .empty_dict()
        .u("_metadata")
        .get(0)
        .empty_tuple()
        .reduce()
        .mark()
        .u("")
        .empty_dict()
        .u("version")
        .int(1)
        .setitem()
        .setitems()
        .setitem()
        .build()
        .stop()
        .0
}

/// A pickled NumPy float64 array of `n` elements as `ndarray.__reduce__` writes it (protocol 2).
pub fn numpy_array_pickle(n: usize) -> Vec<u8> {
    numpy_array(P::new(2), n).stop().0
}

pub fn numpy_array(p: P, n: usize) -> P {
    p.global("numpy.core.multiarray", "_reconstruct")
        .global("numpy", "ndarray")
        .int(0)
        .tuple1()
        .bytes(b"b")
        .tuple3()
        .reduce()
        .mark()
        .int(1)
        .int(n as i64)
        .tuple1()
        .global("numpy", "dtype")
        .u("f8")
        .f()
        .t()
        .tuple3()
        .reduce()
        .mark()
        .int(3)
        .u("<")
        .none()
        .none()
        .none()
        .op(b'J')
        .raw(&(-1i32).to_le_bytes())
        .op(b'J')
        .raw(&(-1i32).to_le_bytes())
        .int(0)
        .tuple()
        .build()
        .f()
        .bytes(&vec![0x2e; n * 8])
        .tuple()
        .build()
}

/// A scikit-learn LogisticRegression as pickle protocol 4 writes it: NEWOBJ of the class, a
/// state dict with numpy arrays, BUILD on the instance.
pub fn sklearn_logreg() -> Vec<u8> {
    let p = P::new(4)
        .s("sklearn.linear_model._logistic")
        .s("LogisticRegression")
        .stack_global()
        .memoize()
        .empty_tuple()
        .newobj()
        .memoize()
        .empty_dict()
        .memoize()
        .mark()
        .s("penalty")
        .s("l2")
        .s("C")
        .op(b'G')
        .raw(&1.0f64.to_be_bytes())
        .s("coef_");
    numpy_array(p, 4)
        .s("classes_")
        .s("numpy.core.multiarray")
        .s("scalar")
        .stack_global()
        .global("numpy", "dtype")
        .s("i8")
        .f()
        .t()
        .tuple3()
        .reduce()
        .bytes(&[1, 0, 0, 0, 0, 0, 0, 0])
        .tuple2()
        .reduce()
        .s("_sklearn_version")
        .s("1.5.0")
        .setitems()
        .build()
        .stop()
        .0
}

/// A joblib file: NumpyArrayWrapper state followed by the raw array bytes, inside the stream.
pub fn joblib_array(values: &[u8], itemsize: usize) -> Vec<u8> {
    let n = values.len() / itemsize;
    let mut p = P::new(4)
        .s("joblib.numpy_pickle")
        .s("NumpyArrayWrapper")
        .stack_global()
        .memoize()
        .empty_tuple()
        .newobj()
        .memoize()
        .empty_dict()
        .memoize()
        .mark()
        .s("subclass")
        .s("numpy")
        .s("ndarray")
        .stack_global()
        .s("shape")
        .int(n as i64)
        .tuple1()
        .s("order")
        .s("C")
        .s("dtype")
        .s("numpy")
        .s("dtype")
        .stack_global()
        .s(&format!("f{itemsize}"))
        .f()
        .t()
        .tuple3()
        .reduce()
        .mark()
        .int(3)
        .s("<")
        .none()
        .none()
        .none()
        .op(b'J')
        .raw(&(-1i32).to_le_bytes())
        .op(b'J')
        .raw(&(-1i32).to_le_bytes())
        .int(0)
        .tuple()
        .build()
        .s("allow_mmap")
        .f()
        .s("numpy_array_alignment_bytes")
        .int(16)
        .setitems()
        .build();
    // Alignment padding: one length byte, then that many 0xff bytes.
    let pos = p.0.len() + 1;
    let pad = 16 - pos % 16;
    p = p.op(pad as u8).raw(&vec![0xff; pad]).raw(values);
    p.stop().0
}

/// The five pickles of a legacy (pre-1.6) torch file; `payload` replaces the 4th (the object).
pub fn legacy_torch(object: Vec<u8>) -> Vec<u8> {
    let mut out = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19\x2e".to_vec();
    out.extend(P::new(2).int(1001).stop().0);
    out.extend(
        P::new(2)
            .empty_dict()
            .mark()
            .u("protocol_version")
            .int(1001)
            .u("little_endian")
            .t()
            .u("type_sizes")
            .empty_dict()
            .mark()
            .u("short")
            .int(2)
            .u("int")
            .int(4)
            .u("long")
            .int(4)
            .setitems()
            .setitems()
            .stop()
            .0,
    );
    out.extend(object);
    out.extend(P::new(2).mark().u("0").op(b'l').stop().0);
    // Raw storage: u64 element count, then the elements (bytes that look like opcodes).
    out.extend(4u64.to_le_bytes());
    out.extend([0x63u8; 16]);
    out
}

pub struct ZipMember {
    pub name: String,
    pub data: Vec<u8>,
    pub deflate: bool,
    pub local_name: Option<String>,
    pub flags: u16,
    pub declared_size: Option<u32>,
}

pub fn member(name: &str, data: Vec<u8>) -> ZipMember {
    ZipMember {
        name: name.into(),
        data,
        deflate: false,
        local_name: None,
        flags: 0,
        declared_size: None,
    }
}

pub fn deflated(name: &str, data: Vec<u8>) -> ZipMember {
    ZipMember {
        deflate: true,
        ..member(name, data)
    }
}

/// Writes a zip archive (CRCs are left zero: readers like PyTorch's ignore them).
pub fn zip(members: &[ZipMember]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for m in members {
        let body = if m.deflate {
            let mut e =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(&m.data).unwrap();
            e.finish().unwrap()
        } else {
            m.data.clone()
        };
        let usize_ = m.declared_size.unwrap_or(m.data.len() as u32);
        let method: u16 = if m.deflate { 8 } else { 0 };
        let local_at = out.len() as u32;
        let lname = m.local_name.as_deref().unwrap_or(&m.name);
        out.extend(b"PK\x03\x04");
        out.extend(20u16.to_le_bytes());
        out.extend(m.flags.to_le_bytes());
        out.extend(method.to_le_bytes());
        out.extend([0u8; 4]); // time, date
        out.extend([0u8; 4]); // crc
        out.extend((body.len() as u32).to_le_bytes());
        out.extend(usize_.to_le_bytes());
        out.extend((lname.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(lname.as_bytes());
        out.extend(&body);
        central.extend(b"PK\x01\x02");
        central.extend(20u16.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(m.flags.to_le_bytes());
        central.extend(method.to_le_bytes());
        central.extend([0u8; 8]);
        central.extend((body.len() as u32).to_le_bytes());
        central.extend(usize_.to_le_bytes());
        central.extend((m.name.len() as u16).to_le_bytes());
        central.extend([0u8; 12]);
        central.extend(local_at.to_le_bytes());
        central.extend(m.name.as_bytes());
    }
    let cd_at = out.len() as u32;
    out.extend(&central);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A PyTorch zip checkpoint (torch >= 1.6 layout) with `pkl` as `archive/data.pkl`.
pub fn torch_zip(pkl: Vec<u8>, storages: usize) -> Vec<u8> {
    let mut m = vec![
        member("archive/data.pkl", pkl),
        member("archive/byteorder", b"little".to_vec()),
    ];
    for i in 0..storages {
        // Float data that happens to start like a pickle: must not be parsed.
        let mut blob = vec![0x80u8, 0x02, b'c', b'o', b's', b'\n'];
        blob.resize(4096, 0x41);
        m.push(member(&format!("archive/data/{i}"), blob));
    }
    m.push(member("archive/version", b"3\n".to_vec()));
    m.push(member(
        "archive/.data/serialization_id",
        b"1234567890".to_vec(),
    ));
    zip(&m)
}

/// A ustar archive.
pub fn tar(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in members {
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..108].copy_from_slice(b"0000644\0");
        h[108..116].copy_from_slice(b"0000000\0");
        h[116..124].copy_from_slice(b"0000000\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| b as u32).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        out.extend(h);
        out.extend(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend([0u8; 1024]);
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// An `.npy` v1.0 file with a padded header.
pub fn npy(descr: &str, shape: &str, body: &[u8]) -> Vec<u8> {
    let mut h = format!("{{'descr': {descr}, 'fortran_order': False, 'shape': {shape}, }}");
    let total = 10 + h.len() + 1;
    h.push_str(&" ".repeat((64 - total % 64) % 64));
    h.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((h.len() as u16).to_le_bytes());
    out.extend(h.as_bytes());
    out.extend(body);
    out
}

/// A safetensors file from a header JSON and a data section.
pub fn safetensors(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend(header.as_bytes());
    out.extend(data);
    out
}

/// A GGUF v3 file with string metadata and F32 tensors (name, dims, offset).
pub fn gguf(kv: &[(&str, &str)], tensors: &[(&str, &[u64], u64)], data_len: usize) -> Vec<u8> {
    let mut out = b"GGUF".to_vec();
    out.extend(3u32.to_le_bytes());
    out.extend((tensors.len() as u64).to_le_bytes());
    out.extend((kv.len() as u64).to_le_bytes());
    let s = |out: &mut Vec<u8>, t: &str| {
        out.extend((t.len() as u64).to_le_bytes());
        out.extend(t.as_bytes());
    };
    for (k, v) in kv {
        s(&mut out, k);
        out.extend(8u32.to_le_bytes());
        s(&mut out, v);
    }
    for (name, dims, off) in tensors {
        s(&mut out, name);
        out.extend((dims.len() as u32).to_le_bytes());
        for d in *dims {
            out.extend(d.to_le_bytes());
        }
        out.extend(0u32.to_le_bytes());
        out.extend(off.to_le_bytes());
    }
    out.resize(out.len().div_ceil(32) * 32, 0);
    out.extend(vec![0u8; data_len]);
    out
}

/// Rewrites the end of a [`zip`] archive to the zip64 form (zip64 record, locator, and an EOCD
/// whose fields are the 0xffff.. placeholders).
pub fn zip64(mut z: Vec<u8>) -> Vec<u8> {
    let e = z.len() - 22;
    let count = u16::from_le_bytes([z[e + 10], z[e + 11]]) as u64;
    let cd_size = u32::from_le_bytes(z[e + 12..e + 16].try_into().unwrap()) as u64;
    let cd_off = u32::from_le_bytes(z[e + 16..e + 20].try_into().unwrap()) as u64;
    z.truncate(e);
    let rec = z.len() as u64;
    z.extend(b"PK\x06\x06");
    z.extend(44u64.to_le_bytes());
    z.extend(45u16.to_le_bytes());
    z.extend(45u16.to_le_bytes());
    z.extend([0u8; 8]);
    z.extend(count.to_le_bytes());
    z.extend(count.to_le_bytes());
    z.extend(cd_size.to_le_bytes());
    z.extend(cd_off.to_le_bytes());
    z.extend(b"PK\x06\x07");
    z.extend(0u32.to_le_bytes());
    z.extend(rec.to_le_bytes());
    z.extend(1u32.to_le_bytes());
    z.extend(b"PK\x05\x06");
    z.extend([0u8; 4]);
    z.extend([0xff; 4]);
    z.extend([0xff; 8]);
    z.extend(0u16.to_le_bytes());
    z
}

/// `data` compressed as joblib can write it: bzip2, xz, lzma (alone), zstd or lz4 frames.
pub fn compress(kind: &str, data: &[u8]) -> Vec<u8> {
    match kind {
        "bzip2" => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "xz" => {
            let mut out = Vec::new();
            lzma_rs::xz_compress(&mut &data[..], &mut out).unwrap();
            out
        }
        "lzma" => {
            let mut out = Vec::new();
            lzma_rs::lzma_compress(&mut &data[..], &mut out).unwrap();
            out
        }
        "zstd" => {
            ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
        }
        "lz4" => {
            let mut e = lz4_flex::frame::FrameEncoder::new(Vec::new());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        _ => panic!("unknown compression {kind}"),
    }
}
