//! The types of a palisade model file. `docs/model.md` is generated from these declarations.

use crate::convert::{Cx, FromNode, Loc, MapNode};
use crate::date::{Date, Period};
use crate::diag::{Diagnostic, codes};
use crate::kinds::{ComponentKind, attribute_kinds};
use crate::node::{Node, Value};
use crate::{model_enum, model_struct};
use std::borrow::Cow;

// ---------------------------------------------------------------------------------------------
// Scalars with their own syntax.

/// An identifier that other elements use to refer to this one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Id(pub String);

// Lookups by `&str` (the derived `Hash` of `Id` is the hash of its string).
impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Id {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Ids are simple names; a flow without an id is known as `FROM->TO`.
pub const ID_PATTERN: &str =
    "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}(->[A-Za-z0-9][A-Za-z0-9_.-]{0,127})?$";

fn valid_simple_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn valid_id(s: &str) -> bool {
    // A byte search: `split_once("->")` builds a substring searcher for every id.
    match s.as_bytes().windows(2).position(|w| w == b"->") {
        Some(i) => valid_simple_id(&s[..i]) && valid_simple_id(&s[i + 2..]),
        None => valid_simple_id(s),
    }
}

impl FromNode for Id {
    fn expected() -> Cow<'static, str> {
        "an id (letters, digits, `-`, `_`, `.`)".into()
    }
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let s = String::from_node(node, cx)?;
        if valid_id(&s) {
            return Some(Id(s));
        }
        cx.push(
            Diagnostic::error(codes::INVALID_ID, format!("`{s}` is not a valid id"))
                .label(cx.span(node), "invalid id")
                .help(
                    "ids start with a letter or digit and contain only letters, digits, `-`, `_` \
                     and `.` (at most 128 characters)",
                ),
        );
        None
    }
}

impl schemars::JsonSchema for Id {
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": ID_PATTERN,
            "description": "An identifier that other elements use to refer to this one."
        })
    }
}

macro_rules! string_scalar {
    ($ty:ty, $name:literal, $expected:literal, $schema:tt, $parse:expr) => {
        impl FromNode for $ty {
            fn expected() -> Cow<'static, str> {
                $expected.into()
            }
            fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
                let s = String::from_node(node, cx)?;
                match $parse(&s) {
                    Ok(v) => Some(v),
                    Err(msg) => {
                        cx.push(
                            Diagnostic::error(codes::INVALID_VALUE, msg)
                                .label(cx.span(node), concat!("expected ", $expected)),
                        );
                        None
                    }
                }
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}

string_scalar!(
    Date,
    "Date",
    "a date (YYYY-MM-DD)",
    { "type": "string", "format": "date" },
    Date::parse
);
string_scalar!(
    Period,
    "Period",
    "a period such as 90d, 12w, 6m or 1y",
    { "type": "string", "pattern": "^[0-9]+[dwmy]$" },
    Period::parse
);

/// A content digest, `sha256:<64 hex digits>` or `blake3:<64 hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub algorithm: String,
    pub hex: String,
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.hex)
    }
}

impl Digest {
    fn parse(s: &str) -> Result<Digest, String> {
        let bad = || {
            format!("`{s}` is not a digest; write `sha256:` or `blake3:` followed by 64 hex digits")
        };
        let (alg, hex) = s.split_once(':').ok_or_else(bad)?;
        if !matches!(alg, "sha256" | "blake3")
            || hex.len() != 64
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(bad());
        }
        Ok(Digest {
            algorithm: alg.to_string(),
            hex: hex.to_ascii_lowercase(),
        })
    }
}

string_scalar!(
    Digest,
    "Digest",
    "a digest such as sha256:<64 hex digits>",
    { "type": "string", "pattern": "^(sha256|blake3):[0-9a-fA-F]{64}$" },
    Digest::parse
);

// ---------------------------------------------------------------------------------------------
// Enumerations.

model_enum! {
    /// Business criticality of the system.
    pub enum Criticality as "criticality" {
        /// Failure is an inconvenience.
        Low = "low",
        /// Failure disrupts a business process.
        Medium = "medium",
        /// Failure causes material financial, legal or reputational harm.
        High = "high",
        /// Failure endangers people or the organisation.
        Critical = "critical",
    }
}

model_enum! {
    /// Size of a consequence.
    pub enum Impact as "impact level" {
        /// No consequence.
        None = "none",
        /// Minor and easily reversed.
        Low = "low",
        /// Noticeable cost or disruption.
        Medium = "medium",
        /// Serious cost, harm or legal exposure.
        High = "high",
        /// Severe or irreversible harm.
        Critical = "critical",
    }
}

model_enum! {
    /// Where the system runs.
    pub enum Hosting as "hosting" {
        /// Public cloud accounts the organisation controls.
        Cloud = "cloud",
        /// The organisation's own data centres.
        OnPremises = "on-premises",
        /// Both cloud and on-premises.
        Hybrid = "hybrid",
        /// A vendor runs it as a service.
        VendorSaas = "vendor-saas",
        /// On devices at the edge or with end users.
        Edge = "edge",
    }
}

model_enum! {
    /// The stage of the deployment.
    pub enum Environment as "environment" {
        /// Serves real users and data.
        Production = "production",
        /// Pre-production with production-like data.
        Staging = "staging",
        /// Development only.
        Development = "development",
        /// A research or pilot setting.
        Research = "research",
    }
}

model_enum! {
    /// Who uses the system.
    pub enum UserBase as "user base" {
        /// The organisation's staff.
        Employees = "employees",
        /// Authenticated customers.
        Customers = "customers",
        /// Partner organisations.
        Partners = "partners",
        /// Anyone on the internet.
        Public = "public",
    }
}

