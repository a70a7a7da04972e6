//! `shelf man`: the man page (roff) of shelf or of one command.

use std::io::Write;
use std::process::ExitCode;

use crate::Cli;

pub fn run(command: Option<&str>) -> anyhow::Result<ExitCode> {
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
