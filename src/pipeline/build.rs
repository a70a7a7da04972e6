//! Building a site from what was loaded: render every page into a staging folder, then swap it
//! in whole (the previous site stays until the new one is complete).

use std::time::{Duration, Instant};

use crate::base::error::Error;
use crate::base::progress::Progress;
use crate::config::Config;
use crate::pipeline::load::Loaded;
use crate::site::output::{Committed, Staging};
use crate::site::render::{self, Renderer, Written};
use crate::source::model::Cloud;

/// What a build did.
pub struct Built {
    pub written: Written,
    /// What is in the output now.
    pub committed: Committed,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Renders `loaded` into `config.output` with `renderer` (made from `config.templates`). The
/// previous output is replaced only when everything was written. `progress` shows a bar over
/// the pages when stderr is a terminal.
pub fn build(
    config: &Config,
    cloud: Option<Cloud>,
    loaded: &Loaded,
    renderer: &Renderer,
    progress: bool,
) -> Result<Built, Error> {
    let started = Instant::now();
    let staging = Staging::begin(&config.output, &config.source)?;
    let bar = Progress::new(loaded.library.articles.len(), "writing", progress);
    let written = render::render_site(renderer, &loaded.library, config, cloud, &staging, &bar);
    bar.finish();
    let written = written?;
    let render_time = started.elapsed();
    let started = Instant::now();
    let committed = staging.commit()?;
    Ok(Built {
        written,
        committed,
        timings: vec![("render+write", render_time), ("swap", started.elapsed())],
    })
}