model_enum! {
    /// Confidentiality classification of data.
    pub enum Classification as "classification" {
        /// Meant for anyone.
        Public = "public",
        /// For the organisation's staff.
        Internal = "internal",
        /// Disclosure harms the organisation or its customers.
        Confidential = "confidential",
        /// The most sensitive data: regulated, secret or safety-relevant.
        Restricted = "restricted",
    }
}

model_enum! {
    /// A legal or industry regime that governs data.
    pub enum Regulation as "regulation" {
        /// EU General Data Protection Regulation.
        Gdpr = "gdpr",
        /// UK GDPR and Data Protection Act.
        UkGdpr = "uk-gdpr",
        /// California Consumer Privacy Act.
        Ccpa = "ccpa",
        /// US Health Insurance Portability and Accountability Act.
        Hipaa = "hipaa",
        /// Payment Card Industry Data Security Standard.
        PciDss = "pci-dss",
        /// US Gramm-Leach-Bliley Act.
        Glba = "glba",
        /// US Sarbanes-Oxley Act.
        Sox = "sox",
        /// US Family Educational Rights and Privacy Act.
        Ferpa = "ferpa",
        /// Brazil's Lei Geral de Proteção de Dados.
        Lgpd = "lgpd",
        /// Canada's PIPEDA.
        Pipeda = "pipeda",
        /// EU Artificial Intelligence Act.
        EuAiAct = "eu-ai-act",
        /// Another regime (name it in the description).
        Other = "other",
    }
}

model_enum! {
    /// Where data comes from; untrusted origins carry injected instructions and poison.
    pub enum DataOrigin as "data origin" {
        /// Produced inside the organisation by trusted processes.
        Internal = "internal",
        /// Supplied by customers through the product.
        Customer = "customer",
        /// Written by users: tickets, chats, reviews, uploads.
        UserGenerated = "user-generated",
        /// Bought or received from a third party.
        ThirdParty = "third-party",
        /// Fetched from the public web.
        PublicWeb = "public-web",
        /// Labelled by a crowd or an outsourced workforce.
        CrowdLabelled = "crowd-labelled",
        /// Generated synthetically.
        Synthetic = "synthetic",
        /// Exchanged with a partner organisation.
        Partner = "partner",
        /// Received by e-mail.
        Email = "email",
        /// Produced by a model (outputs, summaries, agent memory).
        ModelGenerated = "model-generated",
    }
}

model_enum! {
    /// How much data there is.
    pub enum Volume as "volume" {
        /// A handful of records.
        Few = "few",
        /// Thousands of records.
        Moderate = "moderate",
        /// Millions of records.
        Many = "many",
        /// Bulk data about most of a population.
        VeryMany = "very-many",
    }
}

model_enum! {
    /// Who an actor is.
    pub enum ActorRole as "actor role" {
        /// Anyone, without an account.
        Anonymous = "anonymous",
        /// An authenticated customer or end user.
        Customer = "customer",
        /// A member of staff.
        Employee = "employee",
        /// A privileged administrator or operator.
        Administrator = "administrator",
        /// A user from a partner organisation.
        Partner = "partner",
        /// An automated client or another system.
        Service = "service",
    }
}

model_enum! {
    /// How far a component can be reached over the network.
    pub enum Exposure as "exposure" {
        /// Reachable from the internet.
        Internet = "internet",
        /// Reachable by partner networks or a vendor.
        Partner = "partner",
        /// Reachable inside the organisation's network.
        Internal = "internal",
        /// Reachable only by the components it is wired to (no network listener).
        Isolated = "isolated",
    }
}

model_enum! {
    /// How callers prove who they are.
    pub enum Authentication as "authentication method" {
        /// No authentication.
        None = "none",
        /// A static API key.
        ApiKey = "api-key",
        /// Username and password.
        Password = "password",
        /// A session cookie.
        Session = "session",
        /// A bearer token (JWT or opaque).
        Token = "token",
        /// OAuth 2 / OpenID Connect.
        Oauth = "oauth",
        /// Mutual TLS with client certificates.
        Mtls = "mtls",
        /// Enterprise single sign-on.
        Sso = "sso",
        /// Multi-factor authentication.
        Mfa = "mfa",
    }
}

model_enum! {
    /// How access is restricted once a caller is known.
    pub enum Authorization as "authorization model" {
        /// Every authenticated caller can do everything.
        None = "none",
        /// A few coarse permission levels.
        Coarse = "coarse",
        /// Role-based access control.
        RoleBased = "role-based",
        /// Attribute- or policy-based access control.
        AttributeBased = "attribute-based",
        /// Decisions on behalf of the end user's own identity and permissions.
        PerUser = "per-user",
    }
}

model_enum! {
    /// Unit of a rate limit.
    pub enum RateUnit as "time unit" {
        /// Per second.
        Second = "second",
        /// Per minute.
        Minute = "minute",
        /// Per hour.
        Hour = "hour",
        /// Per day.
        Day = "day",
    }
}

model_enum! {
    /// What a rate limit counts against.
    pub enum RateScope as "rate-limit scope" {
        /// Each user.
        User = "user",
        /// Each API key.
        ApiKey = "api-key",
        /// Each client IP address.
        Ip = "ip",
        /// Each tenant.
        Tenant = "tenant",
        /// All callers together.
        Global = "global",
    }
}

