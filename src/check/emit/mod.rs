//! Output of diagnostics, one module per format. The data ([`Diagnostic`]) is separate from the
//! printers, so every format says exactly the same thing.

mod concise;
mod github;
mod human;
mod json;
pub mod sarif;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::base::diagnostic::{Diagnostic, Severity};

/// The formats `shelf check --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style snippets with carets and help, and a one-line summary.
    Human,
    /// One line per problem, `file:line:col: code message`: for problem matchers and editors.
    Concise,
    /// One JSON document: summary and diagnostics.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// Counts printed with the diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Problems found that the baseline holds (not listed, never failing).
    pub baselined: usize,
    /// Baseline entries whose problem no longer occurs in the files checked.
    pub outdated: usize,
}

impl Summary {
    pub fn of(files: usize, diagnostics: &[Diagnostic]) -> Summary {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            files,
            errors,
            warnings: diagnostics.len() - errors,
            ..Summary::default()
        }
    }

    /// The summary line every text format ends with.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{} file{} checked: {} error{}, {} warning{}",
            self.files,
            plural(self.files),
            self.errors,
            plural(self.errors),
            self.warnings,
            plural(self.warnings)
        );
        if self.baselined > 0 {
            line.push_str(&format!(" ({} more in the baseline)", self.baselined));
        }
        if self.outdated > 0 {
            line.push_str(&format!(
                "; {} baseline entr{} no longer occur{}: --update-baseline drops {}",
                self.outdated,
                if self.outdated == 1 { "y" } else { "ies" },
                if self.outdated == 1 { "s" } else { "" },
                if self.outdated == 1 { "it" } else { "them" }
            ));
        }
        line
    }
}

/// The English plural suffix for `n` things: `""` for one, `"s"` otherwise.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What a check prints.
pub struct Report<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub summary: Summary,
    /// Colour (human format only).
    pub color: bool,
    /// The folder paths are given from in the github and sarif formats (the repository
    /// root), so annotations land on the right file whatever folder shelf ran in.
    pub base: Option<&'a Path>,
    /// Each diagnostic's baseline fingerprint (same order), for SARIF's partialFingerprints.
    pub fingerprints: &'a [String],
}

/// Writes `report` in `format`.
pub fn emit(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::emit(report.diagnostics, report.summary, report.color, out),
        Format::Concise => concise::emit(report.diagnostics, out),
        Format::Json => json::emit(report.diagnostics, report.summary, out),
        Format::Sarif => sarif::emit(report, out),
        Format::Github => github::emit(report, out),
    }
}

/// The folder CI paths start from: `GITHUB_WORKSPACE` when set, else the repository holding
/// `dir` (the nearest folder up with a `.git`), else none (paths as shelf names them).
pub fn ci_base(dir: &Path) -> Option<PathBuf> {
    if let Some(workspace) = std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty()) {
        return std::fs::canonicalize(workspace).ok();
    }
    let start = std::fs::canonicalize(dir).ok()?;
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

impl Report<'_> {
    /// Each diagnostic's file as CI shows it ([`ci_path`]), each file resolved once (they come
    /// sorted by file; resolving is a file-system call).
    fn ci_paths(&self) -> Vec<std::rc::Rc<str>> {
        let mut last: Option<(&Path, std::rc::Rc<str>)> = None;
        self.diagnostics
            .iter()
            .map(|d| match &last {
                Some((file, shown)) if *file == d.file.as_path() => shown.clone(),
                _ => {
                    let shown: std::rc::Rc<str> = ci_path(&d.file, self.base).into();
                    last = Some((d.file.as_path(), shown.clone()));
                    shown
                }
            })
            .collect()
    }
}

/// `file` as CI shows it: relative to `base` when below it, with `/`, no leading `./`.
pub fn ci_path(file: &Path, base: Option<&Path>) -> String {
    let shown = base
        .and_then(|base| {
            let abs = std::fs::canonicalize(file)
                .ok()
                .or_else(|| std::path::absolute(file).ok())?;
            abs.strip_prefix(base).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| file.to_path_buf());
    let text = shown.to_string_lossy().replace('\\', "/");
    text.trim_start_matches("./").to_string()
}

/// Whether to colour: `--color always|never` decides; `auto` colours a terminal, unless
/// `NO_COLOR` is set, and also a pipe when `FORCE_COLOR` or `CLICOLOR_FORCE` is set (CI logs
/// that render colour). The one place every command decides it.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto => is_terminal || set("FORCE_COLOR") || set("CLICOLOR_FORCE"),
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The Markdown summary of a check for a GitHub Actions job page (`$GITHUB_STEP_SUMMARY`):
/// counts, and the new problems by rule.
pub fn step_summary(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let mut by_rule: std::collections::BTreeMap<(&str, &str), (usize, usize)> = Default::default();
    for d in diagnostics {
        let n = by_rule.entry((d.code, d.rule)).or_default();
        match d.severity {
            Severity::Error => n.0 += 1,
            Severity::Warning => n.1 += 1,
        }
    }
    let verdict = if summary.errors == 0 {
        "passed"
    } else {
        "failed"
    };
    let mut md = format!(
        "### shelf check {verdict}\n\n| | count |\n|---|---:|\n| files checked | {} |\n| new errors | {} |\n| new warnings | {} |\n| in the baseline | {} |\n| baseline entries no longer found | {} |\n",
        summary.files, summary.errors, summary.warnings, summary.baselined, summary.outdated
    );
    if !by_rule.is_empty() {
        md.push_str("\n| rule | errors | warnings |\n|---|---:|---:|\n");
        for ((code, name), (errors, warnings)) in by_rule {
            md.push_str(&format!("| {code} {name} | {errors} | {warnings} |\n"));
        }
    }
    md
}

/// One diagnostic on stderr in the one-line form (`file:line:col: severity[code/rule]: ...`),
/// red or yellow when `color`: how `build` and `serve` report as they go.
pub fn eprint_line(d: &Diagnostic, color: bool) {
    eprint_text(d.severity, &d.to_string(), color);
}

/// Prints a diagnostic already made into text (a build's saved report).
pub fn eprint_text(severity: Severity, text: &str, color: bool) {
    if color {
        // The same styles annotate-snippets gives the human format (anstyle).
        let tint = match severity {
            Severity::Error => anstyle::AnsiColor::Red.on_default(),
            Severity::Warning => anstyle::AnsiColor::Yellow.on_default(),
        };
        eprintln!("{tint}{text}{tint:#}");
    } else {
        eprintln!("{text}");
    }
}
