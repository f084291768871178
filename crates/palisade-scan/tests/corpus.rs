//! The generated corpus: for each dangerous class and evasion, a malicious sample that must be
//! caught, and benign look-alikes with real PyTorch / NumPy / scikit-learn / joblib layouts that
//! must be clean.

mod common;

use common::*;
use palisade_scan::{FileReport, Format, ScanOptions, Severity, Verdict, scan_bytes, scan_paths};

fn opts() -> ScanOptions {
    ScanOptions {
        hash: false,
        ..ScanOptions::default()
    }
}

fn scan(data: &[u8]) -> FileReport {
    scan_bytes("sample", data, &opts())
}

fn has(r: &FileReport, rule: &str) -> bool {
    r.findings.iter().any(|f| f.rule == rule)
}

fn has_global(r: &FileReport, global: &str) -> bool {
    r.findings
        .iter()
        .any(|f| f.global.as_deref() == Some(global))
}

#[track_caller]
fn malicious(data: &[u8], global_or_rule: &str) -> FileReport {
    let r = scan(data);
    assert_eq!(r.verdict, Verdict::Malicious, "{r:#?}");
    assert!(
        has_global(&r, global_or_rule) || has(&r, global_or_rule),
        "expected {global_or_rule}: {r:#?}"
    );
    r
}

#[track_caller]
fn clean(data: &[u8]) -> FileReport {
    let r = scan(data);
    assert_eq!(r.verdict, Verdict::Clean, "{r:#?}");
    assert!(
        r.findings.iter().all(|f| f.severity == Severity::Info),
        "{r:#?}"
    );
    r
}

// ---- direct imports and calls -------------------------------------------------------------

#[test]
fn stack_global_os_system_is_caught_with_offsets() {
    let r = malicious(&os_system(), "os.system");
    let f = r.findings.iter().find(|f| f.rule == "PKL001").unwrap();
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.offset, Some(14)); // STACK_GLOBAL after PROTO and two short strings
    assert!(f.message.contains("REDUCE at offset"), "{}", f.message);
    assert_eq!(r.format, Format::Pickle);
}

#[test]
fn protocol0_text_pickle_is_caught() {
    let r = malicious(&proto0_system(), "posix.system");
    assert_eq!(r.findings[0].offset, Some(0));
}

#[test]
fn inst_and_obj_call_sites_are_caught() {
    let inst = b"(S'id'\nios\nsystem\n.".to_vec();
    malicious(&inst, "os.system");
    let obj = P::new(1)
        .mark()
        .global("subprocess", "Popen")
        .s("id")
        .op(b'o')
        .stop()
        .0;
    malicious(&obj, "subprocess.Popen");
    let newobj_ex = P::new(4)
        .global("subprocess", "Popen")
        .empty_tuple()
        .empty_dict()
        .op(0x92)
        .stop()
        .0;
    malicious(&newobj_ex, "subprocess.Popen");
}

#[test]
fn alternative_primitives_are_all_caught() {
    let cases = [
        ("builtins", "exec"),
        ("builtins", "eval"),
        ("builtins", "getattr"),
        ("__builtin__", "apply"),
        ("pkgutil", "resolve_name"),
        ("functools", "partial"),
        ("operator", "attrgetter"),
        ("operator", "methodcaller"),
        ("_operator", "itemgetter"),
        ("pydoc", "locate"),
        ("cProfile", "run"),
        ("profile", "runctx"),
        ("timeit", "timeit"),
        ("torch.utils.collect_env", "run"),
        ("multiprocessing.util", "spawnv_passfds"),
        ("pandas", "read_csv"),
        ("pip", "main"),
        ("runpy", "_run_code"),
        ("torch", "load"),
        ("torch.storage", "_load_from_bytes"),
        ("torch.hub", "load"),
        ("torch.jit.unsupported_tensor_ops", "execWrapper"),
        ("code", "InteractiveInterpreter.runcode"),
        ("trace", "Trace.run"),
        ("webbrowser", "open"),
        ("uuid", "_get_command_stdout"),
        ("_io", "FileIO"),
        ("io", "open"),
        ("shutil", "rmtree"),
        ("asyncio.subprocess", "create_subprocess_shell"),
        ("socket", "create_connection"),
        ("ctypes", "CDLL"),
        ("importlib", "import_module"),
        ("numpy.testing._private.utils", "runstring"),
        ("numpy.f2py", "compile"),
        ("torch.distributed.rpc", "rpc_sync"),
        ("zlib", "decompress"),
        ("pickle", "loads"),
        ("dill", "loads"),
        ("marshal", "loads"),
        ("types", "FunctionType"),
        ("picklescan", "scanner"),
    ];
    for (m, n) in cases {
        let data = P::new(4).call1(m, n, "x").stop().0;
        let r = scan(&data);
        assert_eq!(r.verdict, Verdict::Malicious, "{m}.{n}: {r:#?}");
        assert!(has_global(&r, &format!("{m}.{n}")), "{m}.{n}");
    }
}

