//! What a link target is, read as a browser reads it: the classification every link rule and
//! the body parse share (below both, so neither imports the other for it).

/// An http(s) URL split into its lowercased host and the rest (path, query, fragment).
pub fn split_url(target: &str) -> Option<(String, &str)> {
    let t = target.trim();
    let scheme_end = t.find("://")?;
    let scheme = &t[..scheme_end];
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let rest = &t[scheme_end + 3..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..host_end].split(':').next().unwrap_or("");
    Some((host.to_ascii_lowercase(), &rest[host_end..]))
}

/// What a link target is, as a browser would read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    Empty,
    /// `#section`.
    Anchor,
    /// http(s), mailto, tel, ftp, or protocol-relative `//host`.
    Web,
    /// `data-blade:` and the portal's other `…data-…:` commands.
    Portal,
    /// A replacement token or template expression the portal fills in.
    Placeholder,
    /// `javascript:`, `vbscript:`, `data:`: runs code or hides a document.
    Script(&'static str),
    /// `C:\…`, `\\server\share`, `file:`.
    LocalFile,
    /// `www.example.com/page`: a host without `https://`.
    MissingScheme,
    /// `/path` on whatever host serves the page.
    RootRelative,
    /// `img/a.png`, `../x.md`, `Screenshots\a.png`.
    Relative,
    /// Any other scheme.
    Other,
}

/// Reads a target the way a browser does: entities decoded, control characters and whitespace
/// dropped, the scheme compared ignoring case.
pub fn classify(target: &str) -> LinkTarget {
    let raw = target.trim();
    if raw.is_empty() {
        return LinkTarget::Empty;
    }
    if raw.starts_with("<!--") || raw.starts_with('$') || raw.contains("{{") {
        return LinkTarget::Placeholder;
    }
    let decoded =
        quick_xml::escape::unescape(raw).map_or_else(|_| raw.to_string(), |d| d.into_owned());
    let clean: String = decoded
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if clean.starts_with('#') {
        return LinkTarget::Anchor;
    }
    if clean.starts_with("//") {
        return LinkTarget::Web;
    }
    if clean.starts_with("\\\\") {
        return LinkTarget::LocalFile;
    }
    let scheme = clean.find(':').map(|i| &clean[..i]).filter(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    match scheme {
        Some(s) if s.len() == 1 => LinkTarget::LocalFile,
        Some("javascript") => LinkTarget::Script("javascript"),
        Some("vbscript") => LinkTarget::Script("vbscript"),
        Some("livescript") => LinkTarget::Script("livescript"),
        Some("data") => LinkTarget::Script("data"),
        Some("http" | "https" | "mailto" | "tel" | "ftp" | "ftps") => LinkTarget::Web,
        Some("file") => LinkTarget::LocalFile,
        Some(s) if s.ends_with("data-blade") || s.ends_with("data-context") => LinkTarget::Portal,
        Some(_) => LinkTarget::Other,
        None if clean.starts_with('/') => LinkTarget::RootRelative,
        None if clean.starts_with("www.") || host_like(&clean) => LinkTarget::MissingScheme,
        None => LinkTarget::Relative,
    }
}

/// Whether the first segment of a scheme-less target is a host name rather than a file or
/// folder: labels joined by dots, the last a top-level domain of letters that is no file
/// extension (`aka.ms/vm`, `learn.microsoft.com/azure`, but not `media/error.png` or
/// `readme.md`).
fn host_like(target: &str) -> bool {
    const FILE_EXTENSIONS: &[&str] = &[
        "md", "png", "jpg", "jpeg", "gif", "svg", "bmp", "webp", "htm", "html", "pdf", "txt",
        "json", "xml", "zip", "ps1", "sh", "py", "js", "css", "csv", "yml", "yaml", "docx", "xlsx",
        "pptx", "mp4", "gz", "exe", "msi", "log",
    ];
    let first = target.split(['/', '?', '#']).next().unwrap_or("");
    let labels: Vec<&str> = first.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !FILE_EXTENSIONS.contains(&tld)
        && (labels.len() >= 3 || target.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_classified_like_a_browser_reads_them() {
        assert_eq!(
            classify(" JaVa&#x09;Script:x"),
            LinkTarget::Script("javascript")
        );
        assert_eq!(
            classify("&#100;ata:text/html,x"),
            LinkTarget::Script("data")
        );
        assert_eq!(classify("C:\\Users\\a.png"), LinkTarget::LocalFile);
        assert_eq!(classify("\\\\server\\share"), LinkTarget::LocalFile);
        assert_eq!(classify("button-data-blade:A.B"), LinkTarget::Portal);
        assert_eq!(
            classify("<!--$Link1-->x<!--/$Link1-->"),
            LinkTarget::Placeholder
        );
        assert_eq!(classify("www.x.y/a"), LinkTarget::MissingScheme);
        assert_eq!(classify("aka.ms/vmrestore"), LinkTarget::MissingScheme);
        assert_eq!(
            classify("learn.microsoft.com/azure/vm"),
            LinkTarget::MissingScheme
        );
        assert_eq!(classify("portal.azure.com"), LinkTarget::MissingScheme);
        assert_eq!(classify("media/error.png"), LinkTarget::Relative);
        assert_eq!(classify("readme.md"), LinkTarget::Relative);
        assert_eq!(classify("../restart.md"), LinkTarget::Relative);
        assert_eq!(classify("a/b.png"), LinkTarget::Relative);
        assert_eq!(classify("/azure/vm"), LinkTarget::RootRelative);
        assert_eq!(classify("#top"), LinkTarget::Anchor);
    }

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("HTTPS://Learn.Microsoft.com:443/en-us/azure?x#y"),
            Some(("learn.microsoft.com".to_string(), "/en-us/azure?x#y"))
        );
        assert_eq!(split_url("data-blade:A.B"), None);
        assert_eq!(split_url("https://"), Some((String::new(), "")));
    }
}
