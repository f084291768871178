//! Component kinds, and which attributes each kind may carry.
//!
//! Every item of the framework's Phase 1 decomposition has a kind of its own, so rules can be
//! precise: a vector store is not "a datastore with a flag", and a tool is not "an LLM with
//! `hasAgentCapabilities`".

use crate::model_enum;

model_enum! {
    /// What a component is. The kind decides which attributes apply and which threats can.
    pub enum ComponentKind as "component kind" {
        // People and classic application parts.
        /// A person or external system that uses the system (end user, employee, partner, attacker model).
        Actor = "actor",
        /// A web front end or chat UI.
        WebApp = "web-app",
        /// An API gateway or reverse proxy in front of services.
        ApiGateway = "api-gateway",
        /// An application service or backend.
        Service = "service",
        /// A queue or event bus between services.
        MessageQueue = "message-queue",
        /// A database, bucket or file store.
        Datastore = "datastore",
        /// A secrets manager or key vault.
        SecretsStore = "secrets-store",
        /// A third-party service outside the team's control (SaaS, CRM, e-mail provider).
        ExternalService = "external-service",
        /// A third-party software library or framework (inference runtime, tokenizer, SDK).
        Library = "library",
        // Training side.
        /// Where training or knowledge data comes from (a feed, crawl, CRM export, labelling vendor).
        DataSource = "data-source",
        /// A training, evaluation or fine-tuning dataset.
        Dataset = "dataset",
        /// Data preparation: cleaning, labelling, feature extraction, or inference-time pre-processing.
        Preprocessing = "preprocessing",
        /// A (pre-)training pipeline that produces model weights.
        TrainingPipeline = "training-pipeline",
        /// A fine-tuning pipeline that adapts a base model on new data.
        FineTuningPipeline = "fine-tuning-pipeline",
        /// Model weights and configuration as a file or directory (checkpoint, safetensors, GGUF).
        ModelArtifact = "model-artifact",
        /// A model registry or hub that stores and serves artifacts.
        ModelRegistry = "model-registry",
        /// A feature store feeding training and inference.
        FeatureStore = "feature-store",
        // Inference side.
        /// A predictive model (classifier, regressor, ranker, detector).
        Model = "model",
        /// A large language model (self-hosted or called through a vendor API).
        Llm = "llm",
        /// A model that turns text or images into embedding vectors.
        EmbeddingModel = "embedding-model",
        /// A model-serving endpoint (inference API) that executes a model.
        InferenceEndpoint = "inference-endpoint",
        /// Post-processing of model output before it is used (parsing, formatting, thresholds).
        Postprocessing = "postprocessing",
        // Retrieval-augmented generation.
        /// A pipeline that ingests documents into a knowledge base (crawler, ticket importer, chunker).
        Ingestion = "ingestion",
        /// A document collection the system retrieves from (wiki, ticket archive, file share).
        KnowledgeBase = "knowledge-base",
        /// A vector database holding embeddings.
        VectorStore = "vector-store",
        /// Retrieval logic that selects context for a model.
        Retriever = "retriever",
        // Agents and tools.
        /// An agent or orchestrator that plans and calls tools with a model.
        Agent = "agent",
        /// A tool or function a model or agent can call.
        Tool = "tool",
        /// A Model Context Protocol server exposing tools or resources.
        McpServer = "mcp-server",
        /// An external API called by a tool, agent or model.
        ExternalApi = "external-api",
        // Prompts, safety and oversight.
        /// A prompt template that assembles model input.
        PromptTemplate = "prompt-template",
        /// System instructions given to a model.
        SystemPrompt = "system-prompt",
        /// A filter or classifier that checks input before it reaches a model.
        InputGuardrail = "input-guardrail",
        /// A filter that checks model output before it is used or shown.
        OutputGuardrail = "output-guardrail",
        /// Human oversight: review, approval or escalation by people.
        HumanReview = "human-review",
        /// Monitoring and alerting.
        Monitoring = "monitoring",
        /// Logging and audit trails.
        Logging = "logging",
    }
}

use ComponentKind as K;

impl ComponentKind {
    /// Kinds that execute a trained model.
    pub fn is_model(self) -> bool {
        matches!(
            self,
            K::Model | K::Llm | K::EmbeddingModel | K::InferenceEndpoint
        )
    }

    /// Kinds that accept requests from others (where exposure and authentication make sense).
    pub fn is_reachable(self) -> bool {
        !matches!(
            self,
            K::Actor
                | K::Library
                | K::PromptTemplate
                | K::SystemPrompt
                | K::ModelArtifact
                | K::Dataset
                | K::DataSource
                | K::HumanReview
        )
    }
}

