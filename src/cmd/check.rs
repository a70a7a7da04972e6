//! `shelf check`: the gate. Reads the whole tree, reports on what was asked (paths, a change,
//! standard input), subtracts the baseline, fixes or shows fixes, and prints in the format the
//! host reads.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use shelf::base::diagnostic::{Diagnostic, Severity};
use shelf::check::baseline::{self, Baseline};
use shelf::check::emit::{self, ColorChoice};
use shelf::{Config, Error};

use crate::Site;

#[derive(Args)]
pub struct CheckArgs {
    /// Files or folders to report on (default: the whole source). The whole source is still
    /// read, so cross-article rules such as duplicate IDs see every article. A path that does
    /// not exist or holds no article is a usage error (exit 2).
    paths: Vec<PathBuf>,
    /// Folder of articles (default: `source` in shelf.toml, else `articles`).
    #[arg(long)]
    source: Option<PathBuf>,
    /// Output format: human, concise (`file:line:col: code message`), json, sarif, github.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Apply the safe fixes (misspelled keys, list items, cloud names), then report what is
    /// left. What changed is printed on stderr. With --stdin-filename, the fixed text is
    /// printed on stdout and the report on stderr.
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// Print what --fix would change as a unified diff, and change nothing; exit 1 when there
    /// is something to fix.
    #[arg(long)]
    diff: bool,
    /// Treat warnings as errors for the exit code.
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    deny: Option<String>,
    /// List errors only, in every format (warnings still count in the summary and for
    /// `--deny`).
    #[arg(short, long)]
    quiet: bool,
    /// Also print how many problems each rule found, on stderr.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Print the time of each phase, on stderr.
    #[arg(long)]
    timings: bool,
    /// The problems the repository already has (e.g. `.shelf-baseline.json`): those are
    /// counted, not listed, and never fail the check. A missing file is an empty baseline.
    /// Default: `baseline` in shelf.toml.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Ignore the baseline of shelf.toml: list and count every problem.
    #[arg(long, conflicts_with_all = ["baseline", "update_baseline"])]
    no_baseline: bool,
    /// Write what this check finds to the baseline file (--baseline, else shelf.toml's;
    /// sorted, one problem per line; problems of files outside the paths or change checked
    /// are kept) and exit 0.
    #[arg(long)]
    update_baseline: bool,
    /// Report only on the files changed since the merge base of REV and HEAD (commits, staged
    /// and unstaged edits, untracked files), plus what the change breaks elsewhere: a payload
    /// naming an article it deleted. Needs git; in CI fetch REV first.
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// Check the text on standard input as if it were this file (for editors and hooks).
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Only these rules (codes or names; comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Vec<String>,
    /// Turn these rules off (codes or names; comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    ignore: Vec<String>,
    /// Set a rule's level: `--rule SH307=off`, `--rule list-after-paragraph=error`
    /// (repeatable). Wins over shelf.toml.
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    rules: Vec<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
}

pub fn run(site: &Site, args: CheckArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut config = site.config()?;
    if let Some(source) = &args.source {
        config.source = source.clone();
    }
    config
        .levels
        .command_line(&args.select, &args.ignore, &args.rules)
        .map_err(Error::Usage)?;
    let baseline_file = match args.no_baseline {
        true => None,
        false => args.baseline.clone().or_else(|| config.baseline.clone()),
    };
    if args.update_baseline && baseline_file.is_none() {
        return Err(Error::Usage(
            "--update-baseline writes the baseline: name it with --baseline FILE or `baseline` in shelf.toml".into(),
        )
        .into());
    }
    let stdin_text = match &args.stdin_filename {
        Some(_) => {
            let mut text = Vec::new();
            std::io::stdin().read_to_end(&mut text)?;
            Some(text)
        }
        None => None,
    };
    let request = shelf::pipeline::gate::Request {
        paths: &args.paths,
        changed_since: args.changed_since.as_deref(),
        stdin: args.stdin_filename.as_deref().zip(stdin_text.as_deref()),
        progress: !args.quiet,
    };
    let mut checked = shelf::pipeline::gate::check(&config, &request)?;
    if args.diff {
        return diff(&config, &checked, &request);
    }
    if args.fix {
        if let (Some(path), Some(text)) = (&args.stdin_filename, &stdin_text) {
            // The fixed text goes to stdout; the report (on stderr) is of what is left in it.
            let fixed = fixed_text(&config, path, text);
            std::io::stdout().lock().write_all(&fixed)?;
            let request = shelf::pipeline::gate::Request {
                stdin: Some((path.as_path(), fixed.as_slice())),
                ..request
            };
            checked = shelf::pipeline::gate::check(&config, &request)?;
        } else {
            checked = fix(&config, checked, &request)?;
        }
    }

    let root = site.root.as_path();
    let mut summary = emit::Summary::of(checked.files, &[]);
    let mut fingerprints = Vec::new();
    let format = args.format;
    let mut shown = match &baseline_file {
        Some(path) => {
            let before = Baseline::read(path)?;
            // The root resolved once; entries are below it.
            let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
            let in_scope = |file: &str| checked.reported_on(&root_abs.join(file));
            if args.update_baseline {
                let (added, removed) =
                    baseline::write(path, &checked.diagnostics, root, &before, &in_scope)?;
                eprintln!(
                    "{}: {} problem{} recorded ({added} added, {removed} removed)",
                    path.display(),
                    checked.diagnostics.len(),
                    emit::plural(checked.diagnostics.len())
                );
                summary.baselined = checked.diagnostics.len();
                Vec::new()
            } else {
                let split = before.split(checked.diagnostics.clone(), root, in_scope);
                summary.baselined = split.baselined_errors + split.baselined_warnings;
                summary.outdated = split.gone.len();
                if matches!(format, FormatArg::Sarif) {
                    fingerprints = split.new_fingerprints;
                }
                split.new
            }
        }
        None => {
            if matches!(format, FormatArg::Sarif) {
                fingerprints = baseline::fingerprints(&checked.diagnostics, root);
            }
            // Counted by rule below with --verbose; otherwise not needed again.
            match args.verbose {
                true => checked.diagnostics.clone(),
                false => std::mem::take(&mut checked.diagnostics),
            }
        }
    };
    let counted = emit::Summary::of(checked.files, &shown);
    summary.errors = counted.errors;
    summary.warnings = counted.warnings;
    if args.quiet {
        if !fingerprints.is_empty() {
            fingerprints = shown
                .iter()
                .zip(fingerprints)
                .filter(|(d, _)| d.severity == Severity::Error)
                .map(|(_, f)| f)
                .collect();
        }
        shown.retain(|d| d.severity == Severity::Error);
    }
    print_report(&args, root, &shown, summary, &fingerprints, color)?;
    if args.verbose {
        let mut by_rule: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
        for d in &checked.diagnostics {
            *by_rule.entry((d.code, d.rule)).or_default() += 1;
        }
        let mut stderr = std::io::stderr().lock();
        writeln!(stderr, "problems by rule:")?;
        for ((code, rule), n) in &by_rule {
            writeln!(stderr, "  {code} {rule:<32}{n:>6}")?;
        }
    }
    if args.timings {
        let mut stderr = std::io::stderr().lock();
        for (phase, t) in &checked.timings {
            writeln!(stderr, "  {phase:<14}{:>8.1} ms", t.as_secs_f64() * 1000.0)?;
        }
        let total = started.elapsed().as_secs_f64() * 1000.0;
        writeln!(stderr, "  {:<14}{total:>8.1} ms", "total")?;
        crate::cmd::build::print_peak_memory();
    }
    let failed = summary.errors > 0 || (args.deny.is_some() && summary.warnings > 0);
    // The process ends here; the OS takes the memory back at once.
    std::mem::forget(checked);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints the report on stdout (stderr when stdout carries fixed text), and the extras of CI
/// hosts: the job summary of GitHub Actions, the SARIF result cap.
fn print_report(
    args: &CheckArgs,
    root: &Path,
    shown: &[Diagnostic],
    summary: emit::Summary,
    fingerprints: &[String],
    color: ColorChoice,
) -> anyhow::Result<()> {
    let format = match args.format {
        FormatArg::Human => emit::Format::Human,
        FormatArg::Concise => emit::Format::Concise,
        FormatArg::Json => emit::Format::Json,
        FormatArg::Sarif => emit::Format::Sarif,
        FormatArg::Github => emit::Format::Github,
    };
    let base = match format {
        emit::Format::Github | emit::Format::Sarif => emit::ci_base(root),
        _ => None,
    };
    let to_stderr = args.fix && args.stdin_filename.is_some();
    let terminal = if to_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let report = emit::Report {
        diagnostics: shown,
        summary,
        color: emit::use_color(color, terminal),
        base: base.as_deref(),
        fingerprints,
    };
    // Buffered: a report of thousands of lines was thousands of writes.
    if to_stderr {
        let mut out = std::io::BufWriter::new(std::io::stderr().lock());
        emit::emit(format, &report, &mut out)?;
        out.flush()?;
    } else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        emit::emit(format, &report, &mut out)?;
        out.flush()?;
    }
    if format == emit::Format::Concise && !args.quiet {
        eprintln!("{}", summary.line());
    }
    if format == emit::Format::Sarif && shown.len() > emit::sarif::GITHUB_RESULT_LIMIT {
        eprintln!("note: {}", emit::sarif::too_many(shown.len()));
    }
    if format == emit::Format::Github
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        // Appended, as the runner expects of every step writing to it.
        let written = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| f.write_all(emit::step_summary(shown, summary).as_bytes()));
        if let Err(e) = written {
            eprintln!(
                "warning: could not write the job summary to {}: {e}",
                Path::new(&path).display()
            );
        }
    }
    Ok(())
}