#[test]
fn unknown_globals_are_suspicious_not_clean() {
    let data = P::new(4).call1("mypkg.models", "Net", "x").stop().0;
    let r = scan(&data);
    assert_eq!(r.verdict, Verdict::Suspicious);
    assert!(has(&r, "PKL002"));
    // Unknown names that carry dangerous components are escalated.
    malicious(&P::new(4).call1("evil.os", "thing", "x").stop().0, "PKL001");
    malicious(&P::new(4).call1("mypkg", "eval", "x").stop().0, "PKL001");
}

#[test]
fn dunder_attribute_access_is_dangerous() {
    malicious(&P::new(4).global("numpy", "__class__").stop().0, "PKL005");
    malicious(
        &P::new(4)
            .global("mypkg", "Model.__init__.__globals__")
            .stop()
            .0,
        "PKL005",
    );
}

// ---- memo and operand tricks --------------------------------------------------------------

#[test]
fn memo_desync_between_put_and_memoize_follows_the_vm() {
    // memo = {1: "collections"}; MEMOIZE stores under len(memo) == 1, overwriting it with "os".
    // A tracker that gives MEMOIZE a fresh index resolves BINGET 1 to "collections".
    let data = P::new(4)
        .s("collections")
        .put(1)
        .pop()
        .s("os")
        .memoize()
        .pop()
        .get(1)
        .s("system")
        .stack_global()
        .s("id")
        .tuple1()
        .reduce()
        .stop()
        .0;
    malicious(&data, "os.system");
}

#[test]
fn stack_global_operands_from_memo_are_resolved() {
    let data = P::new(4)
        .s("subprocess")
        .memoize()
        .s("check_output")
        .memoize()
        .pop()
        .pop()
        .get(0)
        .get(1)
        .stack_global()
        .stop()
        .0;
    malicious(&data, "subprocess.check_output");
}

#[test]
fn missing_memo_key_is_dangerous() {
    let data = P::new(4).get(7).s("system").stack_global().stop().0;
    let r = malicious(&data, "PKL004");
    assert!(
        has(&r, "PKL003"),
        "operand from a missing key is dynamic: {r:#?}"
    );
    let long = P::new(4).op(b'j').raw(&u32::MAX.to_le_bytes()).stop().0;
    malicious(&long, "PKL004");
}

#[test]
fn non_string_stack_global_operands_are_dangerous() {
    let bytes_op = P::new(4).bytes(b"os").s("system").stack_global().stop().0;
    malicious(&bytes_op, "PKL003");
    let int_op = P::new(4).int(5).s("system").stack_global().stop().0;
    malicious(&int_op, "PKL003");
    let bytearray_op = P::new(5)
        .s("os")
        .op(0x96)
        .raw(&6u64.to_le_bytes())
        .raw(b"system")
        .stack_global()
        .stop()
        .0;
    malicious(&bytearray_op, "PKL003");
    let call_result = P::new(4)
        .call1("collections", "OrderedDict", "x")
        .s("system")
        .stack_global()
        .stop()
        .0;
    malicious(&call_result, "PKL003");
}

#[test]
fn extension_registry_imports_are_dangerous() {
    malicious(
        &P::new(2).op(0x82).op(1).empty_tuple().reduce().stop().0,
        "PKL007",
    );
    malicious(
        &P::new(2).op(0x84).raw(&9i32.to_le_bytes()).stop().0,
        "PKL007",
    );
}

// ---- allowlisted-module gadgets -----------------------------------------------------------

