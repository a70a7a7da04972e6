//! `shelf rules`: the rule catalog, or one rule's documentation.

use std::io::Write;
use std::process::ExitCode;

pub fn run(which: Option<&str>) -> anyhow::Result<ExitCode> {
    let catalog = shelf::check::rules::ALL;
    let mut out = std::io::stdout().lock();
    match which {
        None => {
            let mut group = "";
            for r in catalog {
                let this = shelf::check::rules::group(r.code);
                if this != group {
                    let gap = if group.is_empty() { "" } else { "\n" };
                    writeln!(out, "{gap}{this}")?;
                    group = this;
                }
                writeln!(
                    out,
                    "  {} {:<30} {:<8} {}",
                    r.code,
                    r.name,
                    r.severity,
                    r.summary()
                )?;
            }
        }
        Some(wanted) => {
            let rule = shelf::check::rules::levels::find(wanted).ok_or_else(|| {
                shelf::Error::Usage(format!("no rule `{wanted}`; `shelf rules` lists them"))
            })?;
            writeln!(
                out,
                "{} {} ({}, default: {})\n",
                rule.code,
                rule.name,
                shelf::check::rules::group(rule.code),
                rule.severity
            )?;
            // Doc comments keep the leading space of `/// text`.
            for line in rule.doc.lines() {
                writeln!(out, "{}", line.strip_prefix(' ').unwrap_or(line))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