model_enum! {
    /// Who runs a model.
    pub enum ModelHosting as "model hosting" {
        /// The organisation runs the model on its own infrastructure.
        SelfHosted = "self-hosted",
        /// A vendor's API (the vendor sees inputs and outputs).
        VendorApi = "vendor-api",
        /// A managed model service in the organisation's cloud account.
        ManagedCloud = "managed-cloud",
        /// On end-user devices (weights are in attackers' hands).
        OnDevice = "on-device",
    }
}

model_enum! {
    /// What a model does.
    pub enum Task as "model task" {
        /// Assigns classes (fraud / not fraud, document type).
        Classification = "classification",
        /// Predicts a number.
        Regression = "regression",
        /// Orders items.
        Ranking = "ranking",
        /// Finds objects or anomalies.
        Detection = "detection",
        /// Generates text, images, code or audio.
        Generation = "generation",
        /// Produces embeddings.
        Embedding = "embedding",
        /// Recommends items.
        Recommendation = "recommendation",
        /// Forecasts time series.
        Forecasting = "forecasting",
    }
}

model_enum! {
    /// A kind of model input.
    pub enum Modality as "modality" {
        /// Natural-language text.
        Text = "text",
        /// Images.
        Image = "image",
        /// Audio and speech.
        Audio = "audio",
        /// Video.
        Video = "video",
        /// Rows of features.
        Tabular = "tabular",
        /// Time series.
        TimeSeries = "time-series",
        /// Source code.
        Code = "code",
    }
}

model_enum! {
    /// What an API returns besides the answer; scores help extraction and membership inference.
    pub enum ConfidenceOutput as "confidence output" {
        /// Only the answer.
        None = "none",
        /// The predicted label only.
        Label = "label",
        /// The top-k labels, without scores.
        TopK = "top-k",
        /// Probabilities or confidence scores.
        Scores = "scores",
        /// Raw logits.
        Logits = "logits",
        /// Token log-probabilities (LLM APIs).
        Logprobs = "logprobs",
    }
}

model_enum! {
    /// How often people review outputs before they take effect.
    pub enum OutputReview as "review level" {
        /// Outputs are used without human review.
        None = "none",
        /// A sample of outputs is reviewed.
        Sampled = "sampled",
        /// Every output is reviewed before use.
        Always = "always",
    }
}

model_enum! {
    /// How an output is used downstream.
    pub enum Rendering as "output rendering" {
        /// Shown as plain text.
        PlainText = "plain-text",
        /// Rendered as Markdown.
        Markdown = "markdown",
        /// Links are rendered and clickable.
        Links = "links",
        /// Images are rendered (and fetched) from URLs in the output.
        Images = "images",
        /// Rendered as HTML.
        Html = "html",
        /// Executed as code.
        CodeExecuted = "code-executed",
        /// Executed as SQL.
        SqlExecuted = "sql-executed",
        /// Executed as shell commands.
        ShellExecuted = "shell-executed",
        /// Parsed as structured data by another system.
        StructuredData = "structured-data",
    }
}

model_enum! {
    /// Whether outputs inform people or act by themselves.
    pub enum Decisions as "decision mode" {
        /// Outputs inform a person who decides.
        Advisory = "advisory",
        /// Outputs trigger decisions or actions automatically.
        Automated = "automated",
    }
}

model_enum! {
    /// Evidence that a model memorises its training data.
    pub enum Overfitting as "overfitting level" {
        /// Measured: no meaningful train/test gap.
        None = "none",
        /// Not measured.
        Unknown = "unknown",
        /// Some signs of a generalisation gap.
        Suspected = "suspected",
        /// A clear gap between training and held-out performance.
        Observed = "observed",
    }
}

model_enum! {
    /// Who provides a component.
    pub enum Supplier as "supplier" {
        /// Built by the organisation.
        Internal = "internal",
        /// A commercial vendor under contract.
        Vendor = "vendor",
        /// An open-source project.
        OpenSource = "open-source",
        /// An individual or community upload without a vendor behind it.
        Community = "community",
    }
}

model_enum! {
    /// Where an artifact is obtained from.
    pub enum Platform as "platform" {
        /// A public model and dataset hub.
        Huggingface = "huggingface",
        /// A source-code host.
        Github = "github",
        /// The Python package index.
        Pypi = "pypi",
        /// The npm registry.
        Npm = "npm",
        /// The Rust crate registry.
        CratesIo = "crates-io",
        /// A public container registry.
        DockerHub = "docker-hub",
        /// The vendor's own distribution.
        Vendor = "vendor",
        /// An internal registry or mirror.
        Internal = "internal",
        /// A cloud storage bucket.
        CloudStorage = "cloud-storage",
        /// Somewhere else.
        Other = "other",
    }
}

model_enum! {
    /// Serialisation format of an artifact; pickle-based formats can execute code when loaded.
    pub enum ArtifactFormat as "artifact format" {
        /// Python pickle.
        Pickle = "pickle",
        /// PyTorch checkpoint (pickle inside).
        Pytorch = "pytorch",
        /// safetensors (no code).
        Safetensors = "safetensors",
        /// GGUF (chat templates are code-like).
        Gguf = "gguf",
        /// ONNX.
        Onnx = "onnx",
        /// Keras v3 archive (may contain Lambda layers).
        Keras = "keras",
        /// HDF5 (Keras 2 models may contain Lambda layers).
        Hdf5 = "hdf5",
        /// TensorFlow SavedModel.
        TensorflowSavedmodel = "tensorflow-savedmodel",
        /// TensorFlow Lite.
        Tflite = "tflite",
        /// joblib (pickle inside).
        Joblib = "joblib",
        /// NumPy .npy/.npz (object arrays are pickles).
        Numpy = "numpy",
        /// Parquet.
        Parquet = "parquet",
        /// CSV.
        Csv = "csv",
        /// JSON Lines.
        Jsonl = "jsonl",
        /// Another format.
        Other = "other",
    }
}