/// `--fix`: applies fixes until none is left (a fix can uncover another, as a renamed key's
/// value is then checked as a list); ten passes at most. What changed goes to stderr.
fn fix(
    config: &Config,
    mut checked: shelf::pipeline::gate::Checked,
    request: &shelf::pipeline::gate::Request,
) -> anyhow::Result<shelf::pipeline::gate::Checked> {
    let mut stderr = std::io::stderr().lock();
    let (mut count, mut files) = (0, std::collections::BTreeSet::new());
    // A file left alone is said once, with the reason of the last pass.
    let mut not_fixed = std::collections::BTreeMap::new();
    for _ in 0..10 {
        // Tests act here: between a check and its fixes is where a save can fall.
        shelf::base::failpoint::hit("fix-apply")?;
        let applied = shelf::check::fix::apply(&checked.diagnostics, |f| checked.digest_of(f));
        not_fixed.extend(applied.not_fixed.into_iter().map(|n| (n.file, n.reason)));
        let fixed = applied.fixed;
        if fixed.is_empty() {
            break;
        }
        for f in &fixed {
            for description in &f.descriptions {
                writeln!(stderr, "fixed {}: {description}", f.file.display())?;
                count += 1;
            }
            files.insert(f.file.clone());
            not_fixed.remove(&f.file);
        }
        checked = shelf::pipeline::gate::check(config, request)?;
    }
    for (file, reason) in &not_fixed {
        writeln!(stderr, "not fixed {}: {reason}", file.display())?;
    }
    writeln!(
        stderr,
        "applied {count} fix{} in {} file{}",
        if count == 1 { "" } else { "es" },
        files.len(),
        emit::plural(files.len())
    )?;
    Ok(checked)
}

