//! Progress of long work, on stderr: a bar when stderr is a terminal and the tree is large,
//! nothing otherwise (logs and CI get the one-line summaries instead).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many items the work is over before a bar would be seen.
const WORTH_A_BAR: usize = 500;

/// A progress bar, or nothing.
#[derive(Default)]
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// No bar.
    pub fn hidden() -> Progress {
        Progress(None)
    }

    /// A bar for `len` items of `what`, when `wanted`, stderr is a terminal and `len` is large.
    pub fn new(len: usize, what: &str, wanted: bool) -> Progress {
        if !wanted || len < WORTH_A_BAR || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} {msg}")
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        bar.set_prefix(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Progress(Some(bar))
    }

    /// One more item done (from any thread).
    pub fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Removes the bar; the summary line takes its place.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_or_unwanted_work_gets_no_bar() {
        assert!(Progress::new(10, "parsing", true).0.is_none());
        assert!(Progress::new(100_000, "parsing", false).0.is_none());
        Progress::hidden().inc();
    }
}
