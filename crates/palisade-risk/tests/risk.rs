//! Scoring factor by factor, controls and residual risk, defence in depth, acceptances and the
//! gate, on small models written for each case.

use palisade_model::date::Date;
use palisade_risk::assess::{AcceptanceState, DepthFlag, Status};
use palisade_risk::{Assessment, Catalog, Policy};

struct Out {
    assessment: Assessment,
    findings: Vec<palisade_threats::Finding>,
    policy: Policy,
}

fn run_at(model: &str, today: &str) -> Out {
    let loaded = palisade_model::load_str("m.yaml", model);
    let model = loaded
        .model
        .unwrap_or_else(|| panic!("invalid model: {:?}", loaded.diagnostics));
    let facts = palisade_analysis::analyze(&model);
    let lib = palisade_threats::load(&[], true).library.expect("library");
    let ev = palisade_threats::evaluate(
        &model,
        &facts,
        &lib,
        &palisade_threats::Selection::default(),
        None,
    );
    assert!(ev.errors.is_empty(), "{:?}", ev.errors);
    let catalog: Catalog = palisade_risk::catalog::builtin();
    let policy = Policy::default();
    let assessment = palisade_risk::assess(&palisade_risk::Input {
        model: &model,
        facts: &facts,
        findings: &ev.findings,
        catalog: &catalog,
        policy: &policy,
        today: Date::parse(today).unwrap(),
    });
    Out {
        assessment,
        findings: ev.findings,
        policy,
    }
}

fn run(model: &str) -> Out {
    run_at(model, "2026-11-26")
}

impl Out {
    fn risk(&self, id: &str) -> &palisade_risk::Risk {
        self.assessment.risk(id).unwrap_or_else(|| {
            panic!(
                "no finding {id}; have {:?}",
                self.findings.iter().map(|f| &f.id).collect::<Vec<_>>()
            )
        })
    }
    fn factors(&self, id: &str) -> Vec<String> {
        self.risk(id)
            .inherent
            .factors
            .iter()
            .map(|f| f.id.to_string())
            .collect()
    }
}

/// A proprietary fraud model that partners query; `extra` goes into the model component.
fn scoring_model(criticality: &str, extra: &str, controls: &str) -> String {
    format!(
        r#"
system: {{name: scoring, criticality: {criticality}}}
data_assets:
  - {{id: txns, classification: confidential, personal_data: true}}
components:
  - {{id: partner, kind: actor, role: partner}}
  - {{id: warehouse, kind: datastore, data: [txns]}}
  - {{id: trainer, kind: training-pipeline}}
  - {{id: model, kind: model, exposure: partner, adversarial_environment: true{extra}}}
flows:
  - {{from: warehouse, to: trainer, data: [txns]}}
  - {{from: trainer, to: model}}
  - {{from: partner, to: model}}
{controls}
"#
    )
}

#[test]
fn each_factor_moves_its_axis_by_its_delta() {
    let plain = run(&scoring_model("high", ", confidence_output: label", ""));
    let scores = run(&scoring_model("high", ", confidence_output: scores", ""));
    let id = "MX001@model";
    // Label-only output lowers likelihood, scores raise it: two levels apart.
    assert!(plain.factors(id).contains(&"label-only-output".to_string()));
    assert!(scores.factors(id).contains(&"scores-exposed".to_string()));
    assert_eq!(
        scores.risk(id).inherent.likelihood_shift,
        plain.risk(id).inherent.likelihood_shift + 2
    );
    assert!(scores.risk(id).inherent.score.likelihood > plain.risk(id).inherent.score.likelihood);
    assert_eq!(
        scores.risk(id).inherent.score.impact,
        plain.risk(id).inherent.score.impact
    );
    // Business criticality moves impact only.
    let critical = run(&scoring_model("critical", ", confidence_output: label", ""));
    assert!(
        critical
            .factors(id)
            .contains(&"critical-system".to_string())
    );
    assert_eq!(
        critical.risk(id).inherent.impact_shift,
        plain.risk(id).inherent.impact_shift + 1
    );
    assert_eq!(
        critical.risk(id).inherent.score.likelihood,
        plain.risk(id).inherent.score.likelihood
    );
    let low = run(&scoring_model("low", ", confidence_output: label", ""));
    assert_eq!(
        low.risk(id).inherent.impact_shift,
        plain.risk(id).inherent.impact_shift - 1
    );
    assert!(low.risk(id).inherent.score.impact < plain.risk(id).inherent.score.impact);
    // Query monitoring lowers likelihood; the explanation names what it read.
    let monitored = run(&scoring_model(
        "high",
        ", confidence_output: scores, query_monitoring: true",
        "",
    ));
    let f = monitored
        .risk(id)
        .inherent
        .factors
        .iter()
        .find(|f| f.id == "query-monitoring")
        .expect("query-monitoring factor");
    assert_eq!(f.delta, -1);
    assert_eq!(*f.reads, vec!["component.query_monitoring".to_string()]);
    assert_eq!(
        monitored.risk(id).inherent.likelihood_shift,
        scores.risk(id).inherent.likelihood_shift - 1
    );
}

