//! How palisade's levels and kinds correspond to OTM's 0–100 ratings and free-form types, both
//! ways. Ratings are written at fixed points and read back by ranges around them.

use palisade_model::{Classification, ComponentKind as K, Criticality, TrustLevel};

/// OTM trust rating of a trust level (0 = anyone is inside, 100 = fully trusted).
pub fn trust_rating(t: TrustLevel) -> u32 {
    match t {
        TrustLevel::Untrusted => 10,
        TrustLevel::Partner => 40,
        TrustLevel::Trusted => 70,
        TrustLevel::Restricted => 90,
    }
}

/// The trust level a rating falls in.
pub fn trust_level(rating: f64) -> TrustLevel {
    match rating {
        r if r < 25.0 => TrustLevel::Untrusted,
        r if r < 55.0 => TrustLevel::Partner,
        r if r < 80.0 => TrustLevel::Trusted,
        _ => TrustLevel::Restricted,
    }
}

/// OTM confidentiality rating of a classification.
pub fn confidentiality(c: Classification) -> u32 {
    match c {
        Classification::Public => 0,
        Classification::Internal => 30,
        Classification::Confidential => 70,
        Classification::Restricted => 100,
    }
}

/// The classification a confidentiality rating falls in.
pub fn classification(rating: f64) -> Classification {
    match rating {
        r if r < 15.0 => Classification::Public,
        r if r < 50.0 => Classification::Internal,
        r if r < 85.0 => Classification::Confidential,
        _ => Classification::Restricted,
    }
}

/// OTM integrity rating of an integrity criticality.
pub fn integrity(c: Criticality) -> u32 {
    match c {
        Criticality::Low => 25,
        Criticality::Medium => 50,
        Criticality::High => 75,
        Criticality::Critical => 100,
    }
}

/// The integrity criticality a rating falls in.
pub fn integrity_level(rating: f64) -> Criticality {
    match rating {
        r if r < 38.0 => Criticality::Low,
        r if r < 63.0 => Criticality::Medium,
        r if r < 88.0 => Criticality::High,
        _ => Criticality::Critical,
    }
}

/// How an OTM component type was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeMatch {
    /// The type is a palisade kind.
    Exact,
    /// A word of the type suggested the kind.
    Keyword,
    /// Nothing matched: the generic `service` kind.
    Generic,
}

/// Words of common OTM component types (IriusRisk library types, cloud resources) and the kind
/// they suggest, first match wins.
const WORDS: &[(&[&str], K)] = &[
    (&["mcp"], K::McpServer),
    (
        &["llm", "gpt", "claude", "gemini", "openai", "bedrock"],
        K::Llm,
    ),
    (&["embedding", "embeddings"], K::EmbeddingModel),
    (
        &["vector", "pinecone", "weaviate", "qdrant", "chroma"],
        K::VectorStore,
    ),
    (&["registry", "mlflow"], K::ModelRegistry),
    (&["model", "ml", "classifier"], K::Model),
    (&["dataset"], K::Dataset),
    (&["agent"], K::Agent),
    (&["gateway", "proxy", "apigateway"], K::ApiGateway),
    (
        &[
            "queue",
            "broker",
            "kafka",
            "sqs",
            "sns",
            "rabbitmq",
            "pubsub",
            "eventbridge",
        ],
        K::MessageQueue,
    ),
    (
        &["secret", "secrets", "vault", "kms", "keyvault"],
        K::SecretsStore,
    ),
    (
        &[
            "database",
            "db",
            "sql",
            "postgres",
            "postgresql",
            "mysql",
            "mongodb",
            "mongo",
            "dynamodb",
            "redis",
            "cache",
            "storage",
            "bucket",
            "s3",
            "blob",
            "filesystem",
            "rds",
            "datastore",
        ],
        K::Datastore,
    ),
    (&["log", "logs", "logging", "siem"], K::Logging),
    (&["monitor", "monitoring", "cloudwatch"], K::Monitoring),
    (
        &[
            "client", "browser", "user", "users", "actor", "mobile", "person",
        ],
        K::Actor,
    ),
    (
        &[
            "service",
            "services",
            "api",
            "server",
            "backend",
            "function",
            "lambda",
            "microservice",
            "container",
            "ec2",
            "vm",
            "instance",
        ],
        K::Service,
    ),
    (
        &[
            "app", "webapp", "frontend", "spa", "website", "web", "portal",
        ],
        K::WebApp,
    ),
];

/// The palisade kind of an OTM component type.
pub fn kind_for_type(t: &str) -> (K, TypeMatch) {
    if let Some(k) = K::from_name(t) {
        return (k, TypeMatch::Exact);
    }
    let lower = t.to_ascii_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (words, kind) in WORDS {
        if tokens.iter().any(|tok| words.contains(tok)) {
            return (*kind, TypeMatch::Keyword);
        }
    }
    (K::Service, TypeMatch::Generic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_ratings_read_back_as_the_same_level() {
        for t in TrustLevel::ALL {
            assert_eq!(trust_level(f64::from(trust_rating(*t))), *t);
        }
        for c in Classification::ALL {
            assert_eq!(classification(f64::from(confidentiality(*c))), *c);
        }
        for c in Criticality::ALL {
            assert_eq!(integrity_level(f64::from(integrity(*c))), *c);
        }
    }

    #[test]
    fn otm_types_map_to_kinds() {
        assert_eq!(kind_for_type("llm"), (K::Llm, TypeMatch::Exact));
        assert_eq!(kind_for_type("web-client").0, K::Actor);
        assert_eq!(kind_for_type("web-service").0, K::Service);
        assert_eq!(kind_for_type("CD-MSG-BROKER").0, K::MessageQueue);
        assert_eq!(kind_for_type("postgresql-database").0, K::Datastore);
        assert_eq!(
            kind_for_type("empty-component"),
            (K::Service, TypeMatch::Generic)
        );
        assert_eq!(kind_for_type("Web Application").0, K::WebApp);
    }
}
