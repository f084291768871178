//! The rule-file format: one threat per file, read with the same spanned loader as model files.

use palisade_model::convert::{Cx, MapNode};
use palisade_model::diag::{Diagnostic, codes};
use palisade_model::{ComponentKind, Criticality, Loc, model_enum, model_struct};

model_enum! {
    /// The threat categories of the framework, plus the LLM-application and classic threats.
    pub enum Category as "threat category" {
        /// Instructions smuggled into model input, directly or through processed content.
        PromptInjection = "prompt-injection",
        /// Corrupting training, fine-tuning or knowledge-base data, including backdoors.
        DataPoisoning = "data-poisoning",
        /// Copying a model's behaviour through its API, or stealing its weights.
        ModelExtraction = "model-extraction",
        /// Learning whether a record was in the training data, or reconstructing it.
        MembershipInference = "membership-inference",
        /// Inputs crafted to make a model decide wrongly.
        AdversarialExamples = "adversarial-examples",
        /// Compromised models, datasets, libraries and tools from third parties.
        SupplyChain = "supply-chain",
        /// Threats of LLM applications around the model (agency, output handling, disclosure, cost).
        LlmApplication = "llm-application",
        /// Classic infrastructure threats (STRIDE) where the model makes them real.
        Classic = "classic",
    }
}

model_enum! {
    /// STRIDE threat types.
    pub enum Stride as "STRIDE type" {
        /// Pretending to be someone else.
        Spoofing = "spoofing",
        /// Changing data or code.
        Tampering = "tampering",
        /// Denying having done something.
        Repudiation = "repudiation",
        /// Exposing information.
        InformationDisclosure = "information-disclosure",
        /// Making the system unavailable.
        DenialOfService = "denial-of-service",
        /// Gaining rights one should not have.
        ElevationOfPrivilege = "elevation-of-privilege",
    }
}

model_enum! {
    /// What a rule is evaluated on.
    pub enum Target as "rule target" {
        /// Each component (optionally only of some kinds).
        Component = "component",
        /// Each data flow.
        Flow = "flow",
    }
}

model_struct! {
    /// A precondition of an attack; it is listed on a finding when its condition holds.
    pub struct Precondition as "precondition" {
        /// The precondition in words.
        pub text: Loc<String>,
        /// When it holds (CEL, same variables as `when`); absent: always listed.
        pub when: Option<Loc<String>>,
    }
}

model_struct! {
    /// Documentation in a fixed shape, printed by `palisade rules show`.
    pub struct Docs as "rule documentation" {
        /// What the threat is.
        pub what: Loc<String>,
        /// Why it matters in systems where the rule fires.
        pub why: Loc<String>,
        /// A concrete attack.
        pub example: Loc<String>,
        /// What reduces it (defence in depth: prevention, detection, response).
        pub mitigations: Vec<Loc<String>>,
        /// Where to read more (framework ids or documents, in our own words).
        pub references: Vec<Loc<String>>,
    }
}

model_struct! {
    /// Identifiers of the threat in public taxonomies (ids and editions only).
    pub struct Mappings as "mapping set" {
        /// MITRE ATLAS technique ids (e.g. AML.T0051.000).
        pub atlas: Vec<Loc<String>>,
        /// OWASP Top 10 for LLM Applications ids with edition (e.g. LLM01:2025).
        pub owasp_llm: Vec<Loc<String>>,
        /// OWASP Machine Learning Security Top 10 ids (e.g. ML04:2023).
        pub owasp_ml: Vec<Loc<String>>,
        /// OWASP Top 10 for Agentic Applications ids (e.g. ASI02:2026).
        pub owasp_agentic: Vec<Loc<String>>,
        /// NIST AI 100-2 E2025 attack ids (e.g. NISTAML.018).
        pub nist: Vec<Loc<String>>,
        /// CWE ids (e.g. CWE-1427).
        pub cwe: Vec<Loc<String>>,
    }
}

model_struct! {
    /// An example model the rule must fire on (or must stay silent on).
    pub struct RuleTest as "rule test" {
        /// Whether the rule must fire on `target`.
        pub fires: Loc<bool>,
        /// The id of the component or flow to look at.
        pub target: Loc<String>,
        /// A complete model file.
        pub model: Loc<String>,
        /// Evidence from validation tools, as JSON: component id → artifact evidence
        /// (`scan_verdict`, `files_scanned`, `scan_findings`, `manifest_verified`, …).
        pub evidence: Option<Loc<String>>,
    }
}

