//! The field reference (`docs/model.md`), generated from the model's own declarations so the
//! documentation cannot drift from the parser. A test keeps the committed file up to date.

use crate::convert::ModelEnum;
use crate::kinds::{ComponentKind, attribute_kinds};
use crate::model::*;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt::Write;

type FieldTypes = Vec<(&'static str, Cow<'static, str>, bool)>;

const INTRO: &str = include_str!("../docs/model-intro.md");

/// Render the whole reference as Markdown.
pub fn markdown() -> String {
    let schema = crate::schema::model_schema();
    let mut out = String::from(INTRO);
    out.push_str("\n## Sections and fields\n\n");
    let structs: [(&str, &str, FieldTypes); 13] = [
        (
            "ModelFile",
            "The model file (top level)",
            ModelFile::field_types(),
        ),
        ("System", "`system`", System::field_types()),
        (
            "Deployment",
            "`system.deployment`",
            Deployment::field_types(),
        ),
        ("DataAsset", "`data_assets[]`", DataAsset::field_types()),
        ("Component", "`components[]`", Component::field_types()),
        (
            "RateLimit",
            "`components[].rate_limit`",
            RateLimit::field_types(),
        ),
        (
            "WrongOutputImpact",
            "`components[].wrong_output_impact`",
            WrongOutputImpact::field_types(),
        ),
        (
            "Training",
            "`components[].training`",
            Training::field_types(),
        ),
        (
            "DifferentialPrivacy",
            "`components[].training.differential_privacy`",
            DifferentialPrivacy::field_types(),
        ),
        ("Flow", "`flows[]`", Flow::field_types()),
        ("Boundary", "`boundaries[]`", Boundary::field_types()),
        ("Control", "`controls[]`", Control::field_types()),
        (
            "AcceptedRisk",
            "`accepted_risks[]`",
            AcceptedRisk::field_types(),
        ),
    ];
    for (name, title, fields) in structs {
        let def = if name == "ModelFile" {
            Some(&schema)
        } else {
            schema.pointer(&format!("/definitions/{name}"))
        };
        let _ = writeln!(out, "### {title}\n");
        if let Some(d) = def
            .and_then(|d| d.get("description"))
            .and_then(Value::as_str)
        {
            let _ = writeln!(out, "{}\n", one_line(d));
        }
        let component = name == "Component";
        if component {
            out.push_str("| field | value | required | kinds | meaning |\n|---|---|---|---|---|\n");
        } else {
            out.push_str("| field | value | required | meaning |\n|---|---|---|---|\n");
        }
        for (field, expected, required) in fields {
            let desc = def
                .and_then(|d| d.pointer(&format!("/properties/{field}/description")))
                .and_then(Value::as_str)
                .map(one_line)
                .unwrap_or_default();
            let req = if required { "yes" } else { "" };
            if component {
                let kinds = match attribute_kinds(field) {
                    None => "all".to_string(),
                    Some(ks) => ks.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
                };
                let _ = writeln!(out, "| `{field}` | {expected} | {req} | {kinds} | {desc} |");
            } else {
                let _ = writeln!(out, "| `{field}` | {expected} | {req} | {desc} |");
            }
        }
        out.push('\n');
    }
    out.push_str(
        "## Component kinds\n\n| kind | meaning | kind-specific attributes |\n|---|---|---|\n",
    );
    for k in ComponentKind::ALL {
        let attrs: Vec<String> = Component::FIELDS
            .iter()
            .filter(|f| attribute_kinds(f).is_some_and(|ks| ks.contains(k)))
            .map(|f| format!("`{f}`"))
            .collect();
        let _ = writeln!(out, "| `{k}` | {} | {} |", k.doc(), attrs.join(", "));
    }
    out.push_str("\n## Values\n\n");
    for (name, values) in enum_tables() {
        let _ = writeln!(out, "### {name}\n\n| value | meaning |\n|---|---|");
        for (v, doc) in values {
            let _ = writeln!(out, "| `{v}` | {doc} |");
        }
        out.push('\n');
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn table<E: ModelEnum>() -> (&'static str, Vec<(&'static str, &'static str)>) {
    (E::LABEL, E::values())
}

fn enum_tables() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        table::<Criticality>(),
        table::<Impact>(),
        table::<Hosting>(),
        table::<Environment>(),
        table::<UserBase>(),
        table::<Classification>(),
        table::<Regulation>(),
        table::<DataOrigin>(),
        table::<Volume>(),
        table::<ActorRole>(),
        table::<Exposure>(),
        table::<Authentication>(),
        table::<Authorization>(),
        table::<RateUnit>(),
        table::<RateScope>(),
        table::<ModelHosting>(),
        table::<Task>(),
        table::<Modality>(),
        table::<ConfidenceOutput>(),
        table::<OutputReview>(),
        table::<Rendering>(),
        table::<Decisions>(),
        table::<Overfitting>(),
        table::<Supplier>(),
        table::<Platform>(),
        table::<ArtifactFormat>(),
        table::<Signature>(),
        table::<ControlledBy>(),
        table::<Validation>(),
        table::<Labelling>(),
        table::<PermissionFiltering>(),
        table::<Action>(),
        table::<HumanApproval>(),
        table::<Credentials>(),
        table::<Autonomy>(),
        table::<Memory>(),
        table::<GuardrailCheck>(),
        table::<OnDetection>(),
        table::<ReviewCoverage>(),
        table::<Capture>(),
        table::<Protocol>(),
        table::<BoundaryKind>(),
        table::<TrustLevel>(),
        table::<ControlStatus>(),
    ]
}

#[cfg(test)]
mod tests {
    /// `schema/model.schema.json` (what the examples' `$schema` line points at) is generated too.
    #[test]
    fn committed_schema_is_up_to_date() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../schema/model.schema.json"
        );
        let want = serde_json::to_string_pretty(&crate::schema::model_schema()).unwrap() + "\n";
        if std::env::var_os("PALISADE_BLESS").is_some() {
            std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "schema/model.schema.json is out of date: run `PALISADE_BLESS=1 cargo test -p palisade-model`"
        );
    }

    /// `docs/model.md` is generated; regenerate it with `PALISADE_BLESS=1 cargo test`.
    #[test]
    fn docs_model_md_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/model.md");
        let want = super::markdown();
        if std::env::var_os("PALISADE_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/model.md is out of date: run `PALISADE_BLESS=1 cargo test -p palisade-model`"
        );
    }
}
