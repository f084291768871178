//! `palisade plan`: open threats by residual risk, and what to do about each.

use crate::exit;
use crate::output;
use crate::pipeline::{self, PipelineArgs};
use crate::render::Style;
use palisade_report::data::name;
use palisade_report::text::plural;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct PlanArgs {
    /// The model file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write to this file (atomically) instead of stdout; `-` is stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    pipeline: PipelineArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: PlanArgs, style: Style) -> u8 {
    let run = match pipeline::run(&args.file, &args.pipeline, style, true) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let plan = run.plan();
    let written = match args.format {
        // Through a JSON value, whose objects keep their keys sorted (the plan's published
        // shape); written as it is serialised rather than as one string first.
        Format::Json => output::emit_with(args.output.as_deref(), |w| {
            palisade_report::json::write(
                &serde_json::json!({
                    "format_version": 1,
                    "system": run.model().system.name.value,
                    "today": run.assessment.today,
                    "items": plan.items,
                }),
                w,
            )
        }),
        Format::Text => output::emit(args.output.as_deref(), text(&run, plan, style).as_bytes()),
    };
    if let Err(e) = written {
        eprintln!("error: cannot write the plan: {e}");
        return exit::USAGE;
    }
    exit::OK
}

fn text(run: &pipeline::Run, plan: &palisade_risk::Plan, style: Style) -> String {
    let bold = |s: &str| {
        if style.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let open = run
        .assessment
        .risks
        .iter()
        .filter(|r| run.assessment.is_open(r))
        .count();
    let _ = writeln!(
        out,
        "{} — mitigation plan: {} open, {} with proposed steps, highest residual risk first\n",
        bold(&run.model().system.name.value),
        plural(open, "threat"),
        plan.items.len()
    );
    let mut by_owner: BTreeMap<String, usize> = BTreeMap::new();
    for (n, item) in plan.items.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>2}. [{}] {}  {}",
            n + 1,
            item.residual.severity,
            bold(&item.finding),
            item.title
        );
        let _ = writeln!(
            out,
            "    now {} × {}; with the steps below: {} ({} × {})",
            item.residual.likelihood_level,
            item.residual.impact_level,
            item.expected.severity,
            item.expected.likelihood_level,
            item.expected.impact_level
        );
        for s in &item.steps {
            let owner = name(s.owner);
            *by_owner.entry(owner.clone()).or_default() += 1;
            let mut line = format!(
                "    - {} ({}; {}, owner {}): lowers {} by {:.0}% → {}",
                s.mitigation,
                s.name,
                name(s.kind),
                owner,
                name(s.reduces),
                s.effectiveness * 100.0,
                s.residual_after.severity
            );
            if s.for_depth {
                line.push_str("  [defence in depth]");
            }
            if !s.planned_controls.is_empty() {
                line.push_str(&format!("  [planned: {}]", s.planned_controls.join(", ")));
            }
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    if plan.items.is_empty() {
        let _ = writeln!(
            out,
            "nothing to do: no open threat has a mitigation left to add"
        );
    } else {
        let owners: Vec<String> = by_owner.iter().map(|(o, n)| format!("{o} {n}")).collect();
        let _ = writeln!(out, "steps by owner: {}", owners.join(", "));
    }
    out
}
