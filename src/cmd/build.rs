//! `shelf build`: load, render, swap the site in whole; or, when nothing changed since the last
//! build to the same output, print that build's report again and write nothing.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use shelf::base::diagnostic::Severity;
use shelf::check::article::Mode;
use shelf::check::emit::{self, ColorChoice};
use shelf::pipeline::{self, load};
use shelf::site::fingerprint;
use shelf::site::render::Renderer;

use shelf::Config;
use shelf::config::Output;

use crate::{Site, SiteArgs};

#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The global --color.
    #[arg(skip)]
    pub color: ColorChoice,
    /// Print every diagnostic, warnings included.
    #[arg(short, long)]
    verbose: bool,
    /// Print only errors.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print the time of each phase.
    #[arg(long)]
    timings: bool,
    /// Build even when nothing changed since the last build to this output (otherwise the
    /// last build's report is printed again and nothing is written).
    #[arg(long)]
    force: bool,
}

pub fn run(site: &Site, args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = site.root.as_path();
    let config = site.config()?.with(&args.site.overrides());
    if let Some(problem) = config.outputs_problem() {
        return Err(shelf::Error::Usage(problem).into());
    }
    let cloud = config.cloud;

    // Discovery walks the tree on one core; the templates are parsed on the other meanwhile.
    let (found, renderer) =
        rayon::join(|| load::find(&config), || Renderer::new(&config.templates));
    let found = found?;
    let mut timings = vec![("discover", found.took)];
    let found_diagnostics = found.diagnostics.clone();
    if !args.force && fingerprint::has_state(root, &config) {
        // Hash the inputs; when they are those of the last build and its output is untouched,
        // there is nothing to write.
        let hashing = Instant::now();
        let digests = shelf::source::read::digests(&found.files);
        let current = fingerprint::of(&config, &found.files, &digests, &found_diagnostics);
        let report = current.and_then(|f| fingerprint::up_to_date(root, &config, f));
        timings.push(("fingerprint", hashing.elapsed()));
        if let Some(report) = report {
            print_build_report(&report, &config, &args, started, None);
            print_timings(&args, &timings);
            return Ok(build_exit_code(&report));
        }
    }
    let loaded = load::load_found(&config, cloud, Mode::Build, found, !args.quiet)?;
    let built = pipeline::build::build(&config, cloud, &loaded, &renderer?, !args.quiet)?;
    let report = fingerprint::Report::new(
        built.written.clone(),
        loaded.sources.len(),
        loaded.skipped,
        loaded.other_cloud,
        &loaded.diagnostics,
        loaded.baselined,
    );
    // The state describes exactly the bytes this build parsed.
    let saving = Instant::now();
    let fingerprint = fingerprint::of(
        &config,
        &loaded.sources,
        &loaded.digests,
        &found_diagnostics,
    );
    if let Some(fingerprint) = fingerprint
        && let Err(e) = fingerprint::save(root, &config, fingerprint, &built.committed, &report)
    {
        eprintln!(
            "warning: could not save the build state in {}: {e}; the next build will not be skipped",
            root.join(fingerprint::CACHE_DIR).display()
        );
    }
    timings.extend(loaded.timings.iter().skip(1).copied());
    timings.extend(built.timings.iter().copied());
    timings.push(("save state", saving.elapsed()));
    print_build_report(&report, &config, &args, started, Some(&built.committed));
    print_timings(&args, &timings);
    // The process ends here and the OS takes the memory back at once; freeing every article
    // one by one would be a serial 10 ms on the corpus, 100 ms at 100,000 articles.
    std::mem::forget(loaded);
    Ok(build_exit_code(&report))
}

/// Prints a build's diagnostics (errors, and warnings with `--verbose`) and its summary;
/// `committed` is what this build wrote, None when the site was up to date.
fn print_build_report(
    report: &fingerprint::Report,
    config: &Config,
    args: &BuildArgs,
    started: Instant,
    committed: Option<&shelf::site::output::Committed>,
) {
    let color = emit::use_color(args.color, std::io::stderr().is_terminal());
    for line in &report.diagnostics {
        if line.severity == Severity::Error || args.verbose {
            emit::eprint_text(line.severity, &line.text, color);
        }
    }
    if args.quiet {
        return;
    }
    let w = &report.written;
    let cloud_note = config.cloud.map_or(String::new(), |c| {
        format!(
            " for cloud {c} ({} other-cloud articles left out)",
            report.other_cloud
        )
    });
    let seconds = started.elapsed().as_secs_f64();
    let Some(committed) = committed else {
        eprintln!(
            "{} is up to date: nothing changed since it was built ({} article{}{cloud_note}, {} files; checked in {seconds:.2}s; --force rebuilds)",
            config.output.display(),
            w.articles,
            emit::plural(w.articles),
            w.files,
        );
        print_problem_count(report, args);
        return;
    };
    // Files kept from the previous site, for those who deploy what changed.
    let unchanged = match committed.unchanged {
        0 => String::new(),
        n => format!(", {n} of them unchanged"),
    };
    // What was written, as the outputs say.
    let mut kinds = Vec::new();
    if config.writes(Output::Pages) {
        kinds.push(format!(
            "{} topic, {} service, {} product, {} cloud and {} type pages",
            w.topics, w.services, w.products, w.clouds, w.types
        ));
    }
    if w.api > 0 {
        kinds.push(format!("{} API documents and fragments", w.api));
    }
    if config.writes(Output::Search) {
        kinds.push("search".into());
    }
    if config.writes(Output::Sitemap) {
        kinds.push("sitemap".into());
    }
    eprintln!(
        "built {} article{}{cloud_note}: {}, {} files in {}{unchanged} ({seconds:.2}s)",
        w.articles,
        emit::plural(w.articles),
        kinds.join(", "),
        w.files,
        config.output.display(),
    );
    print_problem_count(report, args);
}

/// The summary's last line: files skipped, errors and warnings.
fn print_problem_count(report: &fingerprint::Report, args: &BuildArgs) {
    let (errors, warnings) = (report.errors(), report.warnings());
    let baselined = match report.baselined {
        0 => String::new(),
        n => format!("; {n} more in the baseline"),
    };
    eprintln!(
        "{} of {} files skipped for errors; {} error{} and {} warning{} in all{}{baselined}",
        report.skipped,
        report.sources,
        errors,
        emit::plural(errors),
        warnings,
        emit::plural(warnings),
        if warnings == 0 || args.verbose {
            ""
        } else {
            " (--verbose shows warnings)"
        }
    );
}

fn print_timings(args: &BuildArgs, timings: &[(&str, std::time::Duration)]) {
    if args.timings {
        for (phase, t) in timings {
            eprintln!("  {phase:<14}{:>8.1} ms", t.as_secs_f64() * 1000.0);
        }
        print_peak_memory();
    }
}

/// The most memory the process has held, as `--timings` ends with it (Linux only: read from
/// /proc/self/status).
pub fn print_peak_memory() {
    let peak_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
    if let Some(kib) = peak_kib {
        eprintln!("  {:<14}{:>8.1} MiB", "peak memory", kib as f64 / 1024.0);
    }
}

/// 1 when the build found an error (the same rules at the same levels as `shelf check`),
/// whether or not it kept a file from being built; 0 otherwise, warnings or not. An up-to-date
/// build answers as the build that wrote the site did.
fn build_exit_code(report: &fingerprint::Report) -> ExitCode {
    if report.errors() > 0 || report.skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
