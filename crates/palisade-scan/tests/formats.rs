//! safetensors, GGUF and Keras checks on generated files: malformed or hostile samples are
//! caught, well-formed look-alikes are clean.

mod common;

use common::*;
use palisade_scan::{FileReport, Format, ScanOptions, Verdict, scan_bytes};

fn scan(data: &[u8]) -> FileReport {
    let o = ScanOptions {
        hash: false,
        ..ScanOptions::default()
    };
    scan_bytes("sample", data, &o)
}

fn rules(r: &FileReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn safetensors_well_formed_is_clean() {
    let h = r#"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]}}  "#;
    let r = scan(&safetensors(h, &[0u8; 22]));
    assert_eq!(r.format, Format::Safetensors);
    assert_eq!(r.verdict, Verdict::Clean, "{r:#?}");
    assert!(r.bytes_inspected < 200);
}

#[test]
fn safetensors_structural_attacks_are_caught() {
    let oob = r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,1600]}}"#;
    let r = scan(&safetensors(oob, &[0u8; 16]));
    assert_eq!(r.verdict, Verdict::Malicious);
    assert!(rules(&r).contains(&"TEN001"));

    let overlap = r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#;
    assert!(rules(&scan(&safetensors(overlap, &[0u8; 16]))).contains(&"TEN002"));

    let gap = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#;
    let r = scan(&safetensors(gap, &[0u8; 20]));
    assert_eq!(
        rules(&r).iter().filter(|c| **c == "TEN003").count(),
        2,
        "gap and trailing bytes"
    );

    let lie = r#"{"a":{"dtype":"F64","shape":[4],"data_offsets":[0,16]}}"#;
    assert!(rules(&scan(&safetensors(lie, &[0u8; 16]))).contains(&"TEN004"));

    let overflow =
        r#"{"a":{"dtype":"F64","shape":[18446744073709551615,4],"data_offsets":[0,16]}}"#;
    assert!(rules(&scan(&safetensors(overflow, &[0u8; 16]))).contains(&"TEN004"));

    let dtype = r#"{"a":{"dtype":"Q9","shape":[4],"data_offsets":[0,16]}}"#;
    assert!(rules(&scan(&safetensors(dtype, &[0u8; 16]))).contains(&"TEN005"));

    let meta = r#"{"__metadata__":{"note":"<script>alert(1)</script>"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#;
    assert!(rules(&scan(&safetensors(meta, &[0u8; 1]))).contains(&"TEN006"));

    let dup = r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#;
    assert!(rules(&scan(&safetensors(dup, &[0u8; 1]))).contains(&"TEN007"));
}

#[test]
fn safetensors_malformed_header_is_an_error() {
    let r = scan(&safetensors("{\"a\": [1, 2", &[]));
    assert_eq!(r.verdict, Verdict::Error);
    let extra = r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"code":"x"}}"#;
    assert_eq!(scan(&safetensors(extra, &[0])).verdict, Verdict::Error);
}

#[test]
fn gguf_well_formed_with_a_normal_chat_template_is_clean() {
    let tpl = "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";
    let g = gguf(
        &[
            ("general.architecture", "llama"),
            ("tokenizer.chat_template", tpl),
        ],
        &[("tok_embd", &[4, 2], 0), ("out", &[8], 32)],
        64,
    );
    let r = scan(&g);
    assert_eq!(r.format, Format::Gguf);
    assert_eq!(r.verdict, Verdict::Clean, "{r:#?}");
}

#[test]
fn gguf_template_injection_is_caught() {
    let tpl = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
    let r = scan(&gguf(&[("tokenizer.chat_template", tpl)], &[], 0));
    assert_eq!(r.verdict, Verdict::Malicious);
    assert!(rules(&r).contains(&"GGUF001"));
    let attr = "{{ ()|attr('__class__') }}";
    assert!(rules(&scan(&gguf(&[("tokenizer.chat_template", attr)], &[], 0))).contains(&"GGUF001"));
}

#[test]
fn gguf_lying_tensors_are_caught() {
    let r = scan(&gguf(&[], &[("t", &[1 << 20, 1 << 20], 0)], 32));
    assert!(rules(&r).contains(&"TEN001"), "{r:#?}");
    let r = scan(&gguf(&[], &[("a", &[8], 0), ("b", &[8], 0)], 64));
    assert!(rules(&r).contains(&"TEN002"), "{r:#?}");
    let r = scan(&gguf(&[], &[("a", &[2], 4)], 64));
    assert!(rules(&r).contains(&"TEN003"), "{r:#?}");
}

