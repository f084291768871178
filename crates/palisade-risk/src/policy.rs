//! The risk policy: the levels of the risk matrix, the matrix itself and its severity bands —
//! an organisation's risk appetite, in a file (`--policy FILE`) or the shipped defaults.

use palisade_model::convert::{Cx, FromNode, MapNode};
use palisade_model::diag::{Diagnostic, codes};
use palisade_model::node::{Limits, parse};
use palisade_model::{Criticality, Loc, SourceMap, model_struct};
use palisade_threats::Text;
use std::path::PathBuf;

/// The shipped policy, as a user would write it.
pub const DEFAULT_POLICY: &str = include_str!("../policy/default.yaml");

model_struct! {
    /// The level a rule's base likelihood or impact (`low` … `critical`) starts at.
    pub struct BaseLevels as "base levels" {
        pub low: Loc<u64>,
        pub medium: Loc<u64>,
        pub high: Loc<u64>,
        pub critical: Loc<u64>,
    }
}

model_struct! {
    /// A risk policy.
    pub struct PolicyFile as "risk policy", check = check_policy {
        /// Names of the likelihood levels, lowest first.
        pub likelihood_levels: Vec<Loc<String>>,
        /// Names of the impact levels, lowest first.
        pub impact_levels: Vec<Loc<String>>,
        /// Severity bands, lowest first (`--fail-on` takes one of them).
        pub bands: Vec<Loc<String>>,
        /// The band of each cell: one row per impact level (lowest first), one column per
        /// likelihood level (lowest first).
        pub matrix: Vec<Loc<Vec<Loc<String>>>>,
        /// Where a rule's base levels start on the scales.
        pub base_levels: Loc<BaseLevels>,
        /// How many levels scoring factors may move an axis in total, either way.
        pub max_factor_shift: Loc<u64>,
        /// From which inherent band on a threat is significant enough for the defence-in-depth
        /// checks.
        pub depth_threshold: Loc<String>,
        /// How many days before its review date an acceptance is reported as due soon.
        pub review_warning_days: Loc<u64>,
    }
}

fn check_policy(p: &PolicyFile, map: &MapNode, cx: &mut Cx) {
    let anchor = map.anchor();
    for (what, levels) in [
        ("likelihood_levels", &p.likelihood_levels),
        ("impact_levels", &p.impact_levels),
    ] {
        if !(2..=10).contains(&levels.len()) {
            cx.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`{what}` needs 2 to 10 levels, not {}", levels.len()),
                )
                .label(map.key_span(what, cx.file).unwrap_or(anchor), "here"),
            );
        }
    }
    if p.bands.is_empty() {
        cx.push(
            Diagnostic::error(codes::INVALID_VALUE, "a policy needs at least one band")
                .label(map.key_span("bands", cx.file).unwrap_or(anchor), "empty"),
        );
    }
    let band_names: Vec<&str> = p.bands.iter().map(|b| b.value.as_str()).collect();
    if p.matrix.len() != p.impact_levels.len() {
        cx.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!(
                    "the matrix has {} rows; it needs one per impact level ({})",
                    p.matrix.len(),
                    p.impact_levels.len()
                ),
            )
            .label(map.key_span("matrix", cx.file).unwrap_or(anchor), "here"),
        );
    }
    for row in &p.matrix {
        if row.value.len() != p.likelihood_levels.len() {
            cx.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!(
                        "this row has {} cells; it needs one per likelihood level ({})",
                        row.value.len(),
                        p.likelihood_levels.len()
                    ),
                )
                .label(row.span, "here"),
            );
        }
        for cell in &row.value {
            unknown_band(cell, &band_names, cx);
        }
    }
    unknown_band(&p.depth_threshold, &band_names, cx);
    let b = &p.base_levels.value;
    for (name, l) in [
        ("likelihood", &p.likelihood_levels),
        ("impact", &p.impact_levels),
    ] {
        for v in [&b.low, &b.medium, &b.high, &b.critical] {
            if v.value == 0 || v.value as usize > l.len() {
                cx.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!(
                            "base level {} is outside the {name} scale 1..{}",
                            v.value,
                            l.len()
                        ),
                    )
                    .label(v.span, "out of range"),
                );
            }
        }
    }
}