#[test]
fn build_on_an_imported_module_object_is_the_setattr_gadget() {
    let data = P::new(4)
        .s("numpy")
        .s("dtype")
        .stack_global()
        .empty_dict()
        .s("names")
        .s("x")
        .setitem()
        .build()
        .stop()
        .0;
    let r = malicious(&data, "PKL006");
    assert!(has_global(&r, "numpy.dtype"));
    malicious(
        &P::new(4).global("numpy", "__builtins__").stop().0,
        "numpy.__builtins__",
    );
    malicious(
        &P::new(4)
            .global("numpy.core._internal", "sys.modules")
            .stop()
            .0,
        "numpy.core._internal.sys.modules",
    );
}

// ---- exception-oriented programming and dropped results ------------------------------------

#[test]
fn payload_followed_by_a_deliberate_error_is_malicious_not_error() {
    let mut data = P::new(4).call1("os", "system", "id").0;
    data.extend([b'0', b'0', b'0', 0xff]); // POPs into underflow, then an invalid opcode
    let r = malicious(&data, "os.system");
    assert!(!r.errors.is_empty(), "the parse error is still reported");
}

#[test]
fn popped_call_result_is_still_caught() {
    let data = P::new(4).call1("os", "system", "id").pop().none().stop().0;
    malicious(&data, "os.system");
}

// ---- multiple pickles and trailing data ---------------------------------------------------

#[test]
fn payload_in_a_second_pickle_is_caught() {
    let mut data = P::new(4).none().stop().0;
    data.extend(os_system());
    malicious(&data, "os.system");
}

#[test]
fn trailing_garbage_after_stop_is_reported_low() {
    let mut data = P::new(4).none().stop().0;
    data.extend(b"#!/bin/sh\nrm -rf /\n");
    let r = scan(&data);
    assert_eq!(r.verdict, Verdict::Suspicious, "{r:#?}");
    assert!(has(&r, "PKL008"));
}

#[test]
fn legacy_torch_payload_in_the_fourth_pickle_is_caught() {
    let r = malicious(&legacy_torch(os_system()), "os.system");
    assert_eq!(r.format, Format::PytorchLegacy);
}

#[test]
fn benign_legacy_torch_file_is_clean() {
    let r = clean(&legacy_torch(torch_state_dict(&[("w", 4)])));
    assert_eq!(r.format, Format::PytorchLegacy);
}

// ---- nesting ------------------------------------------------------------------------------

#[test]
fn pickle_inside_bytes_fed_to_pickle_loads_is_scanned() {
    let data = P::new(4)
        .s("pickle")
        .s("loads")
        .stack_global()
        .bytes(&os_system())
        .tuple1()
        .reduce()
        .stop()
        .0;
    let r = malicious(&data, "os.system");
    let inner = r
        .findings
        .iter()
        .find(|f| f.global.as_deref() == Some("os.system"))
        .unwrap();
    // PROTO(2) + "pickle"(8) + "loads"(7) + STACK_GLOBAL(1) + SHORT_BINBYTES header(2)
    assert_eq!(inner.member.as_deref(), Some("@20"), "{r:#?}");
    assert!(has(&r, "PKL010"));
}

#[test]
fn zlib_compressed_pickle_in_a_literal_is_scanned() {
    let data = P::new(4).bytes(&zlib(&os_system())).stop().0;
    malicious(&data, "os.system");
}

#[test]
fn protocol2_latin1_encoded_nested_pickle_is_scanned() {
    // Protocol 2 pickles encode bytes as `_codecs.encode(text, 'latin1')`.
    let text: String = os_system().iter().map(|&b| b as char).collect();
    let data = P::new(2)
        .global("_codecs", "encode")
        .u(&text)
        .u("latin1")
        .tuple2()
        .reduce()
        .stop()
        .0;
    malicious(&data, "os.system");
}

#[test]
fn pickle_in_a_zip_in_a_zip_is_caught() {
    let inner = zip(&[member("payload.bin", os_system())]);
    let outer = zip(&[deflated("nested.zip", inner)]);
    let r = malicious(&outer, "os.system");
    let f = r.findings.iter().find(|f| f.rule == "PKL001").unwrap();
    assert_eq!(f.member.as_deref(), Some("nested.zip/payload.bin"));
}

