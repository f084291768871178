//! SARIF 2.1.0 rendering of a scan report (the subset code-scanning services read).

use crate::report::{ScanReport, Severity};
use crate::rules::Rule;
use serde::Serialize;

/// The SARIF schema URI written into reports.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    information_uri: &'static str,
    rules: Vec<RuleDesc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDesc {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    default_configuration: Config,
    help: Text,
}

#[derive(Serialize)]
struct Config {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
    properties: Props,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    #[serde(rename = "palisadeFinding/v1")]
    finding: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    severity: &'static str,
    verdict: &'static str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    byte_offset: u64,
}

/// SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Percent-encodes a path as a relative or `file://` URI reference.
fn uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else if b == b'\\' {
            out.push('/');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(path: &str, offset: Option<u64>) -> Location {
    Location {
        physical_location: Physical {
            artifact_location: Artifact { uri: uri(path) },
            region: offset.map(|byte_offset| Region { byte_offset }),
        },
    }
}

/// Renders `report` as a SARIF 2.1.0 log.
pub fn to_sarif(report: &ScanReport) -> serde_json::Value {
    let rules = Rule::ALL
        .iter()
        .map(|r| RuleDesc {
            id: r.code(),
            name: r.name(),
            short_description: Text {
                text: r.what().to_string(),
            },
            full_description: Text {
                text: format!("{} {}", r.what(), r.why()),
            },
            default_configuration: Config {
                level: level(r.severity()),
            },
            help: Text {
                text: r.why().to_string(),
            },
        })
        .collect();
    let mut results = Vec::new();
    let mut notes = Vec::new();
    for f in &report.files {
        for x in &f.findings {
            let Some(rule) = Rule::from_code(&x.rule) else {
                continue;
            };
            let rule_index = Rule::ALL.iter().position(|r| *r == rule).unwrap_or(0);
            let text = match &x.member {
                Some(m) => format!("{} (in {m})", x.message),
                None => x.message.clone(),
            };
            results.push(SarifResult {
                rule_id: rule.code(),
                rule_index,
                level: level(x.severity),
                message: Text { text },
                locations: vec![location(
                    &f.path,
                    if x.member.is_none() { x.offset } else { None },
                )],
                partial_fingerprints: Fingerprints {
                    finding: format!(
                        "{}:{}:{}:{}",
                        x.rule,
                        x.member.as_deref().unwrap_or(""),
                        x.global.as_deref().unwrap_or(""),
                        x.offset.unwrap_or(0)
                    ),
                },
                properties: Props {
                    severity: x.severity.as_str(),
                    verdict: match f.verdict {
                        crate::Verdict::Clean => "clean",
                        crate::Verdict::Suspicious => "suspicious",
                        crate::Verdict::Malicious => "malicious",
                        crate::Verdict::Error => "error",
                    },
                    format: f.format.as_str(),
                    member: x.member.clone(),
                    member_offset: x.member.as_ref().and(x.offset),
                    global: x.global.clone(),
                },
            });
        }
        for e in &f.errors {
            let text = match &e.member {
                Some(m) => format!("{} (in {m})", e.message),
                None => e.message.clone(),
            };
            notes.push(Notification {
                level: "error",
                message: Text { text },
                locations: vec![location(
                    &f.path,
                    if e.member.is_none() { e.offset } else { None },
                )],
            });
        }
    }
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "palisade",
                    version: report.tool.version.clone(),
                    information_uri: "https://example.invalid/palisade",
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.summary.error == 0,
                tool_execution_notifications: notes,
            }],
            results,
        }],
    };
    serde_json::to_value(log).unwrap_or(serde_json::Value::Null)
}