model_enum! {
    /// How an artifact is signed.
    pub enum Signature as "signature type" {
        /// Not signed.
        None = "none",
        /// Sigstore / OpenSSF model signing.
        Sigstore = "sigstore",
        /// A GPG signature.
        Gpg = "gpg",
        /// The vendor's own signing scheme.
        Vendor = "vendor",
        /// Another signature scheme.
        Other = "other",
    }
}

model_enum! {
    /// Who controls the content of a data pipeline stage.
    pub enum ControlledBy as "controller" {
        /// The organisation's own team.
        Internal = "internal",
        /// A vendor.
        Vendor = "vendor",
        /// A partner organisation.
        Partner = "partner",
        /// The system's users (they can add or change content).
        Users = "users",
        /// Anyone (public web, open contributions).
        Public = "public",
    }
}

model_enum! {
    /// How new data is validated before use.
    pub enum Validation as "validation level" {
        /// Not validated.
        None = "none",
        /// Reviewed by people.
        Manual = "manual",
        /// Checked automatically (schema, quality, anomaly checks).
        Automated = "automated",
        /// Both.
        ManualAndAutomated = "manual-and-automated",
    }
}

model_enum! {
    /// Who labels data.
    pub enum Labelling as "labelling source" {
        /// No labels.
        None = "none",
        /// The organisation's staff.
        Internal = "internal",
        /// A contracted labelling vendor.
        Vendor = "vendor",
        /// A crowd-sourcing platform.
        Crowd = "crowd",
        /// Generated synthetically.
        Synthetic = "synthetic",
        /// Derived automatically (weak supervision, a model).
        Automated = "automated",
    }
}

model_enum! {
    /// How retrieval respects who may see which document.
    pub enum PermissionFiltering as "permission filtering" {
        /// Everything retrievable by every caller.
        None = "none",
        /// Separated per tenant.
        Tenant = "tenant",
        /// Per-document access lists.
        Document = "document",
        /// Filtered by the end user's own permissions.
        UserPermissions = "user-permissions",
    }
}

model_enum! {
    /// What a tool can do.
    pub enum Action as "tool action" {
        /// Read data.
        Read = "read",
        /// Create or change data.
        Write = "write",
        /// Delete data.
        Delete = "delete",
        /// Execute code or commands.
        ExecuteCode = "execute-code",
        /// Send data outside the organisation (e-mail, HTTP, webhooks, messages).
        SendExternal = "send-external",
        /// Spend money (purchases, refunds, paid API calls).
        SpendMoney = "spend-money",
        /// Change permissions, accounts or configuration.
        ChangePermissions = "change-permissions",
    }
}

model_enum! {
    /// When a person approves a tool's actions.
    pub enum HumanApproval as "approval level" {
        /// Never.
        None = "none",
        /// For risky actions (writes, sends, payments).
        HighRisk = "high-risk",
        /// For every action.
        Always = "always",
    }
}

model_enum! {
    /// Whose authority a tool acts with.
    pub enum Credentials as "credential type" {
        /// No credentials.
        None = "none",
        /// The end user's own delegated identity.
        UserDelegated = "user-delegated",
        /// A dedicated service account.
        ServiceAccount = "service-account",
        /// A shared secret or API key.
        SharedSecret = "shared-secret",
    }
}

model_enum! {
    /// How independently an agent acts.
    pub enum Autonomy as "autonomy level" {
        /// Suggests actions for a person to take.
        Suggest = "suggest",
        /// Acts, with people approving steps.
        Supervised = "supervised",
        /// Plans and acts on its own.
        Autonomous = "autonomous",
    }
}

model_enum! {
    /// What a model or agent remembers between requests.
    pub enum Memory as "memory type" {
        /// Nothing.
        None = "none",
        /// Within one conversation or task.
        Session = "session",
        /// Across sessions and users.
        Persistent = "persistent",
    }
}

model_enum! {
    /// What a guardrail checks.
    pub enum GuardrailCheck as "guardrail check" {
        /// Instructions hidden in input.
        PromptInjection = "prompt-injection",
        /// Attempts to bypass safety behaviour.
        Jailbreak = "jailbreak",
        /// Personal data.
        Pii = "pii",
        /// Credentials and keys.
        Secrets = "secrets",
        /// Toxic or harmful content.
        Toxicity = "toxicity",
        /// Off-topic requests.
        Topic = "topic",
        /// Output structure against a schema.
        Schema = "schema",
        /// URLs against an allowlist.
        UrlAllowlist = "url-allowlist",
        /// Code or markup in output.
        Code = "code",
        /// Claims against sources.
        Grounding = "grounding",
    }
}

model_enum! {
    /// What a guardrail does when it detects something.
    pub enum OnDetection as "guardrail response" {
        /// Stops the request or response.
        Block = "block",
        /// Removes the offending part.
        Redact = "redact",
        /// Lets it through and marks it for review.
        Flag = "flag",
        /// Only records it.
        Log = "log",
    }
}

model_enum! {
    /// Which cases human reviewers see.
    pub enum ReviewCoverage as "review coverage" {
        /// Every case.
        All = "all",
        /// A sample of cases.
        Sampled = "sampled",
        /// Only cases escalated to them.
        Escalations = "escalations",
    }
}

