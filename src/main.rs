//! The `shelf` command line: parses arguments and calls the library. Exit codes: 0 done,
//! 1 done but some articles had errors (skipped by `build`), 2 usage, configuration or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

mod cmd;

use shelf::article::Mode;
use shelf::config::Overrides;
use shelf::diagnostic::Severity;
use shelf::model::Cloud;
use shelf::render::Renderer;
use shelf::{Config, emit, fingerprint, site};

/// jemalloc rather than the system allocator: a build makes millions of short-lived strings
/// from many threads, and glibc's allocator spent a fifth of the 100,000-article build in
/// malloc, free and heap consolidation. Measured in one run (`benches/e2e.py`): corpus build
/// 0.68 -> 0.59 s, 100,000 articles 13.9 -> 11.5 s with peak memory 1.55 -> 1.41 GB.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(name = "shelf", version, about = "The self-help content compiler")]
struct Cli {
    /// Site root: where shelf.toml is read and relative paths start. Default: the nearest
    /// folder holding a shelf.toml, from the current folder up (else the current folder).
    #[arg(short = 'C', long = "root", global = true)]
    root: Option<PathBuf>,
    /// Read the configuration from this file; its folder is the site root.
    #[arg(long = "config", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Colour: auto (a terminal, unless NO_COLOR is set; also a pipe when FORCE_COLOR or
    /// CLICOLOR_FORCE is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the static help site from the articles.
    Build(BuildArgs),
    /// Validate articles without building: exit 0 clean, 1 errors (or warnings with
    /// `--deny warnings`), 2 usage or I/O failure.
    Check(cmd::check::CheckArgs),
    /// Build, serve the site on 127.0.0.1 and rebuild what each saved change touches; open
    /// pages reload, and errors in changed articles show over the page.
    Serve(ServeArgs),
    /// Start a new article of a type, with a fresh articleId and every required property;
    /// values to fill in are marked `<fill in: ...>` and reported by `shelf check`.
    New(NewArgs),
    /// Start a new site in DIR (new or empty): shelf.toml, articles/ with an example article.
    Init {
        /// The folder to create the site in.
        dir: PathBuf,
    },
    /// List the rules, or explain one: `shelf rules SH102` or `shelf rules misspelled-property`.
    Rules {
        /// A rule code or name.
        rule: Option<String>,
    },
    /// Print shell completions: `shelf completions bash > /etc/bash_completion.d/shelf`
    /// (bash, zsh, fish, powershell, elvish).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff) of shelf or of one command: `shelf man check | man -l -`.
    Man {
        /// A command (check, build, serve, ...).
        command: Option<String>,
    },
}

/// What `build` and `serve` take over `shelf.toml`.
#[derive(Args)]
struct SiteArgs {
    /// Folder of articles (default: `source` in shelf.toml, else `articles`).
    #[arg(long)]
    source: Option<PathBuf>,
    /// Output folder, replaced whole by a build that succeeds (default: `output`).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Only the articles published to this cloud.
    #[arg(long, value_parser = clap::value_parser!(CloudArg))]
    cloud: Option<CloudArg>,
    /// Leave out the search index and search page (`search = false` in shelf.toml).
    #[arg(long)]
    no_search: bool,
}

impl SiteArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            source: self.source.clone(),
            output: self.output.clone(),
            cloud: self.cloud.as_ref().map(|c| c.0),
            no_search: self.no_search,
        }
    }
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The global --color.
    #[arg(skip)]
    color: emit::ColorChoice,
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

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 4747)]
    port: u16,
    /// Address to listen on. Only loopback by default: anything else shows your drafts to the
    /// network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Answer requests for this host name too (repeatable). By default only requests for an IP
    /// address or localhost are answered, so a web page cannot point its own name at this
    /// server and read your drafts (DNS rebinding).
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,
    /// Print each rebuild's phases, and warnings as well as errors.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Args)]
