//! `palisade explain`: the whole reasoning behind one finding — why the threat applies, how it
//! was scored, which controls reduce it and by how much, and what would reduce it further.

use crate::exit;
use crate::pipeline::{self, PipelineArgs};
use crate::render::Style;
use palisade_report::data::name;
use palisade_risk::assess::{ControlEffect, Risk};
use std::fmt::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The finding id (`CODE@element`, as `palisade analyze` prints it) and the model file, in
    /// either order.
    #[arg(value_name = "FINDING-ID", num_args = 2, required = true)]
    args: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: ExplainArgs, style: Style) -> u8 {
    let (a, b) = (&args.args[0], &args.args[1]);
    // The file is the argument that exists on disk (finding ids contain `@`).
    let (id, file) = if std::path::Path::new(a).is_file() && !std::path::Path::new(b).is_file() {
        (b.clone(), PathBuf::from(a))
    } else {
        (a.clone(), PathBuf::from(b))
    };
    let run = match pipeline::run(&file, &args.pipeline, style, false) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let found = run
        .evaluation
        .findings
        .iter()
        .find(|f| f.id == id || f.id.eq_ignore_ascii_case(&id));
    let (Some(f), Some(risk)) = (found, found.and_then(|f| run.assessment.risk(&f.id))) else {
        let ids: Vec<&str> = run
            .evaluation
            .findings
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        eprintln!("error: `{id}` is not a finding of {}", file.display());
        if let Some(s) = palisade_model::suggest(&id, ids.iter().copied()) {
            eprintln!("help: did you mean `{s}`?");
        } else {
            eprintln!(
                "help: `palisade analyze {}` lists the findings",
                file.display()
            );
        }
        return exit::USAGE;
    };
    let plan = run.plan();
    let item = plan.items.iter().find(|i| i.finding == f.id);
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "finding": f,
                "risk": risk,
                "acceptance": risk.acceptance.map(|i| &run.assessment.acceptances[i]),
                "plan": item,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => print!("{}", text(&run, f, risk, item, style)),
    }
    exit::OK
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn effect_line(c: &ControlEffect) -> String {
    format!(
        "{} ({}): {} [{}]; {}; {}{}",
        c.control,
        name(c.status),
        c.mitigations.join(", "),
        c.kinds
            .iter()
            .map(|k| name(*k))
            .collect::<Vec<_>>()
            .join("+"),
        c.scope,
        palisade_report::text::reductions(c),
        if c.effectiveness_declared {
            " (the control's own effectiveness)"
        } else {
            ""
        }
    )
}