model_enum! {
    /// What monitoring or logging records.
    pub enum Capture as "captured signal" {
        /// Model inputs.
        Prompts = "prompts",
        /// Model outputs.
        Outputs = "outputs",
        /// Tool invocations and their arguments.
        ToolCalls = "tool-calls",
        /// Query volume per caller.
        Queries = "queries",
        /// Authentication and access events.
        Access = "access",
        /// Errors.
        Errors = "errors",
        /// Model quality metrics.
        ModelMetrics = "model-metrics",
        /// Input and data distribution drift.
        DataDrift = "data-drift",
    }
}

model_enum! {
    /// The protocol of a data flow.
    pub enum Protocol as "protocol" {
        /// HTTP over TLS.
        Https = "https",
        /// Plain HTTP.
        Http = "http",
        /// gRPC without TLS.
        Grpc = "grpc",
        /// gRPC over TLS.
        GrpcTls = "grpc-tls",
        /// WebSocket without TLS.
        Websocket = "websocket",
        /// WebSocket over TLS.
        WebsocketTls = "websocket-tls",
        /// Raw TCP.
        Tcp = "tcp",
        /// Raw TLS.
        Tls = "tls",
        /// A database protocol without TLS.
        Sql = "sql",
        /// A database protocol over TLS.
        SqlTls = "sql-tls",
        /// E-mail without TLS.
        Smtp = "smtp",
        /// E-mail over TLS.
        SmtpTls = "smtp-tls",
        /// A message queue or event bus.
        MessageQueue = "message-queue",
        /// An object-storage API (S3-style).
        ObjectStorage = "object-storage",
        /// Files on a shared filesystem.
        File = "file",
        /// A function call inside one process.
        InProcess = "in-process",
        /// Standard input/output of a child process (local MCP servers).
        Stdio = "stdio",
        /// SSH or SFTP.
        Ssh = "ssh",
        /// Another protocol.
        Other = "other",
    }
}

impl Protocol {
    /// Whether the protocol protects data in transit (or never leaves the host).
    pub fn is_protected(self) -> bool {
        matches!(
            self,
            Protocol::Https
                | Protocol::GrpcTls
                | Protocol::WebsocketTls
                | Protocol::Tls
                | Protocol::SqlTls
                | Protocol::SmtpTls
                | Protocol::Ssh
                | Protocol::InProcess
                | Protocol::Stdio
        )
    }
}

model_enum! {
    /// What a trust boundary separates.
    pub enum BoundaryKind as "boundary kind" {
        /// An organisation and everything it runs.
        Organization = "organization",
        /// A network segment, VPC or subnet.
        Network = "network",
        /// A cloud account or project.
        CloudAccount = "cloud-account",
        /// A container cluster or namespace.
        Cluster = "cluster",
        /// A process, container or sandbox.
        ExecutionEnvironment = "execution-environment",
        /// A vendor's infrastructure.
        Vendor = "vendor",
        /// One tenant's partition.
        Tenant = "tenant",
        /// A physical site or device.
        Physical = "physical",
    }
}

model_enum! {
    /// How much what is inside a boundary is trusted.
    pub enum TrustLevel as "trust level" {
        /// Anyone may be inside (the internet, end-user devices).
        Untrusted = "untrusted",
        /// Partners and vendors.
        Partner = "partner",
        /// The organisation's own environment.
        Trusted = "trusted",
        /// Restricted zones holding the most sensitive assets.
        Restricted = "restricted",
    }
}

model_enum! {
    /// How far a control has got.
    pub enum ControlStatus as "control status" {
        /// Decided but not in place: does not reduce risk yet.
        Planned = "planned",
        /// In place.
        Implemented = "implemented",
        /// In place and tested.
        Verified = "verified",
    }
}

// ---------------------------------------------------------------------------------------------
// Structures.

model_struct! {
    /// One model file. The root file describes the system; included files add elements.
    pub struct ModelFile as "model file" {
        /// Version of the model format; only `1` exists.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub format_version: Option<Loc<u64>>,
        /// The system this model describes (required in the root file, absent in includes).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub system: Option<Loc<System>>,
        /// Other model files to merge in, relative to this file (shared component libraries).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub includes: Vec<Loc<String>>,
        /// The data the system handles.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub data_assets: Vec<Loc<DataAsset>>,
        /// The parts of the system.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub components: Vec<Loc<Component>>,
        /// Data moving between components.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub flows: Vec<Loc<Flow>>,
        /// Trust boundaries and what they contain.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub boundaries: Vec<Loc<Boundary>>,
        /// Security controls in place or planned.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub controls: Vec<Loc<Control>>,
        /// Risks the business has accepted instead of mitigating.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub accepted_risks: Vec<Loc<AcceptedRisk>>,
    }
}

model_struct! {
    /// The system as a whole.
    pub struct System as "system" {
        /// The system's name.
        pub name: Loc<String>,
        /// What the system does and for whom.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<Loc<String>>,
        /// The team or person accountable for the system.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub owner: Option<Loc<String>>,
        /// Business criticality; scales the impact of every threat.
        pub criticality: Loc<Criticality>,
        /// Where and for whom the system is deployed.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub deployment: Option<Loc<Deployment>>,
    }
}

model_struct! {
    /// The deployment context.
    pub struct Deployment as "deployment" {
        /// Where the system runs.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hosting: Option<Loc<Hosting>>,
        /// Production, staging, development or research.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub environment: Option<Loc<Environment>>,
        /// Who uses the system.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub users: Vec<Loc<UserBase>>,
    }
}