model_struct! {
    /// One threat of the library.
    pub struct Rule as "threat rule", check = check_rule {
        /// Stable code: two to four capital letters and three digits (e.g. PI001).
        pub code: Loc<String>,
        /// Short kebab-case name.
        pub name: Loc<String>,
        /// One-line title.
        pub title: Loc<String>,
        pub category: Loc<Category>,
        #[serde(default)]
        pub stride: Vec<Loc<Stride>>,
        pub target: Loc<Target>,
        /// Component kinds the rule looks at (components only; empty: all kinds).
        #[serde(default)]
        pub kinds: Vec<Loc<ComponentKind>>,
        /// When the threat applies: a CEL expression over the documented variables.
        pub when: Loc<String>,
        /// How likely the attack is before any control, where the rule fires.
        pub base_likelihood: Loc<Criticality>,
        /// How bad its success is before any control.
        pub base_impact: Loc<Criticality>,
        /// How the attack is carried out.
        pub attack_vector: Loc<String>,
        #[serde(default)]
        pub preconditions: Vec<Loc<Precondition>>,
        /// What a successful attack does.
        pub impact: Loc<String>,
        /// Why the rule fired on this element; `{path}` inserts a value of the view.
        pub rationale: Loc<String>,
        pub docs: Loc<Docs>,
        pub mappings: Loc<Mappings>,
        /// Mitigation-catalog ids that address this threat.
        #[serde(default)]
        pub mitigations: Vec<Loc<String>>,
        /// Example models proving the rule fires where it should and only there.
        #[serde(default)]
        pub tests: Vec<Loc<RuleTest>>,
    }
}

fn check_rule(r: &Rule, _: &MapNode, cx: &mut Cx) {
    let code = r.code.value.as_str();
    let letters = code.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &code[letters..];
    if !(2..=4).contains(&letters)
        || digits.len() != 3
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        cx.push(
            Diagnostic::error(codes::INVALID_VALUE, format!("rule code `{code}` is malformed"))
                .label(r.code.span, "expected two to four capital letters and three digits")
                .help("for example `PI001`; your own packs can use a prefix of their own, such as `ACME001`"),
        );
    }
    if r.target.value == Target::Flow && !r.kinds.is_empty() {
        cx.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                "`kinds` applies to component rules only",
            )
            .label(r.kinds[0].span, "this rule targets flows"),
        );
    }
}

model_enum! {
    /// The two axes of the risk matrix.
    pub enum Axis as "risk axis" {
        /// How likely a successful attack is.
        Likelihood = "likelihood",
        /// How bad a successful attack is.
        Impact = "impact",
    }
}

model_struct! {
    /// A scoring factor: when its condition holds on a finding's element, it moves the finding's
    /// likelihood or impact by `delta` levels, and the reason is shown with the score.
    pub struct Factor as "scoring factor", check = check_factor {
        /// Stable kebab-case id, shown in explanations.
        pub id: Loc<String>,
        /// Whether it looks at component findings or flow findings.
        pub target: Loc<Target>,
        /// Threat categories it applies to (empty: all).
        #[serde(default)]
        pub categories: Vec<Loc<Category>>,
        /// Rule codes it applies to (empty: all rules of the categories).
        #[serde(default)]
        pub codes: Vec<Loc<String>>,
        /// Which axis it moves.
        pub affects: Loc<Axis>,
        /// By how many levels (-2 to +2).
        pub delta: Loc<i64>,
        /// When it holds: CEL over the same variables as rule conditions.
        pub when: Loc<String>,
        /// Why, in words; `{path}` inserts a value of the view, as in rationales.
        pub reason: Loc<String>,
    }
}

fn check_factor(f: &Factor, _: &MapNode, cx: &mut Cx) {
    if !(-2..=2).contains(&f.delta.value) || f.delta.value == 0 {
        cx.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                "a factor moves a score by -2 to +2 levels",
            )
            .label(f.delta.span, format!("{} is out of range", f.delta.value))
            .help("use 1 or -1 for an ordinary factor, 2 or -2 for a decisive one"),
        );
    }
}

model_struct! {
    /// A file of scoring factors (`factors:` at the top level).
    pub struct FactorFile as "factor file" {
        pub factors: Vec<Loc<Factor>>,
    }
}
