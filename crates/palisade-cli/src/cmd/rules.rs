//! `palisade rules list|show`: browse the threat library.

use crate::exit;
use crate::render::Style;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
    /// Also load the rule packs in these directories.
    #[arg(long, global = true, value_name = "DIR")]
    rules: Vec<PathBuf>,
}

#[derive(clap::Subcommand)]
enum RulesCommand {
    /// List the rules: code, category, target and title.
    List {
        /// Only rules of this category.
        #[arg(long)]
        category: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print one rule's documentation and mappings.
    Show {
        /// Rule code or name.
        code: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: RulesArgs, style: Style) -> u8 {
    let lib = match super::analyze::library(&args.rules, style) {
        Ok(l) => l,
        Err(code) => return code,
    };
    match args.command {
        RulesCommand::List { category, format } => {
            let rules: Vec<_> = lib
                .rules
                .iter()
                .filter(|r| {
                    category
                        .as_deref()
                        .is_none_or(|c| r.rule.category.value.as_str() == c)
                })
                .collect();
            if let Some(c) = &category
                && rules.is_empty()
                && palisade_threats::Category::from_name(c).is_none()
            {
                eprintln!(
                    "error: unknown category `{c}`; categories: {}",
                    palisade_threats::Category::NAMES.join(", ")
                );
                return exit::USAGE;
            }
            match format {
                Format::Text => {
                    for r in &rules {
                        let r = &r.rule;
                        println!(
                            "{:<7} {:<21} {:<9} {}",
                            r.code.value,
                            r.category.value.as_str(),
                            r.target.value.as_str(),
                            r.title.value
                        );
                    }
                    eprintln!("{} rules", rules.len());
                }
                Format::Json => {
                    let v: Vec<_> = rules.iter().map(|r| &r.rule).collect();
                    println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                }
            }
            exit::OK
        }
        RulesCommand::Show { code } => {
            let Some(r) = lib.get(&code) else {
                let codes: Vec<&str> = lib
                    .rules
                    .iter()
                    .map(|r| r.rule.code.value.as_str())
                    .collect();
                eprintln!(
                    "error: no rule `{code}`{}",
                    palisade_model::suggest(&code, codes.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default()
                );
                return exit::USAGE;
            };
            print!("{}", show(&r.rule, &r.origin));
            exit::OK
        }
    }
}

fn show(r: &palisade_threats::Rule, origin: &str) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let d = &r.docs.value;
    let _ = writeln!(o, "{} ({}) — {}", r.code.value, r.name.value, r.title.value);
    let _ = writeln!(
        o,
        "category: {}   target: {}{}   base likelihood: {}   base impact: {}   source: {origin}\n",
        r.category.value,
        r.target.value,
        if r.kinds.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                r.kinds
                    .iter()
                    .map(|k| k.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        r.base_likelihood.value,
        r.base_impact.value
    );
    for (h, t) in [
        ("What it is", &d.what.value),
        ("Why it matters", &d.why.value),
        ("Example", &d.example.value),
        ("Attack vector", &r.attack_vector.value),
        ("Impact", &r.impact.value),
    ] {
        let _ = writeln!(o, "## {h}\n{}\n", t.trim());
    }
    let _ = writeln!(o, "## Applies when\n{}\n", r.when.value.trim());
    if !r.preconditions.is_empty() {
        let _ = writeln!(o, "## Preconditions");
        for p in &r.preconditions {
            let _ = writeln!(o, "- {}", p.text.value);
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## Mitigations");
    for m in &d.mitigations {
        let _ = writeln!(o, "- {}", m.value);
    }
    let m = &r.mappings.value;
    let _ = writeln!(o, "\n## Mappings");
    for (name, list) in [
        ("MITRE ATLAS", &m.atlas),
        ("OWASP LLM Top 10", &m.owasp_llm),
        ("OWASP ML Top 10", &m.owasp_ml),
        ("OWASP Agentic Top 10", &m.owasp_agentic),
        ("NIST AI 100-2", &m.nist),
        ("CWE", &m.cwe),
    ] {
        if !list.is_empty() {
            let ids: Vec<&str> = list.iter().map(|x| x.value.as_str()).collect();
            let _ = writeln!(o, "- {name}: {}", ids.join(", "));
        }
    }
    if !d.references.is_empty() {
        let _ = writeln!(o, "\n## References");
        for x in &d.references {
            let _ = writeln!(o, "- {}", x.value);
        }
    }
    o
}
