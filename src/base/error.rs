//! Operational failures: what stops a command as a whole (I/O on the output, bad config, broken
//! templates). Problems in articles are not errors but [`crate::base::diagnostic::Diagnostic`] values.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read or write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration in {}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error("template error: {message}")]
    Template { message: String },
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