#[test]
fn membership_inference_factors_follow_the_training_facts() {
    let base = ", confidence_output: scores, training: {personal_data: true";
    let overfit = run(&scoring_model(
        "high",
        &format!("{base}, overfitting: observed, records: 5000}}"),
        "",
    ));
    let dp = run(&scoring_model(
        "high",
        &format!("{base}, differential_privacy: {{epsilon: 2.0}}}}"),
        "",
    ));
    let id = "MI001@model";
    let o = overfit.factors(id);
    assert!(o.contains(&"overfitting".to_string()), "{o:?}");
    assert!(o.contains(&"small-training-set".to_string()), "{o:?}");
    assert!(o.contains(&"personal-training-data".to_string()), "{o:?}");
    let d = dp.factors(id);
    assert!(d.contains(&"differential-privacy".to_string()), "{d:?}");
    assert!(!d.contains(&"overfitting".to_string()));
    assert!(
        overfit.risk(id).inherent.score.likelihood > dp.risk(id).inherent.score.likelihood,
        "overfitting on a small set must be likelier than training with DP"
    );
}

#[test]
fn factor_shifts_are_capped_by_the_policy() {
    // Scores, no rate limit and an anonymous audience: three likelihood factors, capped at 2.
    let out = run(&scoring_model("high", ", confidence_output: scores", "")
        .replace("exposure: partner", "exposure: internet")
        .replace("role: partner", "role: anonymous"));
    let r = out.risk("MX001@model");
    let raw: i64 = r
        .inherent
        .factors
        .iter()
        .filter(|f| f.affects == palisade_threats::rule::Axis::Likelihood)
        .map(|f| f.delta)
        .sum();
    assert!(
        raw > 2,
        "expected more than two levels of factors, got {raw}"
    );
    assert!(r.inherent.capped);
    assert_eq!(r.inherent.likelihood_shift, 2);
    assert_eq!(
        r.inherent.score.likelihood,
        (r.inherent.base_likelihood + 2).min(out.policy.max_likelihood())
    );
}

const RATE_LIMIT: &str = r#"
controls:
  - id: rl
    implements: [rate-limiting]
    applies_to: [model]
    status: STATUS
"#;

#[test]
fn implemented_controls_lower_residual_planned_ones_do_not() {
    let id = "MX001@model";
    let none = run(&scoring_model("high", ", confidence_output: scores", ""));
    let planned = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        &RATE_LIMIT.replace("STATUS", "planned"),
    ));
    let implemented = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        &RATE_LIMIT.replace("STATUS", "implemented"),
    ));
    let verified = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        &RATE_LIMIT.replace("STATUS", "verified").replace(
            "status: verified",
            "status: verified\n    evidence: [load test LT-7]",
        ),
    ));
    // Without a control, residual equals inherent.
    let n = none.risk(id);
    assert_eq!(n.residual.score, n.inherent.score);
    // Planned: listed, not counted.
    let p = planned.risk(id);
    assert_eq!(p.residual.score, p.inherent.score);
    assert_eq!(p.controls.len(), 1);
    assert!(!p.controls[0].effective);
    // Implemented and verified: lower likelihood, impact untouched.
    for out in [&implemented, &verified] {
        let r = out.risk(id);
        assert!(r.controls[0].effective);
        assert!(r.controls[0].likelihood_reduction.is_some());
        assert!(
            r.residual.score.likelihood < r.inherent.score.likelihood,
            "{:?}",
            r.residual
        );
        assert_eq!(r.residual.score.impact, r.inherent.score.impact);
        assert!(r.residual.score.score < r.inherent.score.score);
    }
    // A control on an unrelated component changes nothing.
    let elsewhere = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        &RATE_LIMIT
            .replace("STATUS", "implemented")
            .replace("applies_to: [model]", "applies_to: [warehouse]"),
    ));
    let e = elsewhere.risk(id);
    assert!(e.controls.is_empty());
    assert_eq!(e.residual.score, e.inherent.score);
}