/// A file's text as `--fix` would leave it.
fn fixed_text(config: &Config, file: &Path, text: &[u8]) -> Vec<u8> {
    let rel = file.to_string_lossy();
    shelf::check::fix::fixed_text(file, &rel, text, |diagnostics, suppressions| {
        suppressions.apply(file, diagnostics, false);
        config.levels.apply(diagnostics);
    })
}

/// `--diff`: what `--fix` would change in each file, as a unified diff; nothing is written.
fn diff(
    config: &Config,
    checked: &shelf::pipeline::gate::Checked,
    request: &shelf::pipeline::gate::Request,
) -> anyhow::Result<ExitCode> {
    let mut files: Vec<&Path> = checked
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .map(|d| d.file.as_path())
        .collect();
    files.dedup();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut changed = 0;
    for file in files {
        let original = match request.stdin {
            Some((_, text)) if checked.is_stdin(file) => text.to_vec(),
            _ => match std::fs::read(file) {
                Ok(bytes) => bytes,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    continue;
                }
            },
        };
        let fixed = fixed_text(config, file, &original);
        if fixed == original {
            continue;
        }
        changed += 1;
        let (before, after) = (
            String::from_utf8_lossy(&original),
            String::from_utf8_lossy(&fixed),
        );
        let name = file.to_string_lossy().replace('\\', "/");
        let name = name.trim_start_matches("./");
        let text_diff = similar::TextDiff::from_lines(before.as_ref(), after.as_ref());
        write!(
            out,
            "{}",
            text_diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
        )?;
    }
    out.flush()?;
    eprintln!(
        "{changed} file{} would be changed by --fix",
        emit::plural(changed)
    );
    Ok(if changed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
