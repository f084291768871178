//! Model cards from what the model declares and what the analysis derived (lineage, data).

use super::Cx;
use super::cdx::{Considerations, DatasetRef, MlFormat, ModelCard, ModelParameters, Risk};
use palisade_analysis::ComponentFacts;
use palisade_model::{Component, ComponentKind as K, Decisions, Labelling, Overfitting, Supplier};

/// The model card of a model component; `None` when the model declares nothing a card holds.
pub(super) fn model_card(cx: &Cx, c: &Component, f: &ComponentFacts) -> Option<ModelCard> {
    let params = ModelParameters {
        task: c.task.as_ref().map(|t| t.value.as_str().to_string()),
        datasets: datasets(cx, f),
        inputs: c
            .modality
            .iter()
            .map(|m| MlFormat {
                format: m.value.as_str().to_string(),
            })
            .collect(),
    };
    let considerations = considerations(cx, c, f);
    let has_params =
        params.task.is_some() || !params.datasets.is_empty() || !params.inputs.is_empty();
    if !has_params && considerations.is_empty() {
        return None;
    }
    Some(ModelCard {
        model_parameters: has_params.then_some(params),
        considerations: (!considerations.is_empty()).then_some(considerations),
    })
}

/// Datasets and data sources upstream of the model, then the data assets that fed training.
fn datasets(cx: &Cx, f: &ComponentFacts) -> Vec<DatasetRef> {
    let l = &f.lineage;
    let is_data_component = |id: &str| {
        cx.model
            .component(&palisade_model::Id(id.to_string()))
            .is_some_and(|c| matches!(c.kind.value, K::Dataset | K::DataSource))
    };
    let mut out: Vec<DatasetRef> = Vec::new();
    let candidates = l
        .datasets
        .iter()
        .chain(l.data_sources.iter())
        .filter(|id| is_data_component(id))
        .chain(l.training_data.iter().filter(|a| cx.asset(a).is_some()));
    for id in candidates {
        let r = DatasetRef {
            reference: id.clone(),
        };
        if cx.exported.contains(id.as_str()) && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

fn considerations(cx: &Cx, c: &Component, f: &ComponentFacts) -> Considerations {
    let system = &cx.model.system;
    let users = system
        .deployment
        .as_ref()
        .map(|d| {
            d.users
                .iter()
                .map(|u| u.value.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    let use_cases = system
        .description
        .as_ref()
        .map(|d| vec![format!("{}: {}", system.name.value, d.value.trim())])
        .unwrap_or_default();
    Considerations {
        users,
        use_cases,
        technical_limitations: limitations(c),
        ethical_considerations: risks(cx, c, f),
    }
}

fn limitations(c: &Component) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(o) = c.training.as_ref().and_then(|t| t.overfitting.as_ref()) {
        match o.value {
            Overfitting::Suspected => out.push("Overfitting is suspected.".to_string()),
            Overfitting::Observed => out.push(
                "Overfitting is observed: training and held-out performance differ clearly."
                    .to_string(),
            ),
            Overfitting::Unknown => out.push("Overfitting has not been measured.".to_string()),
            Overfitting::None => {}
        }
    }
    if c.adversarial_environment.as_ref().is_some_and(|a| a.value) {
        out.push("Attackers have a motive to fool it (adversarial environment).".to_string());
    }
    out
}

fn risks(cx: &Cx, c: &Component, f: &ComponentFacts) -> Vec<Risk> {
    let l = &f.lineage;
    let id = c.id.value.as_str();
    let mut out = Vec::new();
    if l.personal_data {
        let mut ids: Vec<&str> = vec![id];
        ids.extend(l.pipelines.iter().map(String::as_str));
        ids.extend(l.datasets.iter().map(String::as_str));
        ids.extend(l.training_data.iter().map(String::as_str));
        let mut measures = Vec::new();
        if let Some(dp) = c
            .training
            .as_ref()
            .and_then(|t| t.differential_privacy.as_ref())
        {
            measures.push(format!(
                "differential privacy in training (epsilon {})",
                dp.epsilon.value
            ));
        }
        measures.extend(controls_text(
            cx,
            "controls on the model, its pipelines and training data",
            &ids,
        ));
        out.push(Risk {
            name: "Trained on personal data: outputs may disclose it (memorisation, membership inference)."
                .into(),
            mitigation_strategy: join(measures),
        });
    }
    if !l.untrusted_sources.is_empty() {
        let ids: Vec<&str> = l.untrusted_sources.iter().map(String::as_str).collect();
        out.push(Risk {
            name: format!(
                "Training data comes from sources others control or of untrusted origin: {}.",
                ids.join(", ")
            ),
            mitigation_strategy: controls_text(cx, "controls on those sources", &ids),
        });
    }
    if l.outsourced_labels {
        let ids: Vec<&str> = l
            .upstream
            .iter()
            .map(String::as_str)
            .filter(|u| {
                cx.model
                    .component(&palisade_model::Id(u.to_string()))
                    .and_then(|x| x.labelling.as_ref())
                    .is_some_and(|lb| matches!(lb.value, Labelling::Crowd | Labelling::Vendor))
            })
            .collect();
        out.push(Risk {
            name: "Labels come from a crowd or a vendor.".into(),
            mitigation_strategy: controls_text(cx, "controls on the labelling stages", &ids),
        });
    }
    if c.decisions
        .as_ref()
        .is_some_and(|d| d.value == Decisions::Automated)
    {
        let mut measures = Vec::new();
        if let Some(r) = &c.output_review {
            measures.push(format!("output review: {}", r.value.as_str()));
        }
        measures.extend(controls_text(cx, "controls on the model", &[id]));
        let impact = c.wrong_output_impact.as_ref().map(|w| {
            let level = |x: &Option<palisade_model::Loc<palisade_model::Impact>>| {
                x.as_ref().map_or("undeclared", |v| v.value.as_str())
            };
            format!(
                " (financial impact {}, safety impact {})",
                level(&w.financial),
                level(&w.safety)
            )
        });
        out.push(Risk {
            name: format!(
                "Outputs trigger decisions automatically{}.",
                impact.unwrap_or_default()
            ),
            mitigation_strategy: join(measures),
        });
    }
    if let Some(s) = c
        .supplier
        .as_ref()
        .filter(|s| s.value != Supplier::Internal)
    {
        let mut measures = Vec::new();
        if c.pinned.as_ref().is_some_and(|p| p.value) {
            measures.push("pinned version".to_string());
        }
        if let Some(d) = &c.digest {
            measures.push(format!("expected {} digest declared", d.value.algorithm));
        }
        if let Some(sig) = c
            .signature
            .as_ref()
            .filter(|s| s.value != palisade_model::Signature::None)
        {
            measures.push(format!("signature: {}", sig.value.as_str()));
        }
        measures.extend(controls_text(cx, "controls on the model", &[id]));
        out.push(Risk {
            name: format!("Supplied by a third party ({}).", s.value.as_str()),
            mitigation_strategy: join(measures),
        });
    }
    out
}

/// `"<what>: name (status), …"` for the controls that apply to one of `ids`, each once; the
/// model does not say which threat a control answers, so they are listed by where they apply.
fn controls_text(cx: &Cx, what: &str, ids: &[&str]) -> Option<String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for id in ids {
        for ctl in cx.controls.get(id).into_iter().flatten() {
            if seen.contains(&ctl.id.value.as_str()) {
                continue;
            }
            seen.push(ctl.id.value.as_str());
            let name = ctl
                .name
                .as_ref()
                .map_or(ctl.id.value.as_str(), |n| n.value.as_str());
            out.push(format!("{name} ({})", ctl.status.value.as_str()));
        }
    }
    (!out.is_empty()).then(|| format!("{what}: {}", out.join("; ")))
}

fn join(items: Vec<String>) -> Option<String> {
    (!items.is_empty()).then(|| items.join("; "))
}