fn text(
    run: &pipeline::Run,
    f: &palisade_threats::Finding,
    r: &Risk,
    item: Option<&palisade_risk::plan::Item>,
    style: Style,
) -> String {
    let bold = |s: &str| {
        if style.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let policy = &run.policy;
    let mut out = String::new();
    let status = match r.acceptance {
        Some(i) => format!("accepted ({})", name(run.assessment.acceptances[i].state)),
        None => "open".to_string(),
    };
    let _ = writeln!(out, "{}  {}", bold(&f.id), f.title);
    let place = f
        .location
        .as_ref()
        .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "on {} `{}`{place}; category {}; {status}\n",
        f.target.component_kind.map_or("flow", |k| k.as_str()),
        f.target.id,
        f.category.as_str(),
    );

    let _ = writeln!(out, "{}", bold("Why it applies"));
    if let Some(rule) = run.library.get(&f.code) {
        let _ = writeln!(
            out,
            "  rule {} fires when: {}",
            f.code,
            rule.rule
                .when
                .value
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let _ = writeln!(out, "  {}", f.rationale);
    if !f.path.is_empty() {
        let _ = writeln!(out, "  path: {}", f.path.join(" → "));
    }
    let _ = writeln!(out, "  attack vector: {}", f.attack_vector);
    if !f.preconditions.is_empty() {
        let _ = writeln!(out, "  preconditions that hold:");
        for p in &f.preconditions {
            let _ = writeln!(out, "    - {p}");
        }
    }
    let _ = writeln!(out, "  impact: {}\n", f.impact);

    let _ = writeln!(out, "{}", bold("How it was scored"));
    let inh = &r.inherent;
    let _ = writeln!(
        out,
        "  base likelihood {} → level {} ({})",
        f.base_likelihood.as_str(),
        inh.base_likelihood,
        policy.likelihood_levels[inh.base_likelihood as usize - 1]
    );
    let _ = writeln!(
        out,
        "  base impact     {} → level {} ({})",
        f.base_impact.as_str(),
        inh.base_impact,
        policy.impact_levels[inh.base_impact as usize - 1]
    );
    for x in &inh.factors {
        let _ = writeln!(
            out,
            "  {:+} {:<10} {}: {}  [reads {}]",
            x.delta,
            name(x.affects),
            x.id,
            x.reason,
            x.reads.join(", ")
        );
    }
    if inh.factors.is_empty() {
        let _ = writeln!(out, "  no scoring factor moved it");
    }
    if inh.capped {
        let _ = writeln!(
            out,
            "  the policy caps the factors' shift at ±{} levels per axis",
            policy.max_factor_shift
        );
    }
    let s = &inh.score;
    let _ = writeln!(
        out,
        "  inherent: likelihood {} ({}) × impact {} ({}) = {} → {}\n",
        s.likelihood,
        s.likelihood_level,
        s.impact,
        s.impact_level,
        s.score,
        bold(&s.severity)
    );

    let _ = writeln!(out, "{}", bold("Controls"));
    if r.controls.is_empty() {
        let _ = writeln!(out, "  no control of the model addresses it");
    }
    for c in &r.controls {
        let mark = if c.effective {
            "✓"
        } else {
            "○ (does not count until implemented)"
        };
        let _ = writeln!(out, "  {mark} {}", effect_line(c));
    }
    let res = &r.residual;
    let _ = writeln!(
        out,
        "  residual: likelihood {:.2} → {} ({}), impact {:.2} → {} ({}) = {} → {}",
        res.likelihood_value,
        res.score.likelihood,
        res.score.likelihood_level,
        res.impact_value,
        res.score.impact,
        res.score.impact_level,
        res.score.score,
        bold(&res.score.severity)
    );
    let _ = writeln!(
        out,
        "  (each control keeps 1 − reduction of the level above the lowest; levels round to the nearest, halves down)"
    );
    for d in &r.depth {
        let _ = writeln!(out, "  ! {}", d.message());
    }
    out.push('\n');

    if let Some(i) = r.acceptance {
        let a = &run.assessment.acceptances[i];
        let _ = writeln!(out, "{}", bold("Accepted risk"));
        let _ = writeln!(
            out,
            "  by {} on {}: {}",
            a.approver, a.accepted_on, a.justification
        );
        if let Some(d) = &a.review_due {
            let _ = writeln!(out, "  review due {d}");
        }
        if let Some(d) = &a.expires {
            let _ = writeln!(out, "  expires {d}");
        }
        let _ = writeln!(out, "  state: {}\n", name(a.state));
    }

    let _ = writeln!(out, "{}", bold("What would reduce it further"));
    match item {
        Some(item) => {
            for s in &item.steps {
                let _ = writeln!(
                    out,
                    "  - {} ({}, {}; owner {}): {} −{} → {}{}",
                    s.mitigation,
                    s.name,
                    name(s.kind),
                    name(s.owner),
                    name(s.reduces),
                    pct(s.effectiveness),
                    s.residual_after.severity,
                    if s.for_depth {
                        "  [defence in depth]"
                    } else {
                        ""
                    }
                );
            }
            let _ = writeln!(out, "  with all of them: {}", item.expected.severity);
        }
        None if r.acceptance.is_some() && !run.assessment.is_open(r) => {
            let _ = writeln!(out, "  nothing planned: the risk is accepted");
        }
        None => {
            let _ = writeln!(out, "  no catalog mitigation left that would lower it");
        }
    }
    out.push('\n');
    let m = &f.mappings;
    let ids = palisade_report::text::mapping_ids(m);
    if !ids.is_empty() {
        let _ = writeln!(
            out,
            "maps to: {}",
            ids.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}