#[test]
fn tar_gz_member_is_caught() {
    let t = tar(&[
        ("model/README", b"hello".to_vec()),
        ("model/weights.bin", os_system()),
    ]);
    let r = malicious(&gzip(&t), "os.system");
    assert_eq!(r.format, Format::Gzip);
}

#[test]
fn compressed_joblib_stream_is_caught() {
    malicious(&zlib(&os_system()), "os.system");
}

#[test]
fn every_joblib_compression_is_decoded() {
    for kind in ["bzip2", "xz", "lzma", "zstd", "lz4"] {
        let r = malicious(&compress(kind, &os_system()), "os.system");
        assert_eq!(r.format.as_str(), kind);
        let r = clean(&compress(kind, &joblib_array(&[0u8; 64], 8)));
        assert_eq!(r.format.as_str(), kind);
    }
    // A payload literal compressed with zstd inside a pickle is scanned too.
    let nested = P::new(4).bytes(&compress("zstd", &os_system())).stop().0;
    malicious(&nested, "os.system");
}

#[test]
fn corrupt_xz_footer_is_an_error_not_a_crash() {
    // Found by fuzzing: lzma-rs overflows on this footer (debug builds); the payload inside the
    // block is still a payload, but the stream as a whole does not decode.
    let d = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus/scan/regression-xz-footer-overflow"
    ))
    .unwrap();
    let r = scan(&d);
    assert_eq!(r.format, Format::Xz);
    // Debug builds trap the overflow (the stream is an error); release builds wrap and decode the
    // block, whose payload is found. Either way: no crash, and never a clean verdict.
    assert!(
        matches!(r.verdict, Verdict::Error | Verdict::Malicious),
        "{r:#?}"
    );
}

#[test]
fn payload_before_a_corrupt_compressed_tail_is_caught() {
    // Streaming loaders unpickle what decodes before the corruption is reached.
    let mut padded = os_system();
    padded.extend(vec![b'N'; 200_000]);
    let mut g = gzip(&padded);
    let n = g.len();
    g.truncate(n - 12);
    let r = malicious(&g, "os.system");
    assert!(!r.errors.is_empty(), "the corruption is reported too");
    let mut z = zip(&[deflated("archive/data.pkl", padded)]);
    // Corrupt the deflate stream's tail (just before the central directory).
    let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    for b in &mut z[cd - 40..cd] {
        *b = 0xff;
    }
    malicious(&z, "os.system");
}

#[test]
fn seven_zip_is_recognised_but_uninspected() {
    let r = scan(b"7z\xbc\xaf\x27\x1c\x00\x04rest-of-archive");
    assert_eq!(r.format, Format::SevenZip);
    assert_eq!(r.verdict, Verdict::Suspicious);
    assert!(has(&r, "ARC006"));
}

// ---- parser differentials -----------------------------------------------------------------

#[test]
fn malicious_torch_zip_checkpoint_is_caught() {
    let r = malicious(&torch_zip(os_system(), 2), "os.system");
    assert_eq!(r.format, Format::PytorchZip);
}

#[test]
fn duplicate_member_names_scan_every_copy() {
    let z = zip(&[
        member("archive/data.pkl", torch_state_dict(&[("w", 4)])),
        member("archive/data.pkl", os_system()),
    ]);
    let r = malicious(&z, "os.system");
    assert!(has(&r, "ARC004"));
}

#[test]
fn prepended_data_before_a_zip_is_found() {
    let mut data = b"MZ this is a harmless-looking header\n".to_vec();
    data.extend(torch_zip(os_system(), 1));
    let r = malicious(&data, "os.system");
    assert!(has(&r, "ARC005"));
}

#[test]
fn mismatched_local_name_and_encrypted_flag_are_reported() {
    let mut m = member("archive/data.pkl", os_system());
    m.local_name = Some("archive/data.pkx".into());
    let r = malicious(&zip(&[m]), "os.system");
    assert!(has(&r, "ARC008"));
    let mut e = member("secret.pkl", os_system());
    e.flags = 1;
    let r = scan(&zip(&[e]));
    assert_eq!(r.verdict, Verdict::Suspicious);
    assert!(has(&r, "ARC006"));
}

