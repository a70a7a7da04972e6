//! `shelf new` (an article of a type, with a fresh articleId) and `shelf init` (a new site).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::CloudArg;

#[derive(Args)]
pub struct NewArgs {
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

pub fn run(root: &std::path::Path, args: NewArgs) -> anyhow::Result<ExitCode> {
    let trim = |v: Vec<String>| {
        v.into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let spec = shelf::pipeline::scaffold::NewArticle {
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
    let made = shelf::pipeline::scaffold::write_new(&path, &spec)?;
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

pub fn init(dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    let written = shelf::pipeline::scaffold::init(dir)?;
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