#[test]
fn declared_effectiveness_overrides_the_catalog() {
    let id = "MX001@model";
    let weak = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        &RATE_LIMIT
            .replace("STATUS", "implemented")
            .replace("status:", "effectiveness: 0.05\n    status:"),
    ));
    let r = weak.risk(id);
    assert!(r.controls[0].effectiveness_declared);
    assert_eq!(r.controls[0].likelihood_reduction, Some(0.05));
    // Five percent of a level does not move a threat down a row.
    assert_eq!(r.residual.score, r.inherent.score);
}

#[test]
fn defence_in_depth_flags() {
    let id = "MX001@model";
    let inherent_high = |out: &Out| {
        assert!(out.risk(id).inherent.score.severity_rank >= out.policy.depth_threshold);
    };
    let none = run(&scoring_model("high", ", confidence_output: scores", ""));
    inherent_high(&none);
    assert_eq!(none.risk(id).depth, vec![DepthFlag::Unmitigated]);

    let single = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        &RATE_LIMIT.replace("STATUS", "implemented"),
    ));
    assert_eq!(
        single.risk(id).depth,
        vec![DepthFlag::SingleControl, DepthFlag::NoDetectionOrResponse]
    );

    let two_preventions = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        r#"
controls:
  - {id: rl, implements: [rate-limiting], applies_to: [model], status: implemented}
  - {id: bands, implements: [limit-confidence-output], applies_to: [model], status: implemented}
"#,
    ));
    assert_eq!(
        two_preventions.risk(id).depth,
        vec![DepthFlag::NoDetectionOrResponse]
    );

    let layered = run(&scoring_model(
        "high",
        ", confidence_output: scores",
        r#"
controls:
  - {id: rl, implements: [rate-limiting], applies_to: [model], status: implemented}
  - {id: watch, implements: [query-monitoring], applies_to: [model], status: implemented}
"#,
    ));
    assert!(
        layered.risk(id).depth.is_empty(),
        "{:?}",
        layered.risk(id).depth
    );

    // Low risks are not checked for depth.
    let low = run(&scoring_model("low", ", confidence_output: label", ""));
    let lr = low.risk(id);
    if lr.inherent.score.severity_rank < low.policy.depth_threshold {
        assert!(lr.depth.is_empty());
    }
}

fn with_acceptance(acceptance: &str) -> String {
    scoring_model("high", ", confidence_output: scores", "") + "accepted_risks:\n" + acceptance
}

#[test]
fn acceptances_are_reviewed_against_the_date() {
    let acc = r#"  - finding: MX001@model
    justification: partners need raw scores until v3
    approver: CRO
    accepted_on: 2026-01-10
    review_every: 90d
"#;
    // 2026-01-10 + 90 days = 2026-04-10.
    let active = run_at(&with_acceptance(acc), "2026-02-01");
    let a = &active.assessment.acceptances[0];
    assert_eq!(a.state, AcceptanceState::Active);
    assert_eq!(a.review_due.as_deref(), Some("2026-04-10"));
    assert_eq!(active.risk("MX001@model").status, Status::Accepted);
    assert!(!active.assessment.is_open(active.risk("MX001@model")));

    let soon = run_at(&with_acceptance(acc), "2026-03-25");
    assert_eq!(
        soon.assessment.acceptances[0].state,
        AcceptanceState::DueSoon
    );
    assert_eq!(soon.assessment.acceptances[0].days_left, Some(16));

    let overdue = run_at(&with_acceptance(acc), "2026-04-11");
    assert_eq!(
        overdue.assessment.acceptances[0].state,
        AcceptanceState::Overdue
    );
    assert!(overdue.assessment.acceptances[0].lapsed());
    // Still accepted, but open again for planning and the gate.
    assert!(overdue.assessment.is_open(overdue.risk("MX001@model")));

    // A review moves the next due date.
    let reviewed = run_at(
        &with_acceptance(&acc.replace(
            "review_every: 90d",
            "review_every: 90d\n    reviewed_on: 2026-04-01",
        )),
        "2026-04-11",
    );
    assert_eq!(
        reviewed.assessment.acceptances[0].state,
        AcceptanceState::Active
    );
    assert_eq!(
        reviewed.assessment.acceptances[0].review_due.as_deref(),
        Some("2026-06-30")
    );

    let expiring = acc.replace("review_every: 90d", "expires: 2026-03-01");
    let expired = run_at(&with_acceptance(&expiring), "2026-03-01");
    assert_eq!(
        expired.assessment.acceptances[0].state,
        AcceptanceState::Expired
    );
}