#[test]
fn gguf_oversized_lengths_are_errors() {
    let mut g = b"GGUF".to_vec();
    g.extend(3u32.to_le_bytes());
    g.extend(0u64.to_le_bytes());
    g.extend(1u64.to_le_bytes());
    g.extend(u64::MAX.to_le_bytes()); // key length
    let r = scan(&g);
    assert_eq!(r.verdict, Verdict::Error);
    assert!(r.errors[0].offset.is_some());
    let mut bad_count = b"GGUF".to_vec();
    bad_count.extend(3u32.to_le_bytes());
    bad_count.extend(u64::MAX.to_le_bytes());
    bad_count.extend(u64::MAX.to_le_bytes());
    assert_eq!(scan(&bad_count).verdict, Verdict::Error);
}

fn keras_zip(config: &str, extra: Vec<ZipMember>) -> Vec<u8> {
    let mut m = vec![
        member("metadata.json", br#"{"keras_version": "3.4.1"}"#.to_vec()),
        member("config.json", config.as_bytes().to_vec()),
    ];
    m.extend(extra);
    zip(&m)
}

const DENSE: &str = r#"{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 2, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {}}}, "registered_name": null}"#;

#[test]
fn keras_sequential_model_is_clean() {
    let cfg = format!(
        r#"{{"module": "keras", "class_name": "Sequential", "config": {{"name": "s", "layers": [{DENSE}]}}}}"#
    );
    let r = scan(&keras_zip(
        &cfg,
        vec![member(
            "model.weights.h5",
            b"\x89HDF\r\n\x1a\nweights".to_vec(),
        )],
    ));
    assert_eq!(r.format, Format::Keras);
    assert_eq!(r.verdict, Verdict::Clean, "{r:#?}");
}

#[test]
fn keras_lambda_nested_in_a_submodel_is_caught() {
    let lambda = r#"{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "evil", "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA"}}}}"#;
    let cfg = format!(
        r#"{{"module": "keras", "class_name": "Functional", "config": {{"layers": [{{"module": "keras", "class_name": "Sequential", "config": {{"layers": [{DENSE}, {lambda}]}}}}]}}}}"#
    );
    let r = scan(&keras_zip(&cfg, vec![]));
    assert_eq!(r.verdict, Verdict::Malicious);
    let f = r.findings.iter().find(|f| f.rule == "KER001").unwrap();
    assert!(f.message.contains("evil"), "{f:?}");
    assert_eq!(f.member.as_deref(), Some("config.json"));
}

#[test]
fn keras_foreign_module_is_caught() {
    let cfg = r#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [{"module": "subprocess", "class_name": "Popen", "config": {}}]}}"#;
    let r = scan(&keras_zip(cfg, vec![]));
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "KER002" && f.global.as_deref() == Some("subprocess.Popen"))
    );
}

#[test]
fn keras_pickled_npz_weights_are_caught() {
    let npz = zip(&[member("w.npy", npy("'|O'", "(1,)", &os_system()))]);
    let cfg = format!(
        r#"{{"module": "keras", "class_name": "Sequential", "config": {{"layers": [{DENSE}]}}}}"#
    );
    let r = scan(&keras_zip(&cfg, vec![deflated("model.weights.npz", npz)]));
    assert_eq!(r.verdict, Verdict::Malicious);
    let f = r.findings.iter().find(|f| f.rule == "PKL001").unwrap();
    assert_eq!(
        f.member.as_deref(),
        Some("model.weights.npz/w.npy/<pickle>")
    );
}

#[test]
fn keras_h5_model_config_lambda_is_caught() {
    let mut h5 = b"\x89HDF\r\n\x1a\n\x00\x00\x00\x00".to_vec();
    h5.extend(br#"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l"}}]}}"#);
    h5.extend([0u8; 64]);
    let r = scan(&h5);
    assert_eq!(r.format, Format::KerasH5);
    assert!(r.findings.iter().any(|f| f.rule == "KER001"));
    let mut benign = b"\x89HDF\r\n\x1a\n".to_vec();
    benign.extend(
        format!(r#"{{"class_name": "Sequential", "config": {{"layers": [{DENSE}]}}}}"#).as_bytes(),
    );
    assert_eq!(scan(&benign).verdict, Verdict::Clean);
}

#[test]
fn tokenizer_config_chat_templates_are_checked() {
    let benign = br#"{"bos_token": "<s>", "chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}"}"#;
    let r = scan(benign);
    assert_eq!(r.format, Format::TokenizerConfig);
    assert_eq!(r.verdict, Verdict::Clean);
    let evil = br#"{"chat_template": [{"name": "default", "template": "ok"}, {"name": "tool_use", "template": "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}"}]}"#;
    let r = scan(evil);
    assert_eq!(r.verdict, Verdict::Malicious);
    assert!(
        r.findings[0].message.contains("chat_template[tool_use]"),
        "{r:#?}"
    );
    // Other JSON stays unrecognised.
    assert_eq!(
        scan(br#"{"architectures": ["BertModel"]}"#).format,
        Format::Unknown
    );
}
