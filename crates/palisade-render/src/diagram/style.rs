//! How component kinds and trust levels look: one family per group of kinds, with its shape and
//! colours, shared by the SVG, Mermaid and DOT writers so the three agree.

use palisade_model::{ComponentKind, TrustLevel};

/// A group of component kinds drawn alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// People and outside systems that use the system.
    Actor,
    /// Web apps, gateways, services, retrievers.
    Application,
    /// Models, LLMs, embedding models, inference endpoints, agents.
    Model,
    /// Databases, vector stores, knowledge bases, registries, queues, secrets.
    Store,
    /// Tools and MCP servers.
    Tool,
    /// Data sources, ingestion, preprocessing, training and fine-tuning pipelines.
    Pipeline,
    /// Guardrails, monitoring, logging and human review.
    Guard,
    /// Prompts, datasets and model artifacts.
    Artifact,
    /// Services, APIs and libraries from outside the organisation.
    External,
}

impl Family {
    /// Every family, in legend order.
    pub const ALL: [Family; 9] = [
        Family::Actor,
        Family::Application,
        Family::Model,
        Family::Store,
        Family::Tool,
        Family::Pipeline,
        Family::Guard,
        Family::Artifact,
        Family::External,
    ];

    /// The family of a component kind.
    pub fn of(kind: ComponentKind) -> Family {
        use ComponentKind as K;
        match kind {
            K::Actor => Family::Actor,
            K::WebApp | K::ApiGateway | K::Service | K::Retriever => Family::Application,
            K::Model | K::Llm | K::EmbeddingModel | K::InferenceEndpoint | K::Agent => {
                Family::Model
            }
            K::Datastore
            | K::SecretsStore
            | K::MessageQueue
            | K::ModelRegistry
            | K::FeatureStore
            | K::KnowledgeBase
            | K::VectorStore => Family::Store,
            K::Tool | K::McpServer => Family::Tool,
            K::DataSource
            | K::Preprocessing
            | K::TrainingPipeline
            | K::FineTuningPipeline
            | K::Ingestion
            | K::Postprocessing => Family::Pipeline,
            K::InputGuardrail
            | K::OutputGuardrail
            | K::HumanReview
            | K::Monitoring
            | K::Logging => Family::Guard,
            K::ModelArtifact | K::Dataset | K::PromptTemplate | K::SystemPrompt => Family::Artifact,
            K::ExternalService | K::ExternalApi | K::Library => Family::External,
        }
    }

    /// Legend text.
    pub fn label(self) -> &'static str {
        match self {
            Family::Actor => "Actor",
            Family::Application => "Application / service",
            Family::Model => "Model, LLM or agent",
            Family::Store => "Data store",
            Family::Tool => "Tool / MCP server",
            Family::Pipeline => "Data or training pipeline",
            Family::Guard => "Guardrail / oversight",
            Family::Artifact => "Prompt, dataset or artifact",
            Family::External => "External service",
        }
    }

    /// A short lowercase name (CSS classes, Mermaid classes).
    pub fn slug(self) -> &'static str {
        match self {
            Family::Actor => "actor",
            Family::Application => "app",
            Family::Model => "model",
            Family::Store => "store",
            Family::Tool => "tool",
            Family::Pipeline => "pipeline",
            Family::Guard => "guard",
            Family::Artifact => "artifact",
            Family::External => "external",
        }
    }

    /// Fill and stroke colours.
    pub fn colors(self) -> (&'static str, &'static str) {
        match self {
            Family::Actor => ("#f1f5f9", "#475569"),
            Family::Application => ("#e0f2fe", "#0369a1"),
            Family::Model => ("#ede9fe", "#6d28d9"),
            Family::Store => ("#fef3c7", "#b45309"),
            Family::Tool => ("#d1fae5", "#047857"),
            Family::Pipeline => ("#e0e7ff", "#4338ca"),
            Family::Guard => ("#ffe4e6", "#be123c"),
            Family::Artifact => ("#fae8ff", "#a21caf"),
            Family::External => ("#f5f5f4", "#57534e"),
        }
    }
}

/// Colours of a trust boundary: fill, stroke, title colour.
pub fn trust_colors(trust: Option<TrustLevel>) -> (&'static str, &'static str, &'static str) {
    match trust {
        Some(TrustLevel::Untrusted) => ("#fef2f2", "#dc2626", "#b91c1c"),
        Some(TrustLevel::Partner) => ("#fffbeb", "#d97706", "#b45309"),
        Some(TrustLevel::Trusted) => ("#eff6ff", "#3b82f6", "#1d4ed8"),
        Some(TrustLevel::Restricted) => ("#f0fdf4", "#16a34a", "#15803d"),
        None => ("#f8fafc", "#94a3b8", "#475569"),
    }
}

/// Colour of flows that cross a trust boundary.
pub const CROSSING: &str = "#ea580c";
/// Colour of flows inside one boundary.
pub const FLOW: &str = "#64748b";

/// A kind's name for captions (`vector-store` → `vector store`).
pub fn kind_caption(kind: ComponentKind) -> String {
    match kind {
        ComponentKind::Llm => "LLM".into(),
        ComponentKind::McpServer => "MCP server".into(),
        ComponentKind::ApiGateway => "API gateway".into(),
        ComponentKind::ExternalApi => "external API".into(),
        k => k.as_str().replace('-', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_distinct_colours() {
        let mut fills: Vec<_> = Family::ALL.iter().map(|f| f.colors().0).collect();
        fills.sort();
        fills.dedup();
        assert_eq!(fills.len(), Family::ALL.len());
    }

    #[test]
    fn captions_are_readable() {
        assert_eq!(kind_caption(ComponentKind::VectorStore), "vector store");
        assert_eq!(kind_caption(ComponentKind::Llm), "LLM");
    }
}