model_struct! {
    /// A kind of data the system handles.
    pub struct DataAsset as "data asset" {
        /// Identifier used by components and flows.
        pub id: Loc<Id>,
        /// Display name.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<Loc<String>>,
        /// What the data is.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<Loc<String>>,
        /// Confidentiality classification; drives the impact of disclosure.
        pub classification: Loc<Classification>,
        /// Whether the data is about identifiable people (membership inference, disclosure).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub personal_data: Option<Loc<bool>>,
        /// Legal regimes that govern the data (regulatory impact of a breach).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub regulations: Vec<Loc<Regulation>>,
        /// Where the data comes from; untrusted origins taint what reads it.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub origin: Option<Loc<DataOrigin>>,
        /// How much of it there is.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub volume: Option<Loc<Volume>>,
        /// How much its correctness matters (poisoning and tampering impact).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub integrity: Option<Loc<Criticality>>,
        /// Who owns the data.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub owner: Option<Loc<String>>,
    }
}

model_struct! {
    /// A rate limit on requests.
    pub struct RateLimit as "rate limit" {
        /// Requests allowed per unit of time.
        pub requests: Loc<u64>,
        /// The unit of time.
        pub per: Loc<RateUnit>,
        /// What the limit counts against.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub scope: Option<Loc<RateScope>>,
    }
}

model_struct! {
    /// The consequences of a wrong model output.
    pub struct WrongOutputImpact as "wrong-output impact" {
        /// Money lost through a wrong output (fraud let through, wrong price).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub financial: Option<Loc<Impact>>,
        /// Harm to people through a wrong output.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub safety: Option<Loc<Impact>>,
    }
}

model_struct! {
    /// Differential privacy applied during training.
    pub struct DifferentialPrivacy as "differential-privacy setting" {
        /// The privacy budget ε (smaller is more private).
        pub epsilon: Loc<f64>,
        /// The failure probability δ.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub delta: Option<Loc<f64>>,
    }
}

model_struct! {
    /// How a model was trained (membership inference and poisoning factors).
    pub struct Training as "training description" {
        /// Whether training or fine-tuning data includes personal data.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub personal_data: Option<Loc<bool>>,
        /// Number of training records (small, specialised sets leak membership more).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub records: Option<Loc<u64>>,
        /// Evidence of overfitting.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub overfitting: Option<Loc<Overfitting>>,
        /// Differential privacy used in training.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub differential_privacy: Option<Loc<DifferentialPrivacy>>,
    }
}

model_struct! {
    /// A part of the system. Which attributes apply depends on `kind` (see docs/model.md).
    pub struct Component as "component", check = check_component {
        /// Identifier used by flows, boundaries and controls.
        pub id: Loc<Id>,
        /// What the component is.
        pub kind: Loc<ComponentKind>,
        /// Display name.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<Loc<String>>,
        /// What it does.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<Loc<String>>,
        /// The team or person responsible for it.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub owner: Option<Loc<String>>,
        /// Free-form labels.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Loc<String>>,
        /// Product or framework (e.g. `PostgreSQL 16`, `vLLM`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub technology: Option<Loc<String>>,
        /// Data assets the component holds or processes.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub data: Vec<Loc<Id>>,
        /// actor: who the actor is.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub role: Option<Loc<ActorRole>>,
        /// How far the component can be reached over the network.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub exposure: Option<Loc<Exposure>>,
        /// How callers authenticate.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub authentication: Option<Loc<Authentication>>,
        /// How access is restricted.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub authorization: Option<Loc<Authorization>>,
        /// Whether several customers or tenants share the component.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub multi_tenant: Option<Loc<bool>>,
        /// The rate limit callers meet (absent: none).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub rate_limit: Option<Loc<RateLimit>>,
        /// Whether query patterns are monitored per caller (extraction and probing detection).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub query_monitoring: Option<Loc<bool>>,
        /// Who runs the model.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hosting: Option<Loc<ModelHosting>>,
        /// The model or model artifact this component executes (links serving to lineage).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub serves: Option<Loc<Id>>,
        /// Where this artifact or dataset is stored (a registry, datastore or feature store).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub stored_in: Option<Loc<Id>>,
        /// What the model does.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub task: Option<Loc<Task>>,
        /// The kinds of input the model takes.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub modality: Vec<Loc<Modality>>,
        /// What the API returns besides the answer (scores help extraction and inference).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub confidence_output: Option<Loc<ConfidenceOutput>>,
        /// Decimal places of returned scores.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub score_precision: Option<Loc<u64>>,
        /// Whether people review outputs before they take effect.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub output_review: Option<Loc<OutputReview>>,
        /// Whether outputs inform people or act automatically.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub decisions: Option<Loc<Decisions>>,
        /// How outputs are rendered or executed downstream.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub output_rendering: Vec<Loc<Rendering>>,
        /// Whether attackers have a motive to fool the model (fraud, spam, moderation).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub adversarial_environment: Option<Loc<bool>>,
        /// What a wrong output costs.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub wrong_output_impact: Option<Loc<WrongOutputImpact>>,
        /// How the model was trained.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub training: Option<Loc<Training>>,
        /// Who provides the component.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub supplier: Option<Loc<Supplier>>,
        /// Where it is obtained from (URI, repository, model id).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Loc<String>>,
        /// The platform it is hosted on.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub platform: Option<Loc<Platform>>,
        /// The version in use.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub version: Option<Loc<String>>,
        /// Whether the reference is pinned to an immutable version or revision.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pinned: Option<Loc<bool>>,
        /// Expected content digest.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub digest: Option<Loc<Digest>>,
        /// How the artifact is signed.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub signature: Option<Loc<Signature>>,
        /// Serialisation format.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub format: Option<Loc<ArtifactFormat>>,
        /// Files or directories holding the artifact, relative to the model file (matched with
        /// `palisade scan` reports given to `analyze --evidence`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub files: Vec<Loc<String>>,
        /// A provenance manifest of the artifact's directory (`palisade manifest create`),
        /// relative to the model file; checked by `analyze --verify-manifests`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub manifest: Option<Loc<String>>,
        /// Who controls the content of this data-pipeline stage.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub controlled_by: Option<Loc<ControlledBy>>,
        /// Whether the provenance of incoming data is verified.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub provenance_verified: Option<Loc<bool>>,
        /// How new data is validated before use.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub validation: Option<Loc<Validation>>,
        /// Whether distribution shift in the data is monitored.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub drift_monitoring: Option<Loc<bool>>,
        /// Number of records.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub records: Option<Loc<u64>>,
        /// Who labels the data.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub labelling: Option<Loc<Labelling>>,
        /// How retrieval respects document permissions.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub permission_filtering: Option<Loc<PermissionFiltering>>,
        /// What the tool can do.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub actions: Vec<Loc<Action>>,
        /// When a person approves the tool's actions.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub human_approval: Option<Loc<HumanApproval>>,
        /// The actions a person must approve (overrides `human_approval` for the listed ones).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub approval_for: Vec<Loc<Action>>,
        /// The models or agents that decide when to call the tool (their input steers it).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub invoked_by: Vec<Loc<Id>>,
        /// Whose authority the tool acts with.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub credentials: Option<Loc<Credentials>>,
        /// Whether the tool runs in a sandbox.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub sandboxed: Option<Loc<bool>>,
        /// How independently the agent acts.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub autonomy: Option<Loc<Autonomy>>,
        /// What it remembers between requests.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub memory: Option<Loc<Memory>>,
        /// Whether the prompt embeds credentials or internal secrets.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub contains_secrets: Option<Loc<bool>>,
        /// Whether the prompt's content is itself confidential.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub confidential: Option<Loc<bool>>,
        /// What the guardrail checks.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub checks: Vec<Loc<GuardrailCheck>>,
        /// The data assets the guardrail sees (content it does not inspect passes unchecked).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub inspects: Vec<Loc<Id>>,
        /// What the guardrail does when it detects something.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub on_detection: Option<Loc<OnDetection>>,
        /// Which cases human reviewers see.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub coverage: Option<Loc<ReviewCoverage>>,
        /// What is recorded.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub captures: Vec<Loc<Capture>>,
        /// Whether anomalies raise alerts to someone on call.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub alerting: Option<Loc<bool>>,
        /// How long records are kept.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub retention_days: Option<Loc<u64>>,
        /// Whether stored data is encrypted at rest.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub encrypted_at_rest: Option<Loc<bool>>,
    }
}

