//! Where rendered files go ([`Sink`]): the staging folder of a build, the live output of
//! `shelf serve`, or memory (tests, fuzzing); and what a change touched ([`Touched`]). Declared
//! here, below the renderers (pages, API, search) that write into it.

use std::collections::{BTreeMap, BTreeSet};

use crate::base::error::Error;
use crate::source::library::{ArticleIx, Keys};

/// Where rendered files go: the staging folder of a build, or memory (tests, fuzzing).
pub trait Sink: Sync {
    /// Creates a folder (and its parents) below the site root.
    fn create_dir(&self, rel: &str) -> Result<(), Error>;
    /// Writes one file; its folder was created first.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error>;
}

/// Keeps every file in memory, by path from the site root.
#[derive(Default)]
pub struct MemorySink(pub std::sync::Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for MemorySink {
    fn create_dir(&self, _rel: &str) -> Result<(), Error> {
        Ok(())
    }
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        let mut files = self.0.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// What a change touched (`shelf serve`): these articles' pages, records and fragments, and the
/// pages and documents of these keys. The home page, overviews, sitemap, catalogs, API index
/// and search index list every article and are always rewritten.
#[derive(Debug, Default)]
pub struct Touched {
    pub articles: BTreeSet<ArticleIx>,
    pub keys: Keys,
}
