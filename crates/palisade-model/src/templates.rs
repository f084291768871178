//! Starter models for `palisade init`.

/// A commented starter model.
pub struct Template {
    pub name: &'static str,
    pub summary: &'static str,
    pub text: &'static str,
}

pub const TEMPLATES: &[Template] = &[
    Template {
        name: "rag-assistant",
        summary: "a chat assistant answering from a knowledge base (RAG)",
        text: include_str!("../templates/rag-assistant.yaml"),
    },
    Template {
        name: "agent",
        summary: "a tool-using agent with e-mail, CRM and code tools",
        text: include_str!("../templates/agent.yaml"),
    },
    Template {
        name: "fine-tuning",
        summary: "a fine-tuning pipeline on internal data with a model registry",
        text: include_str!("../templates/fine-tuning.yaml"),
    },
    Template {
        name: "predictive-api",
        summary: "a predictive model (classifier) behind a scoring API",
        text: include_str!("../templates/predictive-api.yaml"),
    },
];
