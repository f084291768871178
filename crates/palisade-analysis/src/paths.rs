//! Attack paths: ordered chains from an entry point to an impact, built from the facts.

use crate::{ChannelKind, Facts, RISKY};
use palisade_model::{Action, ComponentKind as K};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PathKind {
    /// One model context combines untrusted content, private data and an exfiltration channel.
    LethalTrifecta,
    /// Untrusted content reaches a model that can trigger risky tool actions without approval.
    InjectionToAction,
    /// Untrusted content reaches a model through a knowledge base or vector store.
    RagInjection,
    /// Untrusted data reaches training or fine-tuning.
    TrainingPoisoning,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AttackPath {
    /// Stable id: kind and target.
    pub id: String,
    pub kind: PathKind,
    /// Where the attacker's content enters.
    pub entry: String,
    /// The component the path runs through to its impact (model context or trained model).
    pub target: String,
    /// Component ids in order, entry first.
    pub steps: Vec<String>,
    /// What happens at the end, in a few words.
    pub impact: String,
}

pub(crate) fn attack_paths(f: &Facts) -> Vec<AttackPath> {
    let kinds: std::collections::HashMap<&str, K> = f
        .components
        .iter()
        .map(|c| (c.id.as_str(), c.kind))
        .collect();
    let kind_of = |id: &str| kinds.get(id).copied();
    let mut out = Vec::new();
    for c in &f.components {
        if matches!(c.kind, K::Llm | K::Agent) && c.untrusted_input {
            let entry = c
                .taint_sources
                .first()
                .cloned()
                .unwrap_or_else(|| c.taint_path.first().cloned().unwrap_or_default());
            let mut base = c.taint_path.clone();
            if base.last() != Some(&c.id) {
                base.push(c.id.clone());
            }
            if base.first() != Some(&entry) {
                base.insert(0, entry.clone());
            }
            if let Some(ch) = c.exfiltration.iter().find(|ch| !ch.approved)
                && !c.sensitive_data.is_empty()
            {
                let mut steps = base.clone();
                if !steps.contains(&ch.via) {
                    steps.push(ch.via.clone());
                }
                let how = match ch.kind {
                    ChannelKind::ToolSend => "sends it out through",
                    ChannelKind::RenderedImage => "leaks it in image URLs rendered by",
                    ChannelKind::RenderedLink => "leaks it in links rendered by",
                    ChannelKind::RenderedHtml => "leaks it in HTML rendered by",
                    ChannelKind::ExternalApi => "passes it to the external API",
                };
                out.push(AttackPath {
                    id: format!("lethal-trifecta:{}", c.id),
                    kind: PathKind::LethalTrifecta,
                    entry: entry.clone(),
                    target: c.id.clone(),
                    steps,
                    impact: format!(
                        "injected instructions make `{}` read {} and {} `{}`",
                        c.id,
                        c.sensitive_data.join(", "),
                        how,
                        ch.via
                    ),
                });
            }
            for t in &c.tools {
                let risky: Vec<&Action> = t.actions.iter().filter(|a| RISKY.contains(a)).collect();
                if risky.is_empty() || t.approved {
                    continue;
                }
                let mut steps = base.clone();
                for p in t.path.iter().skip(1) {
                    if !steps.contains(p) {
                        steps.push(p.clone());
                    }
                }
                out.push(AttackPath {
                    id: format!("injection-to-action:{}:{}", c.id, t.tool),
                    kind: PathKind::InjectionToAction,
                    entry: entry.clone(),
                    target: c.id.clone(),
                    steps,
                    impact: format!(
                        "injected instructions make `{}` call `{}` to {} without approval",
                        c.id,
                        t.tool,
                        risky
                            .iter()
                            .map(|a| a.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            if c.indirect_path
                .iter()
                .any(|p| matches!(kind_of(p), Some(K::KnowledgeBase | K::VectorStore)))
            {
                let mut steps = c.indirect_path.clone();
                if steps.last() != Some(&c.id) {
                    steps.push(c.id.clone());
                }
                out.push(AttackPath {
                    id: format!("rag-injection:{}", c.id),
                    kind: PathKind::RagInjection,
                    entry: steps[0].clone(),
                    target: c.id.clone(),
                    steps,
                    impact: format!(
                        "content planted in the knowledge base is retrieved into `{}`'s context",
                        c.id
                    ),
                });
            }
        }
        if (c.kind.is_model() || c.kind == K::ModelArtifact)
            && c.lineage.trained
            && !c.lineage.untrusted_sources.is_empty()
        {
            let mut steps = c.lineage.untrusted_sources.clone();
            steps.extend(c.lineage.pipelines.iter().cloned());
            steps.push(c.id.clone());
            out.push(AttackPath {
                id: format!("training-poisoning:{}", c.id),
                kind: PathKind::TrainingPoisoning,
                entry: c.lineage.untrusted_sources[0].clone(),
                target: c.id.clone(),
                steps,
                impact: format!("poisoned training data changes how `{}` behaves", c.id),
            });
        }
    }
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.id.cmp(&b.id)));
    out
}
