//! `palisade mitigations`: browse the mitigation catalog; `palisade policy`: print or check a
//! risk policy.

use crate::exit;
use crate::pipeline;
use crate::render::Style;
use palisade_report::data::name;
use palisade_risk::catalog::Resolved;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct MitigationsArgs {
    /// Show one mitigation (id, alias or ATLAS id); without it, list the catalog.
    #[arg(value_name = "ID")]
    id: Option<String>,
    /// Only mitigations for this threat category (e.g. prompt-injection).
    #[arg(long, value_name = "CATEGORY")]
    category: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Extra mitigation-catalog files.
    #[arg(long, value_name = "FILE")]
    catalog: Vec<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: MitigationsArgs, style: Style) -> u8 {
    let catalog = match pipeline::catalog(&args.catalog, style) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(id) = &args.id {
        let ids = match catalog.resolve(id) {
            Resolved::Mitigation { id, .. } => vec![id],
            Resolved::Atlas { id: atlas, means } => {
                if let Some(a) = catalog.atlas.get(&atlas) {
                    println!(
                        "{} {} counts as: {}\n",
                        atlas,
                        a.name.value,
                        means.join(", ")
                    );
                }
                means
            }
            Resolved::Unknown { suggestion } => {
                eprintln!("error: `{id}` is not in the mitigation catalog");
                if let Some(s) = suggestion {
                    eprintln!("help: did you mean `{s}`?");
                }
                return exit::USAGE;
            }
        };
        for id in ids {
            let Some(m) = catalog.get(&id) else { continue };
            if let Format::Json = args.format {
                println!("{}", serde_json::to_string_pretty(m).unwrap_or_default());
                continue;
            }
            let mut out = String::new();
            let _ = writeln!(out, "{}  {}", m.id.value, m.name.value);
            let _ = writeln!(
                out,
                "  {}, owner {}, lowers {} by {:.0}% when in place",
                name(m.kind.value),
                name(m.owner.value),
                name(m.reduces.value),
                m.effectiveness.value * 100.0
            );
            let cats: Vec<&str> = m.categories.iter().map(|c| c.value.as_str()).collect();
            let _ = writeln!(out, "  addresses: {}", cats.join(", "));
            if !m.aliases.is_empty() {
                let a: Vec<&str> = m.aliases.iter().map(|a| a.value.as_str()).collect();
                let _ = writeln!(out, "  also written: {}", a.join(", "));
            }
            let atlas: Vec<&str> = catalog
                .atlas
                .values()
                .filter(|a| a.means.iter().any(|x| x.value == m.id.value))
                .map(|a| a.id.value.as_str())
                .collect();
            if !atlas.is_empty() {
                let _ = writeln!(out, "  ATLAS: {}", atlas.join(", "));
            }
            let _ = writeln!(out, "  {}", m.description.value);
            print!("{out}");
        }
        return exit::OK;
    }
    let list: Vec<&palisade_risk::catalog::Mitigation> = catalog
        .mitigations
        .values()
        .filter(|m| {
            args.category
                .as_deref()
                .is_none_or(|c| m.categories.iter().any(|x| x.value.as_str() == c))
        })
        .collect();
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        ),
        Format::Text => {
            for m in list {
                println!(
                    "{:<34} {:<10} {:<8} {:<10} {:>3.0}%  {}",
                    m.id.value,
                    name(m.kind.value),
                    name(m.owner.value),
                    name(m.reduces.value),
                    m.effectiveness.value * 100.0,
                    m.name.value
                );
            }
        }
    }
    exit::OK
}

#[derive(clap::Args)]
pub struct PolicyArgs {
    /// A policy file to check; without it, print the shipped default policy to start from.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

pub fn policy(args: PolicyArgs, style: Style) -> u8 {
    let Some(file) = args.file else {
        print!("{}", palisade_risk::policy::DEFAULT_POLICY);
        return exit::OK;
    };
    let p = match pipeline::policy(Some(&file), style) {
        Ok(p) => p,
        Err(code) => return code,
    };
    println!(
        "{}: valid; the matrix (impact rows, highest first):",
        file.display()
    );
    for i in (1..=p.max_impact()).rev() {
        let row: Vec<String> = (1..=p.max_likelihood())
            .map(|l| format!("{:<10}", p.bands[p.band(l, i)]))
            .collect();
        println!(
            "  {:<14} {}",
            p.impact_levels[i as usize - 1],
            row.join(" ")
        );
    }
    let cols: Vec<String> = p
        .likelihood_levels
        .iter()
        .map(|l| format!("{l:<10}"))
        .collect();
    println!("  {:<14} {}", "", cols.join(" "));
    exit::OK
}