struct NewArgs {
    /// The article's selfHelpType (generic, diagnostics, problemScopingQuestions, ...).
    #[arg(long = "type", value_name = "TYPE")]
    self_help_type: String,
    /// Page title (default: from the file name).
    #[arg(long)]
    title: Option<String>,
    /// One-sentence description.
    #[arg(long)]
    description: Option<String>,
    /// Service (resource provider), e.g. microsoft.compute.
    #[arg(long)]
    service: Option<String>,
    /// Resource type, e.g. virtualmachines.
    #[arg(long)]
    resource: Option<String>,
    /// Support topic ID; repeat or separate with commas for several.
    #[arg(long = "topic", value_delimiter = ',')]
    topics: Vec<String>,
    /// Product (PES) ID; repeat or separate with commas for several.
    #[arg(long = "product", value_delimiter = ',')]
    products: Vec<String>,
    /// Cloud to publish to; repeat for several (default: public).
    #[arg(long = "cloud", value_parser = clap::value_parser!(CloudArg))]
    clouds: Vec<CloudArg>,
    /// Owning team (ownershipId).
    #[arg(long)]
    owner: Option<String>,
    /// Your GitHub user name (authors).
    #[arg(long)]
    author: Option<String>,
    /// The new article's path, ending in `.md` (relative to the site root).
    path: PathBuf,
}

#[derive(Clone)]
struct CloudArg(Cloud);

impl std::str::FromStr for CloudArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.parse().map(CloudArg)
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for emit::ColorChoice {
    fn from(c: ColorArg) -> Self {
        match c {
            ColorArg::Auto => emit::ColorChoice::Auto,
            ColorArg::Always => emit::ColorChoice::Always,
            ColorArg::Never => emit::ColorChoice::Never,
        }
    }
}

/// Where the site is: `--config`'s folder, `-C`, or the nearest folder with a shelf.toml.
pub struct Site {
    pub root: PathBuf,
    config_file: PathBuf,
}

impl Site {
    fn of(cli: &Cli) -> Site {
        if let Some(file) = &cli.config {
            let root = match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            return Site {
                root,
                config_file: file.clone(),
            };
        }
        let root = cli.root.clone().unwrap_or_else(|| {
            // Relative to where the user is, as they would write it.
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match Config::find_root(&cwd) {
                Some(found) if found != cwd => pathdiff(&found, &cwd),
                _ => PathBuf::from("."),
            }
        });
        Site {
            config_file: root.join(shelf::config::CONFIG_FILE),
            root,
        }
    }

    pub fn config(&self) -> Result<Config, shelf::Error> {
        Config::load_file(&self.root, &self.config_file)
    }
}

