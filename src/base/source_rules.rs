//! The rules the reading stage raises itself: the file (unreadable, not UTF-8, empty, a symlink
//! leading out), the header's syntax, the payload's JSON, and identity (duplicate articleIds and
//! URLs, found while the library is made). Declared here, below the parser, so that reading
//! never imports the rules above it; `rules::ALL` lists them with every other rule.

declare_rule! {
    /// The file or folder could not be read (permissions, symlink loop, I/O error).
    pub FILE_UNREADABLE = ("SH001", "file-unreadable", Error);
}
declare_rule! {
    /// A symlink in the source folder leads outside it; it is not read.
    ///
    /// Why: a tree checked in CI comes from anyone who opens a pull request, and a link such as
    /// `notes.md -> /proc/self/environ` would make shelf print the machine's secrets in its
    /// report and publish them in the site. Links that stay inside the source are followed.
    /// Example: `shared -> ../../other-repo/articles`. Set `follow-outside-symlinks = true` in
    /// shelf.toml to read such links in a tree you trust.
    pub SYMLINK_OUTSIDE_SOURCE = ("SH015", "symlink-outside-source", Error);
}
declare_rule! {
    /// The file is not valid UTF-8 (or holds NUL bytes, as binary files do).
    pub FILE_NOT_UTF8 = ("SH002", "file-not-utf8", Error);
}
declare_rule! {
    /// No `<properties .../>` header was found at the top of the file.
    pub HEADER_NOT_FOUND = ("SH003", "header-not-found", Error);
}
declare_rule! {
    /// The `<properties` header never ends, or ends with `>` instead of `/>`.
    pub HEADER_NOT_CLOSED = ("SH004", "header-not-closed", Error);
}
declare_rule! {
    /// Text other than a BOM, whitespace or HTML comments comes before the header.
    pub TEXT_BEFORE_HEADER = ("SH005", "text-before-header", Error);
}
declare_rule! {
    /// An invisible character (a second byte-order mark, a zero-width space) comes before the
    /// header.
    ///
    /// Why: an editor added a BOM to a file that had one. Readers and shelf see nothing, but
    /// strict tools may not find the header behind it; the fix deletes it.
    /// Example: a file starting with two UTF-8 BOMs.
    pub INVISIBLE_BEFORE_HEADER = ("SH016", "invisible-character-before-header", Warning);
}
declare_rule! {
    /// A header attribute is malformed: missing `=`, unquoted value, missing closing quote.
    pub ATTRIBUTE_SYNTAX = ("SH006", "attribute-syntax", Error);
}
declare_rule! {
    /// A header value holds a raw `&` or an unknown entity; it is read literally.
    pub UNESCAPED_AMPERSAND = ("SH007", "unescaped-ampersand", Warning);
}
declare_rule! {
    /// The same header key appears twice (keys are case-insensitive); the first one is used.
    pub DUPLICATE_PROPERTY = ("SH008", "duplicate-property", Error);
}
declare_rule! {
    /// The file is empty or holds only whitespace.
    pub EMPTY_FILE = ("SH009", "empty-file", Error);
}

declare_rule! {
    /// Two files share one articleId (ignoring case). Both are reported; one is built: the
    /// file whose page the last build to the output published, else the first by path, so
    /// a new file never silently takes over an existing page.
    ///
    /// Why: the portal finds an article by its articleId; two articles with one ID mean one
    /// of them is never shown.
    pub DUPLICATE_ARTICLE_ID = ("SH201", "duplicate-article-id", Error);
}
declare_rule! {
    /// Two articles would be written to the same page URL. Both are reported; one is built, as
    /// for SH201. Why: one page would overwrite the other.
    pub OUTPUT_PATH_COLLISION = ("SH202", "output-path-collision", Error);
}

declare_rule! {
    /// The selfHelpType carries a JSON payload between `---` lines, and none was found.
    pub PAYLOAD_MISSING = ("SH501", "payload-missing", Error);
}
declare_rule! {
    /// The JSON payload does not parse, even leniently.
    pub PAYLOAD_INVALID_JSON = ("SH502", "payload-invalid-json", Error);
}
declare_rule! {
    /// The JSON payload parses only leniently (comments or trailing commas).
    pub PAYLOAD_LENIENT_JSON = ("SH503", "payload-lenient-json", Warning);
}
