//! The rule table: every finding the scanner can emit, with a stable code, a severity and its doc.
//!
//! Adding a rule touches this table and the code that decides it; nothing else.

use crate::report::Severity;

macro_rules! rules {
    ($( $variant:ident => ($code:literal, $name:literal, $sev:ident, $what:literal, $why:literal); )*) => {
        /// A scanner rule. Codes are stable: they appear in JSON and SARIF reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule { $( #[doc = $what] $variant, )* }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];
            /// Stable code, e.g. `PKL001`.
            pub fn code(self) -> &'static str { match self { $( Rule::$variant => $code, )* } }
            /// Short kebab-case name.
            pub fn name(self) -> &'static str { match self { $( Rule::$variant => $name, )* } }
            /// Default severity of a finding of this rule.
            pub fn severity(self) -> Severity { match self { $( Rule::$variant => Severity::$sev, )* } }
            /// What the rule detects.
            pub fn what(self) -> &'static str { match self { $( Rule::$variant => $what, )* } }
            /// Why it matters.
            pub fn why(self) -> &'static str { match self { $( Rule::$variant => $why, )* } }
        }
    };
}

rules! {
    DangerousGlobal => ("PKL001", "dangerous-global", Critical,
        "A pickle imports a denylisted callable or module (GLOBAL, STACK_GLOBAL or INST).",
        "Unpickling imports the object and usually calls it: this is arbitrary code execution.");
    UnknownGlobal => ("PKL002", "unknown-global", Medium,
        "A pickle imports a global that is neither on the allowlist nor on the denylist.",
        "Unlisted imports may be benign custom classes or an evasion of denylists; review, and fail under --strict.");
    DynamicGlobal => ("PKL003", "dynamic-global", High,
        "A STACK_GLOBAL operand is not a plain string (bytes, number, call result, missing memo entry).",
        "The imported name cannot be known statically; scanners that assume strings are bypassed this way.");
    MissingMemo => ("PKL004", "missing-memo", High,
        "A memo GET refers to a key that was never stored.",
        "Valid pickles never do this; it desynchronises scanners that track the memo naively.");
    DunderAccess => ("PKL005", "dunder-access", High,
        "An imported module or name has a dunder component such as __builtins__ or __globals__.",
        "Dunder attributes reach interpreter internals and are the usual path out of an allowlisted module.");
    BuildOnGlobal => ("PKL006", "build-on-global", High,
        "BUILD is applied to an imported module, class or function rather than to an instance.",
        "BUILD on a global sets attributes on it (the setattr gadget, e.g. numpy.__builtins__).");
    ExtensionRegistry => ("PKL007", "extension-registry", High,
        "EXT1/EXT2/EXT4 import a global through the copyreg extension registry.",
        "The target depends on the loading process's registry and cannot be checked statically.");
    TrailingData => ("PKL008", "trailing-data", Low,
        "Bytes follow the last STOP opcode and are not another pickle.",
        "Loaders ignore them, so they can smuggle content past tools that stop at the first pickle.");
    ResourceLimit => ("PKL009", "resource-limit", Medium,
        "A scan limit (stack, memo, nesting) was reached; the scan of this stream is inconclusive.",
        "Inputs built to exhaust analysers must not pass as clean.");
    NestedPayload => ("PKL010", "nested-payload", Info,
        "A bytes or string literal holds a nested pickle, archive or compressed stream, scanned recursively.",
        "Payloads are hidden inside literals that are later fed to pickle.loads or zlib.decompress.");
    JoblibPartial => ("PKL011", "joblib-partial", Medium,
        "A joblib array's raw data could not be sized, so the rest of the stream was not scanned.",
        "Content after an unsized array is unknown.");
    ArchiveBomb => ("ARC001", "archive-bomb", High,
        "A container member or stream expands beyond the size or ratio limit; it was not expanded.",
        "Decompression bombs exhaust memory and disk of the loading process.");
    DepthLimit => ("ARC002", "depth-limit", Medium,
        "Containers are nested deeper than the depth limit; inner content was not scanned.",
        "Deep nesting is used to hide payloads from scanners with fixed recursion.");
    EntryLimit => ("ARC003", "entry-limit", Medium,
        "A container has more entries than the entry limit; the rest were not scanned.",
        "Huge entry counts exhaust scanners and hide members past the limit.");
    DuplicateMember => ("ARC004", "duplicate-member", Medium,
        "Two archive members share a name.",
        "Readers disagree on which copy wins (parser differential); every copy is scanned.");
    PrependedData => ("ARC005", "prepended-data", Low,
        "A zip archive is preceded by other data (polyglot file).",
        "Tools that check the magic at byte 0 miss the archive; zip readers still open it.");
    Uninspected => ("ARC006", "uninspected", Low,
        "Content uses a compression or encryption the scanner cannot decode, so it was not inspected.",
        "Unscanned content cannot be vouched for.");
    PathTraversal => ("ARC007", "path-traversal", Medium,
        "A member or key name is absolute or contains `..` components.",
        "Extraction or lookup by such names can write or read outside the intended directory.");
    HeaderMismatch => ("ARC008", "header-mismatch", Low,
        "A zip member's local header disagrees with its central-directory entry.",
        "Readers that trust different headers see different files (parser differential).");
    TorchScriptCode => ("TOR001", "torchscript-code", Info,
        "The archive is a TorchScript module with code under code/.",
        "TorchScript code runs when the module is loaded; it is restricted to TorchScript ops.");
    NumpyObjectArray => ("NPY001", "numpy-object-array", Info,
        "A NumPy array has an object dtype, so its data is a pickle (scanned as such).",
        "Loading it requires allow_pickle=True, which runs the pickle; the pickle's own findings decide the verdict.");
    NumpySizeMismatch => ("NPY002", "numpy-size-mismatch", Medium,
        "A NumPy array's data length differs from shape x itemsize.",
        "Extra bytes can hide content; missing bytes make a truncated file.");
    TensorOutOfBounds => ("TEN001", "tensor-out-of-bounds", High,
        "A tensor's offsets or size fall outside the data section, or its declared size overflows.",
        "Out-of-bounds offsets are memory-safety exploits against loaders that trust them.");
    TensorOverlap => ("TEN002", "tensor-overlap", High,
        "Two tensors' byte ranges overlap.",
        "Overlapping tensors alias memory and break integrity assumptions of loaders.");
    TensorGap => ("TEN003", "tensor-gap", Medium,
        "Tensor data leaves gaps or trailing bytes in the data section, or is misaligned.",
        "Unaccounted bytes can carry hidden content.");
    TensorSizeMismatch => ("TEN004", "tensor-size-mismatch", High,
        "A tensor's byte size differs from its shape x dtype size.",
        "Loaders computing sizes from shape read out of bounds.");
    UnknownDtype => ("TEN005", "unknown-dtype", Medium,
        "A tensor has an unknown dtype or tensor type.",
        "Unknown types cannot be sized or validated.");
    SuspiciousMetadata => ("TEN006", "suspicious-metadata", Medium,
        "Metadata holds oversized values or text that looks like code, markup, paths or credentials.",
        "Metadata is rendered or consumed by other tools and services.");
    DuplicateKey => ("TEN007", "duplicate-key", Medium,
        "A header has the same key twice.",
        "Parsers disagree on which value wins (parser differential).");
    TemplateInjection => ("GGUF001", "template-injection", High,
        "A chat template (GGUF metadata or tokenizer_config.json) uses server-side template injection primitives (__class__, __globals__, attr filters ...).",
        "Runtimes render chat templates with Jinja; these primitives escape the sandbox (CVE-2024-34359 class).");
    KerasLambda => ("KER001", "keras-lambda", High,
        "A Keras model config contains a Lambda layer.",
        "Lambda layers carry serialized Python bytecode that runs when the model is loaded.");
    KerasForeignModule => ("KER002", "keras-foreign-module", High,
        "A Keras config refers to a module outside the keras namespace.",
        "Keras imports the named module while deserialising (CVE-2025-1550 class).");
    UnrecognisedFormat => ("ART001", "unrecognised-format", Info,
        "The content is not a format the scanner recognises.",
        "Nothing in it was inspected.");
}

impl Rule {
    /// Looks a rule up by code (case-insensitive).
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for r in Rule::ALL {
            assert!(seen.insert(r.code()), "duplicate code {}", r.code());
            assert_eq!(Rule::from_code(r.code()), Some(*r));
            assert!(!r.what().is_empty() && !r.why().is_empty());
        }
    }
}