#[test]
fn zip64_archives_are_read() {
    let z = zip64(torch_zip(os_system(), 1));
    let r = malicious(&z, "os.system");
    assert_eq!(r.format, Format::PytorchZip);
    let mut prefixed = b"prefix".to_vec();
    prefixed.extend(zip64(torch_zip(torch_state_dict(&[("w", 2)]), 1)));
    let r = scan(&prefixed);
    assert!(has(&r, "ARC005"), "{r:#?}");
    assert!(!has(&r, "PKL001"));
}

#[test]
fn zip_as_the_last_tar_member_is_not_a_polyglot() {
    let t = tar(&[
        ("a.txt", b"x".to_vec()),
        (
            "b.zip",
            zip(&[member("n.npy", npy("'<f4'", "(1,)", &[0; 4]))]),
        ),
    ]);
    let r = clean(&t);
    assert_eq!(r.format, Format::Tar);
}

#[test]
fn path_traversal_member_names_are_reported() {
    let r = scan(&zip(&[member("../../etc/cron.d/x", b"x".to_vec())]));
    assert!(has(&r, "ARC007"), "{r:#?}");
}

// ---- resource attacks ---------------------------------------------------------------------

#[test]
fn dup_and_get_expansion_is_cheap_and_clean() {
    let mut p = P::new(4).empty_list().memoize();
    for _ in 0..50_000 {
        p = p.op(b'2').mark().get(0).get(0).get(0).appends();
    }
    let r = clean(&p.pop().stop().0);
    assert_eq!(r.format, Format::Pickle);
}

#[test]
fn stack_limit_is_inconclusive_not_malicious() {
    let mut o = opts();
    o.limits.max_stack = 100;
    let mut p = P::new(4);
    for _ in 0..200 {
        p = p.none();
    }
    let r = scan_bytes("deep", &p.stop().0, &o);
    assert!(has(&r, "PKL009"), "{r:#?}");
    assert_ne!(r.verdict, Verdict::Malicious);
}

#[test]
fn huge_length_fields_are_errors_not_allocations() {
    let data = P::new(4).op(0x8e).raw(&u64::MAX.to_le_bytes()).0;
    let r = scan(&data);
    assert_eq!(r.verdict, Verdict::Error);
    assert_eq!(r.errors[0].offset, Some(2));
    let frame = P::new(4)
        .op(0x95)
        .raw(&(1u64 << 40).to_le_bytes())
        .none()
        .stop()
        .0;
    assert_eq!(scan(&frame).verdict, Verdict::Error);
}

#[test]
fn zip_bomb_is_reported_not_expanded() {
    let z = zip(&[deflated("bomb.bin", vec![0u8; 50 << 20])]);
    assert!(z.len() < 200_000);
    let r = malicious(&z, "ARC001");
    assert_eq!(r.members_scanned, 1);
    let mut lying = deflated("small.bin", vec![0u8; 4 << 20]);
    lying.declared_size = Some(10);
    malicious(&zip(&[lying]), "ARC001");
}

#[test]
fn deep_container_nesting_hits_the_depth_limit() {
    let mut data = os_system();
    for i in 0..12 {
        data = zip(&[member(&format!("l{i}.zip"), data)]);
    }
    let r = scan(&data);
    assert!(has(&r, "ARC002"), "{r:#?}");
    assert_ne!(r.verdict, Verdict::Clean);
}

#[test]
fn entry_limit_stops_zip_and_tar_walks() {
    let mut o = opts();
    o.limits.max_entries = 2;
    let members: Vec<ZipMember> = (0..5)
        .map(|i| member(&format!("m{i}"), b"x".to_vec()))
        .collect();
    let r = scan_bytes("z", &zip(&members), &o);
    assert!(has(&r, "ARC003"), "{r:#?}");
    assert_eq!(r.members_scanned, 2);
    let t = tar(&[("a", vec![1]), ("b", vec![2]), ("c", os_system())]);
    let r = scan_bytes("t", &t, &o);
    assert!(has(&r, "ARC003"), "{r:#?}");
    assert_eq!(r.verdict, Verdict::Suspicious, "inconclusive, not clean");
}

#[test]
fn gzip_bomb_is_reported() {
    let g = gzip(&vec![0u8; 64 << 20]);
    malicious(&g, "ARC001");
}