/// `to` relative to `from`, where `to` is `from` or above it (`..`, `../..`).
fn pathdiff(to: &std::path::Path, from: &std::path::Path) -> PathBuf {
    let ups = from
        .strip_prefix(to)
        .map_or(0, |rest| rest.components().count());
    if ups == 0 {
        return to.to_path_buf();
    }
    std::iter::repeat_n("..", ups).collect()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let site = Site::of(&cli);
    let result = match cli.command {
        Command::Build(mut args) => {
            args.color = cli.color.into();
            build(&site, args)
        }
        Command::Check(args) => cmd::check::run(&site, args, cli.color.into()),
        Command::Serve(args) => serve(&site, args, cli.color.into()),
        Command::New(args) => new_article(&site.root, args),
        Command::Init { dir } => init(&cli.root.unwrap_or_default().join(dir)),
        Command::Rules { rule } => rules(rule.as_deref()),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "shelf", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { command } => man_page(command.as_deref()),
    };
    match result {
        Ok(code) => code,
        // `shelf check | head`: the reader left; that is not a failure worth a message.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn man_page(command: Option<&str>) -> anyhow::Result<ExitCode> {
    let top = <Cli as clap::CommandFactory>::command();
    let man = match command {
        None => clap_mangen::Man::new(top),
        Some(name) => {
            let sub = top
                .get_subcommands()
                .find(|c| c.get_name() == name)
                .cloned()
                .ok_or_else(|| shelf::Error::Usage(format!("no command `{name}`")))?;
            clap_mangen::Man::new(sub).title(format!("shelf-{name}"))
        }
    };
    let mut out = Vec::new();
    man.render(&mut out)?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn rules(which: Option<&str>) -> anyhow::Result<ExitCode> {
    let catalog = shelf::rules::ALL;
    let mut out = std::io::stdout().lock();
    match which {
        None => {
            let mut group = "";
            for r in catalog {
                let this = shelf::rules::group(r.code);
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
            let rule = shelf::rules::levels::find(wanted).ok_or_else(|| {
                shelf::Error::Usage(format!("no rule `{wanted}`; `shelf rules` lists them"))
            })?;
            writeln!(
                out,
                "{} {} ({}, default: {})\n",
                rule.code,
                rule.name,
                shelf::rules::group(rule.code),
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

fn build(site: &Site, args: BuildArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = site.root.as_path();
    let config = site.config()?.with(&args.site.overrides());
    let cloud = config.cloud;

    // Discovery walks the tree on one core; the templates are parsed on the other meanwhile.
    let (found, renderer) =
        rayon::join(|| site::find(&config), || Renderer::new(&config.templates));
    let found = found?;
    let mut timings = vec![("discover", found.took)];
    let found_diagnostics = found.diagnostics.clone();
    if !args.force && fingerprint::has_state(root, &config) {
        // Hash the inputs; when they are those of the last build and its output is untouched,
        // there is nothing to write.
        let hashing = Instant::now();
        let digests = fingerprint::digests(&found.files);
        let current = fingerprint::of(&config, &found.files, &digests, &found_diagnostics);
        let report = current.and_then(|f| fingerprint::up_to_date(root, &config, f));
        timings.push(("fingerprint", hashing.elapsed()));
        if let Some(report) = report {
            print_build_report(&report, &config, &args, started, None);
            print_timings(&args, &timings);
            return Ok(build_exit_code(&report));
        }
    }
    let loaded = site::load_found(&config, cloud, Mode::Build, found, !args.quiet)?;
    let built = site::build(&config, cloud, &loaded, &renderer?, !args.quiet)?;
    let report = fingerprint::Report::new(
        built.written.clone(),
        loaded.sources.len(),
        loaded.skipped,
        loaded.other_cloud,
        &loaded.diagnostics,
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
    committed: Option<&shelf::output::Committed>,
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
    eprintln!(
        "built {} article{}{cloud_note}: {} topic, {} service, {} product, {} cloud and {} type pages, {} API documents and fragments, {} files in {}{unchanged} ({seconds:.2}s)",
        w.articles,
        emit::plural(w.articles),
        w.topics,
        w.services,
        w.products,
        w.clouds,
        w.types,
        w.api,
        w.files,
        config.output.display(),
    );
    print_problem_count(report, args);
}

/// The summary's last line: files skipped, errors and warnings.
fn print_problem_count(report: &fingerprint::Report, args: &BuildArgs) {
    let (errors, warnings) = (report.errors(), report.warnings());
    eprintln!(
        "{} of {} files skipped for errors; {} error{} and {} warning{} in all{}",
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

/// 1 when files were skipped for errors, as the build that wrote the site said.
fn build_exit_code(report: &fingerprint::Report) -> ExitCode {
    if report.skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn serve(site: &Site, args: ServeArgs, color: emit::ColorChoice) -> anyhow::Result<ExitCode> {
    let root = site.root.as_path();
    let overrides = args.site.overrides();
    let options = shelf::serve::Options {
        bind: args.bind,
        port: args.port,
        open: args.open,
        verbose: args.verbose,
        allowed_hosts: args.allowed_hosts,
        color,
        config_file: site.config_file.clone(),
    };
    shelf::serve::run(root, &overrides, &options)?;
    Ok(ExitCode::SUCCESS)
}

fn new_article(root: &std::path::Path, args: NewArgs) -> anyhow::Result<ExitCode> {
    let trim = |v: Vec<String>| {
        v.into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let spec = shelf::scaffold::NewArticle {
        self_help_type: args.self_help_type,
        title: args.title,
        description: args.description,
        service: args.service,
        resource: args.resource,
        topics: trim(args.topics),
        products: trim(args.products),
        clouds: args.clouds.into_iter().map(|c| c.0).collect(),
        owner: args.owner,
        author: args.author,
    };
    let path = root.join(&args.path);
    let made = shelf::scaffold::write_new(&path, &spec)?;
    eprintln!("created {} (articleId {})", path.display(), made.article_id);
    if made.to_fill.is_empty() {
        eprintln!(
            "fill in the TODO lines of the body, then `shelf check {}`",
            args.path.display()
        );
    } else {
        eprintln!(
            "fill in {} and the TODO lines of the body; `shelf check {}` reports what is left",
            made.to_fill.join(", "),
            args.path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn init(dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    let written = shelf::scaffold::init(dir)?;
    for path in &written {
        eprintln!("created {}", path.display());
    }
    eprintln!(
        "next: `shelf -C {} build`, then open {}",
        dir.display(),
        dir.join("output/index.html").display()
    );
    Ok(ExitCode::SUCCESS)
}
