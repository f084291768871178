//! Graph facts on the bundled examples and on small models built for one property each.

use palisade_analysis::{ChannelKind, Facts, PathKind, analyze};
use palisade_model::{Limits, RealFs, load, load_str};
use std::path::Path;

fn example(name: &str) -> Facts {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let loaded = load(&path, &RealFs, Limits::default());
    analyze(loaded.model.as_ref().expect("example is valid"))
}

fn facts(text: &str) -> Facts {
    let loaded = load_str("m.yaml", text);
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    analyze(
        loaded
            .model
            .as_ref()
            .unwrap_or_else(|| panic!("invalid: {errors:?}")),
    )
}

fn component<'f>(f: &'f Facts, id: &str) -> &'f palisade_analysis::ComponentFacts {
    f.components.iter().find(|c| c.id == id).expect(id)
}

#[test]
fn rag_assistant_has_direct_and_indirect_injection_paths() {
    let f = example("support-rag-assistant.yaml");
    let llm = component(&f, "support-llm");
    assert!(llm.direct_input && llm.indirect_input);
    assert_eq!(llm.taint_path.first().map(String::as_str), Some("customer"));
    assert!(
        llm.indirect_path.contains(&"knowledge-base".to_string()),
        "{:?}",
        llm.indirect_path
    );
    assert_eq!(
        llm.indirect_path.first().map(String::as_str),
        Some("ticket-submitter")
    );
    assert!(
        f.attack_paths
            .iter()
            .any(|p| p.kind == PathKind::RagInjection && p.target == "support-llm")
    );
    assert!(
        f.attack_paths
            .iter()
            .any(|p| p.kind == PathKind::LethalTrifecta)
    );
}

#[test]
fn low_risk_summarizer_has_no_untrusted_input_and_no_paths() {
    let f = example("internal-summarizer.yaml");
    assert!(f.components.iter().all(|c| !c.untrusted_input));
    assert!(f.attack_paths.is_empty(), "{:?}", f.attack_paths);
    let llm = component(&f, "summarizer-llm");
    assert!(llm.output_reviewed);
    assert!(llm.tools.is_empty() && llm.exfiltration.is_empty());
}

#[test]
fn agent_reaches_tools_and_unapproved_actions_form_paths() {
    let f = example("email-crm-agent.yaml");
    let agent = component(&f, "sales-agent");
    assert!(agent.indirect_input && !agent.direct_input);
    let mail = agent
        .tools
        .iter()
        .find(|t| t.tool == "mail-tool")
        .expect("mail tool");
    assert!(mail.approved, "sending needs approval in the model");
    let code = agent
        .tools
        .iter()
        .find(|t| t.tool == "code-exec-tool")
        .expect("code tool");
    assert!(!code.approved);
    assert!(
        f.attack_paths
            .iter()
            .any(|p| p.kind == PathKind::InjectionToAction && p.id.ends_with("code-exec-tool"))
    );
    // Approved sending is not an open exfiltration channel.
    assert!(
        agent
            .exfiltration
            .iter()
            .any(|c| c.kind == ChannelKind::ToolSend && c.approved)
    );
}

#[test]
fn fine_tuning_lineage_carries_personal_data_and_third_parties() {
    let f = example("fine-tuning-pipeline.yaml");
    let ep = component(&f, "inference-endpoint");
    assert!(ep.lineage.trained && ep.lineage.personal_data);
    assert!(
        ep.lineage
            .artifacts
            .contains(&"fine-tuned-model".to_string())
    );
    assert!(ep.lineage.outsourced_labels);
    assert!(!ep.lineage.untrusted_sources.is_empty());
}

const BASE: &str = "system: {name: t, criticality: high}\n";

#[test]
fn employees_are_not_untrusted_but_customers_are() {
    let m = |role: &str| {
        format!(
            "{BASE}components:\n  - {{id: u, kind: actor, role: {role}}}\n  - {{id: app, kind: web-app}}\n  - {{id: llm, kind: llm}}\nflows:\n  - {{from: u, to: app}}\n  - {{from: app, to: llm}}\n"
        )
    };
    assert!(!component(&facts(&m("employee")), "llm").untrusted_input);
    let f = facts(&m("customer"));
    let llm = component(&f, "llm");
    assert!(llm.direct_input && !llm.indirect_input);
    assert_eq!(llm.taint_path, ["u", "app", "llm"]);
}

#[test]
fn stored_user_content_is_indirect() {
    let f = facts(&format!(
        "{BASE}data_assets:\n  - {{id: reviews, classification: internal, origin: user-generated}}\ncomponents:\n  - {{id: db, kind: datastore, data: [reviews]}}\n  - {{id: llm, kind: llm}}\n  - {{id: ops, kind: actor, role: employee}}\nflows:\n  - {{from: ops, to: llm}}\n  - {{from: llm, to: db, returns: [reviews]}}\n"
    ));
    let llm = component(&f, "llm");
    assert!(!llm.direct_input && llm.indirect_input);
    assert_eq!(llm.taint_sources, ["reviews"]);
}

#[test]
fn boundary_crossings_and_trust_direction() {
    let f = facts(&format!(
        "{BASE}components:\n  - {{id: u, kind: actor, role: anonymous}}\n  - {{id: app, kind: web-app}}\n  - {{id: db, kind: datastore}}\nflows:\n  - {{from: u, to: app, protocol: http}}\n  - {{from: app, to: db, protocol: sql-tls}}\nboundaries:\n  - {{id: internet, trust: untrusted, contains: [u]}}\n  - {{id: corp, trust: trusted, contains: [app], boundaries: [vault]}}\n  - {{id: vault, trust: restricted, contains: [db]}}\n"
    ));
    let a = &f.flows[0];
    assert_eq!(a.crosses, ["corp", "internet"]);
    assert!(a.into_higher_trust);
    assert_eq!(a.protected, Some(false));
    let b = &f.flows[1];
    assert_eq!(b.crosses, ["vault"]);
    assert!(b.into_higher_trust && b.protected == Some(true));
}

#[test]
fn rendered_images_are_an_exfiltration_channel_only_when_rendered() {
    let m = |render: &str| {
        format!(
            "{BASE}data_assets:\n  - {{id: secret, classification: restricted}}\ncomponents:\n  - {{id: u, kind: actor, role: customer}}\n  - {{id: llm, kind: llm, data: [secret], output_rendering: [{render}]}}\nflows:\n  - {{from: u, to: llm}}\n"
        )
    };
    let f = facts(&m("plain-text"));
    assert!(component(&f, "llm").exfiltration.is_empty());
    assert!(f.attack_paths.is_empty());
    let f = facts(&m("images"));
    assert_eq!(
        component(&f, "llm").exfiltration[0].kind,
        ChannelKind::RenderedImage
    );
    assert!(
        f.attack_paths
            .iter()
            .any(|p| p.kind == PathKind::LethalTrifecta)
    );
}