// ---- NumPy ----------------------------------------------------------------------------------

#[test]
fn object_npy_pickle_is_scanned() {
    let r = malicious(&npy("'|O'", "(1,)", &os_system()), "os.system");
    assert_eq!(r.format, Format::Numpy);
    assert!(has(&r, "NPY001"));
}

#[test]
fn object_field_nested_in_a_structured_dtype_is_scanned() {
    let d = npy("[('a', '<f4'), ('b', [('c', '|O')])]", "(1,)", &os_system());
    malicious(&d, "os.system");
}

#[test]
fn npz_with_object_member_is_caught() {
    let z = zip(&[
        member("a.npy", npy("'<f4'", "(2,)", &[0u8; 8])),
        deflated("b.npy", npy("'|O'", "(1,)", &os_system())),
    ]);
    let r = malicious(&z, "os.system");
    assert_eq!(r.format, Format::NumpyNpz);
}

#[test]
fn benign_npy_and_npz_are_clean() {
    clean(&npy("'<f8'", "(2, 3)", &[0x80u8; 48]));
    clean(&npy(
        "[('x', '<i4'), ('y', '<f8', (2,))]",
        "(3,)",
        &[0u8; 60],
    ));
    let r = clean(&zip(&[
        member("a.npy", npy("'<f4'", "(4,)", &[0u8; 16])),
        deflated("b.npy", npy("'<u1'", "(1000,)", &[0x80u8; 1000])),
    ]));
    assert_eq!(r.format, Format::NumpyNpz);
}