#[test]
fn orphaned_acceptances_suggest_the_renamed_finding() {
    // The acceptance names the model's old id; the model was renamed to `model`.
    let acc = r#"  - finding: MX001@scoring-model
    justification: partners need raw scores until v3
    approver: CRO
    accepted_on: 2026-01-10
    review_every: 1y
"#;
    let out = run(&with_acceptance(acc));
    let a = &out.assessment.acceptances[0];
    assert_eq!(a.state, AcceptanceState::Orphaned);
    assert_eq!(a.suggestion.as_deref(), Some("MX001@model"));
    assert!(!a.lapsed(), "an orphan warns, it does not fail the gate");
    assert_eq!(out.risk("MX001@model").status, Status::Open);
    let loaded = palisade_model::load_str("m.yaml", &with_acceptance(acc));
    let diags = palisade_risk::assess::diagnostics(&out.assessment, loaded.model.as_ref().unwrap());
    assert!(diags.iter().any(|d| d.code == "risk::orphaned-acceptance"
        && d.help.as_deref().is_some_and(|h| h.contains("MX001@model"))));
}

#[test]
fn the_gate_fails_on_open_findings_at_the_threshold_and_on_lapsed_acceptances() {
    let out = run(&scoring_model("high", ", confidence_output: scores", ""));
    let p = &out.policy;
    let worst = out.assessment.risks[0].residual.score.severity_rank;
    let at = palisade_risk::gate(&out.assessment, p, worst);
    assert!(!at.passed());
    assert!(at.failing.contains(&out.assessment.risks[0].finding));
    if worst + 1 < p.bands.len() {
        assert!(palisade_risk::gate(&out.assessment, p, worst + 1).passed());
    }
    // Accepting every finding at or above the threshold passes the gate…
    let mut accs = String::new();
    for r in out
        .assessment
        .risks
        .iter()
        .filter(|r| r.residual.score.severity_rank >= worst)
    {
        accs.push_str(&format!(
            "  - {{finding: {}, justification: j, approver: a, accepted_on: 2026-01-01, review_every: 1y}}\n",
            r.finding
        ));
    }
    let accepted = run(&with_acceptance(&accs));
    assert!(palisade_risk::gate(&accepted.assessment, p, worst).passed());
    // …until the reviews fall due.
    let later = run_at(&with_acceptance(&accs), "2027-01-02");
    let g = palisade_risk::gate(&later.assessment, p, worst);
    assert!(!g.passed());
    assert!(!g.lapsed.is_empty());
}

#[test]
fn unknown_mitigation_names_are_reported_with_a_suggestion() {
    let out = run(&scoring_model(
        "high",
        "",
        "controls:\n  - {id: rl, implements: [rate-limitng], applies_to: [model], status: implemented}\n",
    ));
    let u = &out.assessment.unknown_mitigations;
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].suggestion.as_deref(), Some("rate-limiting"));
}

#[test]
fn the_plan_orders_by_residual_and_proposes_what_is_missing() {
    let model = scoring_model(
        "high",
        ", confidence_output: scores",
        &RATE_LIMIT.replace("STATUS", "implemented"),
    );
    let loaded = palisade_model::load_str("m.yaml", &model);
    let m = loaded.model.unwrap();
    let facts = palisade_analysis::analyze(&m);
    let lib = palisade_threats::load(&[], true).library.unwrap();
    let ev = palisade_threats::evaluate(&m, &facts, &lib, &Default::default(), None);
    let catalog = palisade_risk::catalog::builtin();
    let policy = Policy::default();
    let input = palisade_risk::Input {
        model: &m,
        facts: &facts,
        findings: &ev.findings,
        catalog: &catalog,
        policy: &policy,
        today: Date::parse("2026-11-26").unwrap(),
    };
    let a = palisade_risk::assess(&input);
    let plan = palisade_risk::plan(&a, &input);
    assert!(!plan.items.is_empty());
    for w in plan.items.windows(2) {
        assert!(
            (w[0].residual.severity_rank, w[0].residual.score)
                >= (w[1].residual.severity_rank, w[1].residual.score)
        );
    }
    let mx = plan
        .items
        .iter()
        .find(|i| i.finding == "MX001@model")
        .expect("MX001 in the plan");
    // Rate limiting is in place, so it is not proposed again.
    assert!(mx.steps.iter().all(|s| s.mitigation != "rate-limiting"));
    assert!(mx.steps.len() <= palisade_risk::plan::MAX_STEPS);
    // The threat lacks detection: one step is detection or response.
    assert!(
        mx.steps
            .iter()
            .any(|s| s.kind != palisade_risk::catalog::MitigationKind::Prevention)
    );
    // Every step helps, and all together beat each alone.
    for s in &mx.steps {
        assert!(s.residual_after.score <= mx.residual.score);
        assert!(mx.expected.score <= s.residual_after.score);
    }
    assert!(mx.expected.score < mx.residual.score);
}

