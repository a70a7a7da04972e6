//! `shelf serve`: build, serve on loopback, rebuild what each saved change touches.

use std::process::ExitCode;

use clap::Args;

use shelf::check::emit::ColorChoice;

use crate::{Site, SiteArgs};

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
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

pub fn run(site: &Site, args: ServeArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
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