fn check_component(c: &Component, map: &MapNode, cx: &mut Cx) {
    let kind = c.kind.value;
    for (i, field) in Component::FIELDS.iter().enumerate() {
        if map.get_at(i).is_none() {
            continue;
        }
        let Some(kinds) = attribute_kinds(field) else {
            continue;
        };
        if kinds.contains(&kind) {
            continue;
        }
        let span = map.key_span_at(i, cx.file).unwrap_or(map.span);
        let list: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        cx.push(
            Diagnostic::error(
                codes::ATTRIBUTE_KIND,
                format!("`{field}` does not apply to a component of kind `{kind}`"),
            )
            .label(span, format!("not an attribute of `{kind}`"))
            .label(c.kind.span, "kind declared here")
            .help(format!(
                "`{field}` applies to: {}; remove it, or change the kind",
                list.join(", ")
            )),
        );
    }
    if let Some(p) = &c.score_precision {
        let returns_scores = c.confidence_output.as_ref().is_some_and(|o| {
            matches!(
                o.value,
                ConfidenceOutput::Scores | ConfidenceOutput::Logits | ConfidenceOutput::Logprobs
            )
        });
        if !returns_scores {
            cx.push(
                Diagnostic::warning(
                    codes::INCONSISTENT,
                    "`score_precision` is set but the component returns no scores",
                )
                .label(p.span, "has no effect")
                .help("set `confidence_output: scores` (or logits/logprobs), or remove it"),
            );
        }
    }
    for a in &c.approval_for {
        if !c.actions.iter().any(|x| x.value == a.value) {
            cx.push(
                Diagnostic::warning(
                    codes::INCONSISTENT,
                    format!(
                        "`approval_for` lists `{}`, which is not among the tool's `actions`",
                        a.value
                    ),
                )
                .label(a.span, "the tool cannot do this")
                .help("add it to `actions`, or remove it from `approval_for`"),
            );
        }
    }
    if let Some(h) = &c.human_approval
        && c.actions.is_empty()
        && h.value != HumanApproval::None
    {
        cx.push(
            Diagnostic::warning(
                codes::INCONSISTENT,
                "`human_approval` is set but the tool lists no `actions`",
            )
            .label(h.span, "approval of what?")
            .help("list what the tool can do in `actions:` so its risk can be judged"),
        );
    }
}

model_struct! {
    /// Data moving from one component to another.
    pub struct Flow as "flow" {
        /// Identifier (defaults to `FROM->TO`); needed when two flows join the same components.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub id: Option<Loc<Id>>,
        /// The component that sends or initiates.
        pub from: Loc<Id>,
        /// The component that receives.
        pub to: Loc<Id>,
        /// What the flow is for.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<Loc<String>>,
        /// Data assets sent from `from` to `to`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub data: Vec<Loc<Id>>,
        /// Data assets returned from `to` to `from` (responses).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub returns: Vec<Loc<Id>>,
        /// Transport protocol.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub protocol: Option<Loc<Protocol>>,
        /// How the sender authenticates to the receiver.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub authentication: Option<Loc<Authentication>>,
    }
}