fn example(name: &str) -> String {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Run an example before and after an edit; return (finding, residual before, residual after)
/// for every finding, asserting the edit kept the same findings.
fn before_after(name: &str, edit: impl Fn(&str) -> String) -> Vec<(String, Vec<String>, u32, u32)> {
    let text = example(name);
    let edited = edit(&text);
    assert_ne!(text, edited, "the edit changed nothing");
    let a = run(&text);
    let b = run(&edited);
    let ids = |o: &Out| {
        let mut v: Vec<String> = o.findings.iter().map(|f| f.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(
        ids(&a),
        ids(&b),
        "adding a control must not change which threats apply"
    );
    a.findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.mitigations.to_vec(),
                a.risk(&f.id).residual.score.score,
                b.risk(&f.id).residual.score.score,
            )
        })
        .collect()
}

#[test]
fn implementing_one_realistic_control_lowers_the_right_findings_and_nothing_else() {
    // The fraud API's planned score bands go live.
    let rows = before_after("fraud-scoring-api.yaml", |t| {
        t.replace(
            "applies_to: [fraud-model, partner-score]\n    status: planned",
            "applies_to: [fraud-model, partner-score]\n    status: implemented",
        )
    });
    let changed: Vec<&(String, Vec<String>, u32, u32)> =
        rows.iter().filter(|r| r.2 != r.3).collect();
    assert!(!changed.is_empty(), "score bands lowered nothing: {rows:?}");
    for (id, mitigations, before, after) in &changed {
        assert!(after < before, "{id} went up: {before} → {after}");
        assert!(
            mitigations.iter().any(|m| m == "limit-confidence-output"),
            "{id} changed but its threat is not mitigated by limiting confidence output"
        );
    }
    // Extraction through the API is among the lowered ones.
    assert!(changed.iter().any(|r| r.0.starts_with("MX")), "{changed:?}");

    // The support assistant gets a rate limit on its model: consumption threats go down,
    // poisoning of the knowledge base does not.
    let rows = before_after("support-rag-assistant.yaml", |t| {
        t.replace(
            "\naccepted_risks:",
            "  - id: llm-quota\n    implements: [rate-limiting]\n    applies_to: [support-llm]\n    status: implemented\n\naccepted_risks:",
        )
    });
    let changed: Vec<&String> = rows.iter().filter(|r| r.2 != r.3).map(|r| &r.0).collect();
    assert!(
        changed.contains(&&"LA005@support-llm".to_string()),
        "{rows:?}"
    );
    for r in rows.iter().filter(|r| r.2 != r.3) {
        assert!(r.3 < r.2);
        assert!(r.1.iter().any(|m| m == "rate-limiting"), "{} changed", r.0);
    }
    assert!(!changed.iter().any(|id| id.starts_with("DP")));
}

#[test]
fn examples_assess_without_unknown_mitigations_and_with_inherent_at_least_residual() {
    for name in [
        "support-rag-assistant.yaml",
        "email-crm-agent.yaml",
        "fine-tuning-pipeline.yaml",
        "fraud-scoring-api.yaml",
        "internal-summarizer.yaml",
    ] {
        let out = run(&example(name));
        assert!(
            out.assessment.unknown_mitigations.is_empty(),
            "{name}: {:?}",
            out.assessment.unknown_mitigations
        );
        for r in &out.assessment.risks {
            assert!(
                r.residual.score.score <= r.inherent.score.score,
                "{name} {}",
                r.finding
            );
            assert!(r.residual.score.severity_rank <= r.inherent.score.severity_rank);
        }
        for a in &out.assessment.acceptances {
            assert_ne!(a.state, AcceptanceState::Orphaned, "{name}: {}", a.finding);
        }
    }
}

#[test]
fn the_finding_index_agrees_with_the_search() {
    for name in ["email-crm-agent.yaml", "support-rag-assistant.yaml"] {
        let out = run(&example(name));
        let index = out.assessment.by_finding();
        assert_eq!(index.len(), out.assessment.risks.len());
        for f in &out.findings {
            let indexed = index.get(f.id.as_str()).copied();
            assert!(std::ptr::eq(indexed.unwrap(), out.risk(&f.id)));
        }
    }
}