#[test]
fn large_compressed_npz_member_is_checked_from_its_header_only() {
    let n = 9 << 17; // 9 MiB of float64 zeros, deflated to a few KiB
    let big = npy("'<f8'", &format!("({n},)"), &vec![0u8; n * 8]);
    let z = zip(&[deflated("big.npy", big)]);
    let r = clean(&z);
    assert!(r.bytes_inspected < 1 << 20, "{}", r.bytes_inspected);
    // A large object array must still be expanded and its pickle scanned.
    let mut obj = npy("'|O'", "(1,)", &os_system());
    let mut x = 88172645463325252u64;
    obj.extend((0..9 << 20).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    let r = scan(&zip(&[deflated("obj.npy", obj)]));
    assert!(has_global(&r, "os.system"), "{r:#?}");
}

#[test]
fn npy_size_mismatch_and_bad_header() {
    let r = scan(&npy("'<f8'", "(2, 3)", &[0u8; 40]));
    assert!(has(&r, "NPY002"));
    let mut bad = npy("'<f8'", "(2,)", &[0u8; 16]);
    bad[12] = b'X';
    assert_eq!(scan(&bad).verdict, Verdict::Error);
}

// ---- benign look-alikes -------------------------------------------------------------------

#[test]
fn benign_torch_zip_checkpoint_is_clean_and_reads_little() {
    let r = clean(&torch_zip(
        torch_state_dict(&[("fc.weight", 4), ("fc.bias", 2)]),
        2,
    ));
    assert_eq!(r.format, Format::PytorchZip);
    assert!(
        r.bytes_inspected < 4096,
        "storages must not be read: {}",
        r.bytes_inspected
    );
}

#[test]
fn benign_plain_state_dict_pickle_is_clean() {
    clean(&torch_state_dict(&[("a", 1), ("b", 2), ("c", 3)]));
}

#[test]
fn benign_numpy_and_sklearn_pickles_are_clean() {
    clean(&numpy_array_pickle(16));
    clean(&sklearn_logreg());
}

#[test]
fn benign_joblib_with_raw_array_bytes_is_clean() {
    // Raw float bytes that would parse as opcodes if not skipped.
    let values: Vec<u8> = b"cos\nsystem\n(S'id'\ntR."
        .iter()
        .cycle()
        .take(64)
        .copied()
        .collect();
    let r = clean(&joblib_array(&values, 8));
    assert_eq!(r.format, Format::Joblib);
}

/// joblib as it writes a wrapper whose dtype was memoized earlier (reused by BINGET), followed
/// by the array: object arrays are an inline pickle with no padding byte.
fn joblib_reused_dtype(descr: &str, n: usize, body: &[u8]) -> Vec<u8> {
    let p = P::new(4)
        .global("numpy", "dtype")
        .s(descr)
        .f()
        .t()
        .tuple3()
        .reduce()
        .put(9)
        .pop()
        .s("joblib.numpy_pickle")
        .s("NumpyArrayWrapper")
        .stack_global()
        .empty_tuple()
        .newobj()
        .empty_dict()
        .mark()
        .s("shape")
        .int(n as i64)
        .tuple1()
        .s("dtype")
        .get(9)
        .s("numpy_array_alignment_bytes")
        .int(16)
        .setitems()
        .build();
    let mut v = p.0;
    if !descr.contains('O') {
        let pad = 16 - (v.len() + 1) % 16;
        v.push(pad as u8);
        v.extend(vec![0xff; pad]);
    }
    v.extend(body);
    v.push(b'.');
    v
}

#[test]
fn joblib_dtype_reused_from_the_memo_is_sized() {
    let r = clean(&joblib_reused_dtype("<i4", 4, b"cos\nsystem\n(ttR."));
    assert_eq!(r.format, Format::Joblib);
}

#[test]
fn joblib_object_array_inline_pickle_is_scanned_without_padding() {
    clean(&joblib_reused_dtype("|O", 1, &numpy_array_pickle(2)));
    malicious(&joblib_reused_dtype("|O", 1, &os_system()), "os.system");
}

#[test]
fn payload_after_joblib_array_data_is_caught() {
    let mut data = joblib_array(&[0u8; 32], 8);
    data.pop(); // drop STOP: continue the same stream with a payload
    data.extend(P::new(0).call1("os", "system", "id").stop().0);
    malicious(&data, "os.system");
}

#[test]
fn benign_transformers_training_args_and_protocol0_dict_are_clean() {
    let args = P::new(4)
        .global("transformers.training_args", "TrainingArguments")
        .empty_tuple()
        .newobj()
        .empty_dict()
        .s("output_dir")
        .s("out")
        .setitem()
        .s("lr_scheduler_type")
        .global("transformers.trainer_utils", "SchedulerType")
        .s("linear")
        .tuple1()
        .reduce()
        .setitem()
        .build()
        .stop()
        .0;
    clean(&args);
    clean(b"(dp0\nS'a'\np1\n(lp2\nI1\naI2\nasS'b'\np3\nV\\u00e9\np4\ns.");
}

#[test]
fn benign_bytes_literal_that_looks_like_a_pickle_is_clean() {
    // A literal starting with pickle magic that is not a valid pickle must not make an error.
    let data = P::new(4)
        .bytes(b"\x80\x04garbage that is not a pickle")
        .stop()
        .0;
    clean(&data);
}

#[test]
fn benign_text_and_binary_files_are_unrecognised_not_errors() {
    for d in [
        &b"# README\nhello"[..],
        b"Lorem ipsum dolor",
        b"\x00\x01\x02\x03",
        b"{\"a\": 1}",
    ] {
        let r = scan(d);
        assert_eq!(r.verdict, Verdict::Clean, "{r:#?}");
        assert_eq!(r.format, Format::Unknown);
    }
}

// ---- extension games in a directory scan --------------------------------------------------

#[test]
fn directory_scan_finds_payloads_whatever_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).unwrap();
    std::fs::write(root.join("model.pt"), os_system()).unwrap();
    std::fs::write(root.join("weights.weights"), os_system()).unwrap();
    std::fs::write(root.join("sub/noext"), os_system()).unwrap();
    std::fs::write(root.join("sub/arr.npy"), npy("'|O'", "(1,)", &os_system())).unwrap();
    std::fs::write(
        root.join("ok.safetensors"),
        safetensors(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
            &[0; 8],
        ),
    )
    .unwrap();
    std::fs::write(root.join("empty"), b"").unwrap();
    let r = scan_paths(&[root.to_path_buf()], &ScanOptions::default());
    assert_eq!(r.summary.files, 6);
    assert_eq!(r.summary.malicious, 4, "{r:#?}");
    assert_eq!(r.summary.clean, 2);
    assert_eq!(r.exit_code(), 1);
    let st = r
        .files
        .iter()
        .find(|f| f.path.ends_with("ok.safetensors"))
        .unwrap();
    assert_eq!(st.sha256.as_deref().map(str::len), Some(64));
}