fn unknown_band(cell: &Loc<String>, bands: &[&str], cx: &mut Cx) {
    if !bands.contains(&cell.value.as_str()) {
        let mut d = Diagnostic::error(
            codes::UNKNOWN_REFERENCE,
            format!("`{}` is not one of the bands", cell.value),
        )
        .label(cell.span, "unknown band")
        .help(format!("the bands are {}", bands.join(", ")));
        if let Some(s) = palisade_model::suggest(&cell.value, bands.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        cx.push(d);
    }
}

/// A checked policy, ready to score with.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Policy {
    pub likelihood_levels: Vec<String>,
    pub impact_levels: Vec<String>,
    pub bands: Vec<String>,
    /// `matrix[impact - 1][likelihood - 1]` is a band index.
    pub matrix: Vec<Vec<usize>>,
    /// Base level per criticality (low, medium, high, critical).
    pub base_levels: [u8; 4],
    pub max_factor_shift: u8,
    pub depth_threshold: usize,
    pub review_warning_days: u64,
    /// The level and band names as shared text, for the scores of many findings.
    #[serde(skip)]
    names: Names,
}

#[derive(Debug, Clone, Default)]
struct Names {
    likelihood: Vec<Text>,
    impact: Vec<Text>,
    bands: Vec<Text>,
}

/// `names[i]` shared when it still spells `strings[i]`, else a copy of `strings[i]`.
fn shared(names: &[Text], strings: &[String], i: usize) -> Text {
    match names.get(i) {
        Some(t) if *t == strings[i] => t.clone(),
        _ => Text::from(&strings[i]),
    }
}

impl Policy {
    /// The name of a likelihood level (0-based).
    pub fn likelihood_name(&self, i: usize) -> Text {
        shared(&self.names.likelihood, &self.likelihood_levels, i)
    }
    /// The name of an impact level (0-based).
    pub fn impact_name(&self, i: usize) -> Text {
        shared(&self.names.impact, &self.impact_levels, i)
    }
    /// The name of a band.
    pub fn band_name(&self, i: usize) -> Text {
        shared(&self.names.bands, &self.bands, i)
    }

    pub fn max_likelihood(&self) -> u8 {
        self.likelihood_levels.len() as u8
    }
    pub fn max_impact(&self) -> u8 {
        self.impact_levels.len() as u8
    }
    pub fn base(&self, c: Criticality) -> u8 {
        self.base_levels[match c {
            Criticality::Low => 0,
            Criticality::Medium => 1,
            Criticality::High => 2,
            Criticality::Critical => 3,
        }]
    }
    /// The band index of a cell.
    pub fn band(&self, likelihood: u8, impact: u8) -> usize {
        self.matrix[impact as usize - 1][likelihood as usize - 1]
    }
    pub fn band_index(&self, name: &str) -> Option<usize> {
        self.bands.iter().position(|b| b.eq_ignore_ascii_case(name))
    }
}

impl Default for Policy {
    fn default() -> Self {
        load(
            PathBuf::from("policy/default.yaml"),
            DEFAULT_POLICY.to_string(),
        )
        .policy
        .expect("the shipped policy is valid (tested)")
    }
}

pub struct LoadedPolicy {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub policy: Option<Policy>,
}

/// Read and check a policy file.
pub fn load(path: PathBuf, text: String) -> LoadedPolicy {
    let mut sources = SourceMap::default();
    let file = sources.add(path, text);
    let text = sources.get(file).text.clone();
    let parsed = match parse(&text, file, false, &Limits::default()) {
        Ok(node) => {
            let mut cx = Cx::new(file, &text);
            let p = PolicyFile::from_node(&node, &mut cx);
            (p, cx.diags)
        }
        Err(d) => (None, vec![d]),
    };
    let (p, mut diagnostics) = parsed;
    palisade_model::diag::sort(&mut diagnostics);
    let failed = diagnostics
        .iter()
        .any(|d| d.severity == palisade_model::Severity::Error);
    let policy = p.filter(|_| !failed).map(|p| {
        let band = |s: &str| p.bands.iter().position(|b| b.value == s).unwrap_or(0);
        let b = &p.base_levels.value;
        Policy {
            likelihood_levels: p
                .likelihood_levels
                .iter()
                .map(|l| l.value.clone())
                .collect(),
            impact_levels: p.impact_levels.iter().map(|l| l.value.clone()).collect(),
            bands: p.bands.iter().map(|l| l.value.clone()).collect(),
            matrix: p
                .matrix
                .iter()
                .map(|row| row.value.iter().map(|c| band(&c.value)).collect())
                .collect(),
            base_levels: [
                b.low.value as u8,
                b.medium.value as u8,
                b.high.value as u8,
                b.critical.value as u8,
            ],
            max_factor_shift: p.max_factor_shift.value.min(10) as u8,
            depth_threshold: band(&p.depth_threshold.value),
            review_warning_days: p.review_warning_days.value,
            names: Names::default(),
        }
    });
    let policy = policy.map(|mut p| {
        let texts = |v: &[String]| v.iter().map(Text::from).collect();
        p.names = Names {
            likelihood: texts(&p.likelihood_levels),
            impact: texts(&p.impact_levels),
            bands: texts(&p.bands),
        };
        p
    });
    LoadedPolicy {
        sources,
        diagnostics,
        policy,
    }
}