model_struct! {
    /// A trust boundary: everything inside shares a level of trust.
    pub struct Boundary as "trust boundary" {
        /// Identifier.
        pub id: Loc<Id>,
        /// Display name.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<Loc<String>>,
        /// What the boundary is.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<Loc<String>>,
        /// What the boundary separates.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub kind: Option<Loc<BoundaryKind>>,
        /// How much what is inside is trusted.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub trust: Option<Loc<TrustLevel>>,
        /// Components directly inside this boundary.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub contains: Vec<Loc<Id>>,
        /// Boundaries nested directly inside this one.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub boundaries: Vec<Loc<Id>>,
    }
}

model_struct! {
    /// A security control: a mitigation put (or planned to be put) in place.
    pub struct Control as "control", check = check_control {
        /// Identifier.
        pub id: Loc<Id>,
        /// Display name.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<Loc<String>>,
        /// What the control does and how.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<Loc<String>>,
        /// Mitigation-catalog ids this control implements (e.g. `rate-limiting`, `AML.M0004`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub implements: Vec<Loc<String>>,
        /// Components, flows or data assets the control protects.
        pub applies_to: Vec<Loc<Id>>,
        /// Planned controls do not reduce risk; implemented and verified ones do.
        pub status: Loc<ControlStatus>,
        /// Who operates the control.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub owner: Option<Loc<String>>,
        /// Where the evidence is (links, ticket ids, test names).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub evidence: Vec<Loc<String>>,
        /// Override of the catalog's effectiveness, from 0 (none) to 1 (complete).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub effectiveness: Option<Loc<f64>>,
        /// When the control was last verified.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub verified_on: Option<Loc<Date>>,
    }
}

fn check_control(c: &Control, map: &MapNode, cx: &mut Cx) {
    if let Some(e) = &c.effectiveness
        && !(0.0..=1.0).contains(&e.value)
    {
        cx.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                "effectiveness must be between 0 and 1",
            )
            .label(e.span, format!("{} is out of range", e.value))
            .help("0.5 means the control halves the risk it addresses"),
        );
    }
    if c.applies_to.is_empty() {
        cx.push(
            Diagnostic::error(codes::INVALID_VALUE, "a control must apply to something")
                .label(
                    map.key_span("applies_to", cx.file).unwrap_or(map.anchor()),
                    "empty",
                )
                .help("list the components, flows or data assets it protects"),
        );
    }
    if c.status.value == ControlStatus::Verified && c.evidence.is_empty() {
        cx.push(
            Diagnostic::warning(
                codes::INCONSISTENT,
                "a verified control should name its evidence",
            )
            .label(c.status.span, "verified how?")
            .help("add `evidence:` with a test, audit or ticket reference"),
        );
    }
}

model_struct! {
    /// A risk the business accepts instead of mitigating, with its governance.
    pub struct AcceptedRisk as "accepted risk", check = check_acceptance {
        /// The finding id (as printed by `palisade analyze`).
        pub finding: Loc<String>,
        /// Why the business accepts the risk.
        pub justification: Loc<String>,
        /// Who approved the acceptance.
        pub approver: Loc<String>,
        /// When it was accepted.
        pub accepted_on: Loc<Date>,
        /// How often the acceptance must be reviewed (e.g. `90d`, `6m`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub review_every: Option<Loc<Period>>,
        /// When the acceptance was last reviewed and confirmed (the next review is due
        /// `review_every` after it; absent: after `accepted_on`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reviewed_on: Option<Loc<Date>>,
        /// When the acceptance lapses.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub expires: Option<Loc<Date>>,
        /// Ticket or record of the decision.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ticket: Option<Loc<String>>,
    }
}

fn check_acceptance(a: &AcceptedRisk, map: &MapNode, cx: &mut Cx) {
    if a.review_every.is_none() && a.expires.is_none() {
        cx.push(
            Diagnostic::error(
                codes::ACCEPTANCE,
                "an accepted risk needs `review_every` or `expires`",
            )
            .label(map.anchor(), "accepted forever?")
            .help("risk acceptances must be reviewed: add `review_every: 90d` or `expires: YYYY-MM-DD`"),
        );
    }
    if let Some(exp) = &a.expires
        && exp.value <= a.accepted_on.value
    {
        cx.push(
            Diagnostic::error(
                codes::ACCEPTANCE,
                "the acceptance expires before it was accepted",
            )
            .label(exp.span, format!("expires {}", exp.value))
            .label(
                a.accepted_on.span,
                format!("accepted {}", a.accepted_on.value),
            ),
        );
    }
    if let Some(r) = &a.reviewed_on
        && r.value < a.accepted_on.value
    {
        cx.push(
            Diagnostic::error(
                codes::ACCEPTANCE,
                "the acceptance was reviewed before it was accepted",
            )
            .label(r.span, format!("reviewed {}", r.value))
            .label(
                a.accepted_on.span,
                format!("accepted {}", a.accepted_on.value),
            ),
        );
    }
    for (field, text) in [
        ("justification", &a.justification),
        ("approver", &a.approver),
    ] {
        if text.value.trim().is_empty() {
            cx.push(
                Diagnostic::error(codes::ACCEPTANCE, format!("`{field}` must not be empty"))
                    .label(text.span, "empty"),
            );
        }
    }
}

/// Whether a node is an empty mapping or null (a file with nothing in it).
pub(crate) fn is_empty_document(node: &Node) -> bool {
    match &node.value {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}