/// Which kinds may carry an attribute; `None` means every kind.
pub fn attribute_kinds(attribute: &str) -> Option<&'static [ComponentKind]> {
    const MODELS: &[K] = &[K::Model, K::Llm, K::EmbeddingModel, K::InferenceEndpoint];
    const MODEL_OUTPUT: &[K] = &[
        K::Model,
        K::Llm,
        K::InferenceEndpoint,
        K::Agent,
        K::Postprocessing,
    ];
    const RENDERERS: &[K] = &[
        K::Model,
        K::Llm,
        K::InferenceEndpoint,
        K::Agent,
        K::Postprocessing,
        K::WebApp,
    ];
    const TRAINED: &[K] = &[K::Model, K::Llm, K::EmbeddingModel, K::ModelArtifact];
    const QUERYABLE: &[K] = &[
        K::Model,
        K::Llm,
        K::EmbeddingModel,
        K::InferenceEndpoint,
        K::Agent,
        K::WebApp,
        K::ApiGateway,
        K::Service,
        K::Tool,
        K::McpServer,
        K::ExternalApi,
        K::Retriever,
    ];
    const SUPPLIED: &[K] = &[
        K::Model,
        K::Llm,
        K::EmbeddingModel,
        K::ModelArtifact,
        K::Dataset,
        K::DataSource,
        K::Tool,
        K::McpServer,
        K::ExternalApi,
        K::ExternalService,
        K::Library,
        K::Agent,
        K::InferenceEndpoint,
    ];
    const ARTIFACTS: &[K] = &[
        K::Model,
        K::Llm,
        K::EmbeddingModel,
        K::ModelArtifact,
        K::Dataset,
        K::Library,
    ];
    const DATA_PIPELINE: &[K] = &[
        K::DataSource,
        K::Dataset,
        K::Preprocessing,
        K::Ingestion,
        K::TrainingPipeline,
        K::FineTuningPipeline,
        K::KnowledgeBase,
        K::VectorStore,
        K::FeatureStore,
    ];
    const RECORDS: &[K] = &[
        K::DataSource,
        K::Dataset,
        K::KnowledgeBase,
        K::VectorStore,
        K::FeatureStore,
    ];
    const RETRIEVAL: &[K] = &[K::KnowledgeBase, K::VectorStore, K::Retriever];
    const TOOLS: &[K] = &[K::Tool, K::McpServer, K::ExternalApi];
    const AGENTS: &[K] = &[K::Agent, K::Llm];
    const PROMPTS: &[K] = &[K::PromptTemplate, K::SystemPrompt];
    const GUARDRAILS: &[K] = &[K::InputGuardrail, K::OutputGuardrail];
    const OBSERVERS: &[K] = &[K::Monitoring, K::Logging];
    const AT_REST: &[K] = &[
        K::Datastore,
        K::SecretsStore,
        K::KnowledgeBase,
        K::VectorStore,
        K::FeatureStore,
        K::ModelRegistry,
        K::Dataset,
        K::ModelArtifact,
        K::MessageQueue,
        K::Logging,
    ];
    const HOSTED: &[K] = &[
        K::Model,
        K::Llm,
        K::EmbeddingModel,
        K::InferenceEndpoint,
        K::Agent,
    ];
    const REACHABLE: &[K] = &[
        K::WebApp,
        K::ApiGateway,
        K::Service,
        K::MessageQueue,
        K::Datastore,
        K::SecretsStore,
        K::ExternalService,
        K::Preprocessing,
        K::TrainingPipeline,
        K::FineTuningPipeline,
        K::ModelRegistry,
        K::FeatureStore,
        K::Model,
        K::Llm,
        K::EmbeddingModel,
        K::InferenceEndpoint,
        K::Postprocessing,
        K::Ingestion,
        K::KnowledgeBase,
        K::VectorStore,
        K::Retriever,
        K::Agent,
        K::Tool,
        K::McpServer,
        K::ExternalApi,
        K::InputGuardrail,
        K::OutputGuardrail,
        K::Monitoring,
        K::Logging,
    ];
    Some(match attribute {
        "role" => &[K::Actor],
        "exposure" | "authentication" | "authorization" | "multi_tenant" => REACHABLE,
        "rate_limit" | "query_monitoring" => QUERYABLE,
        "hosting" => HOSTED,
        "serves" => &[K::InferenceEndpoint, K::Model, K::Llm, K::EmbeddingModel],
        "stored_in" => &[K::ModelArtifact, K::Dataset],
        "invoked_by" | "approval_for" => TOOLS,
        "inspects" => GUARDRAILS,
        "task" | "modality" => TRAINED,
        "confidence_output" | "score_precision" => &[K::Model, K::Llm, K::InferenceEndpoint],
        "output_review" | "decisions" => MODEL_OUTPUT,
        "output_rendering" => RENDERERS,
        "adversarial_environment" | "wrong_output_impact" => MODELS,
        "training" => TRAINED,
        "supplier" | "source" | "platform" | "version" | "pinned" | "digest" | "signature" => {
            SUPPLIED
        }
        "format" | "files" | "manifest" => ARTIFACTS,
        "controlled_by" | "provenance_verified" | "validation" | "drift_monitoring" => {
            DATA_PIPELINE
        }
        "records" => RECORDS,
        "labelling" => &[K::DataSource, K::Dataset, K::Preprocessing],
        "permission_filtering" => RETRIEVAL,
        "actions" | "human_approval" | "credentials" | "sandboxed" => TOOLS,
        "autonomy" | "memory" => AGENTS,
        "contains_secrets" | "confidential" => PROMPTS,
        "checks" | "on_detection" => GUARDRAILS,
        "coverage" => &[K::HumanReview],
        "captures" | "alerting" | "retention_days" => OBSERVERS,
        "encrypted_at_rest" => AT_REST,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Component;

    #[test]
    fn every_kind_specific_attribute_is_a_component_field() {
        let general = [
            "id",
            "kind",
            "name",
            "description",
            "owner",
            "tags",
            "technology",
            "data",
        ];
        for f in Component::FIELDS {
            let listed = attribute_kinds(f).is_some();
            assert!(
                listed != general.contains(f),
                "field `{f}` must be either general or listed in attribute_kinds"
            );
        }
    }

    #[test]
    fn every_kind_has_attributes_of_its_own() {
        for k in ComponentKind::ALL {
            let any = Component::FIELDS
                .iter()
                .any(|f| attribute_kinds(f).is_some_and(|ks| ks.contains(k)));
            assert!(any, "kind `{k}` has no kind-specific attribute");
        }
    }
}
