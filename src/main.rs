//! The `shelf` command line: parses arguments and calls the library. Exit codes: 0 done,
//! 1 done but some articles had errors (skipped by `build`), 2 usage, configuration or I/O failure.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod cmd;

use shelf::Config;
use shelf::check::emit;
use shelf::config::Overrides;
use shelf::source::model::Cloud;

/// jemalloc rather than the system allocator: a build makes millions of short-lived strings
/// from many threads, and glibc's allocator spent a fifth of the 100,000-article build in
/// malloc, free and heap consolidation. Measured in one run (`benches/e2e.py`): corpus build
/// 0.68 -> 0.59 s, 100,000 articles 13.9 -> 11.5 s with peak memory 1.55 -> 1.41 GB.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(name = "shelf", version, about = "The self-help content compiler")]
pub struct Cli {
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
    Build(cmd::build::BuildArgs),
    /// Validate articles without building: exit 0 clean, 1 errors (or warnings with
    /// `--deny warnings`), 2 usage or I/O failure.
    Check(cmd::check::CheckArgs),
    /// Build, serve the site on 127.0.0.1 and rebuild what each saved change touches; open
    /// pages reload, and errors in changed articles show over the page.
    Serve(cmd::serve::ServeArgs),
    /// Run the language server on standard input and output, for editors: the diagnostics of
    /// `shelf check` as you type.
    Lsp,
    /// Start a new article of a type, with a fresh articleId and every required property;
    /// values to fill in are marked `<fill in: ...>` and reported by `shelf check`.
    New(cmd::new::NewArgs),
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
pub struct SiteArgs {
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
    /// What to write, comma-separated, replacing `outputs` of shelf.toml: pages, api, records,
    /// embed, search, sitemap (e.g. `--outputs api,records` for a portal that reads records).
    #[arg(long, value_name = "LIST", value_parser = parse_outputs)]
    outputs: Option<OutputList>,
}

/// `--outputs`, parsed.
#[derive(Clone)]
pub struct OutputList(Vec<shelf::config::Output>);

fn parse_outputs(list: &str) -> Result<OutputList, String> {
    shelf::config::Output::parse_list(list).map(OutputList)
}

impl SiteArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            source: self.source.clone(),
            output: self.output.clone(),
            cloud: self.cloud.as_ref().map(|c| c.0),
            no_search: self.no_search,
            outputs: self.outputs.clone().map(|list| list.0),
        }
    }
}

#[derive(Clone)]
pub struct CloudArg(pub Cloud);

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
    pub config_file: PathBuf,
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
            cmd::build::run(&site, args)
        }
        Command::Check(args) => cmd::check::run(&site, args, cli.color.into()),
        Command::Serve(args) => cmd::serve::run(&site, args, cli.color.into()),
        Command::New(args) => cmd::new::run(&site.root, args),
        Command::Lsp => cmd::lsp::run(&site),
        Command::Init { dir } => cmd::new::init(&cli.root.unwrap_or_default().join(dir)),
        Command::Rules { rule } => cmd::rules::run(rule.as_deref()),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "shelf", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { command } => cmd::man::run(command.as_deref()),
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
