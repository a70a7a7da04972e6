//! shelf never loses a byte that is not its own, whatever the tree plants and however a build
//! ends. Each test puts sentinel files around the site (a home folder with dotfiles, a secret,
//! the site's own shelf.toml and README), hashes them, attacks, and checks every sentinel is
//! still there with its bytes: a symlinked `.shelf-cache`, links planted in the output, source
//! links to /proc and /etc, a kill at each step of the output swap, a full disk, and an editor
//! saving files while `check --fix` rewrites them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{stderr, stdout};

/// Files around a site that shelf must never touch, with the bytes they had.
struct Sentinels {
    files: BTreeMap<PathBuf, Vec<u8>>,
    /// Folders whose entries must stay exactly these.
    folders: BTreeMap<PathBuf, Vec<String>>,
}

impl Sentinels {
    /// `home/` (dotfiles and a file named like a cache state), `secret.txt`, and the site's
    /// `shelf.toml` and `README.md`, under `dir`; the site is `dir/site`.
    fn plant(dir: &Path) -> Sentinels {
        let home = dir.join("home");
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(dir.join("site")).unwrap();
        let files = [
            (home.join(".bashrc"), "export PATH=/usr/bin\n"),
            (home.join(".gitconfig"), "[user]\nname = me\n"),
            (home.join("build-0123456789abcdef.json"), "{\"mine\":true}"),
            (home.join("notes.txt"), "keep me\n"),
            (dir.join("secret.txt"), "TOP-SECRET-SENTINEL\n"),
            (dir.join("site/shelf.toml"), "title = \"Sentinel site\"\n"),
            (dir.join("site/README.md"), "# Not an article\n"),
        ];
        for (path, text) in &files {
            fs::write(path, text).unwrap();
        }
        let mut sentinels = Sentinels {
            files: files
                .iter()
                .map(|(p, t)| (p.clone(), t.as_bytes().to_vec()))
                .collect(),
            folders: BTreeMap::new(),
        };
        sentinels.folders.insert(home.clone(), names(&home));
        sentinels.folders.insert(dir.to_path_buf(), names(dir));
        sentinels
    }

    /// Panics unless every sentinel file has its bytes and every watched folder its entries.
    fn assert_intact(&self, after: &str) {
        for (path, bytes) in &self.files {
            let now = fs::read(path)
                .unwrap_or_else(|e| panic!("after {after}: {} is gone: {e}", path.display()));
            assert_eq!(&now, bytes, "after {after}: {} changed", path.display());
            let meta = fs::symlink_metadata(path).unwrap();
            assert!(
                meta.is_file(),
                "after {after}: {} is no longer a file",
                path.display()
            );
        }
        for (folder, entries) in &self.folders {
            assert_eq!(
                &names(folder),
                entries,
                "after {after}: {}",
                folder.display()
            );
        }
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A valid article `id`, with `extra` lines in its header and `body`.
fn article(id: &str, extra: &str, body: &str) -> String {
    format!(
        "<properties\n\tpageTitle=\"Article {id}\"\n\tdescription=\"About {id}\"\n\
         \tservice=\"microsoft.compute\"\n\tresource=\"virtualmachines\"\n\
         \tselfHelpType=\"generic\"\n\tsupportTopicIds=\"32600001\"\n\tproductPesIds=\"15001\"\n\
         \tcloudEnvironments=\"public\"\n\tarticleId=\"{id}\"\n\townershipId=\"Compute_VM\"{extra}\n/>\n\
         # Article {id}\n\n{body}\n\n## **Recommended Steps**\n\n1. Restart it.\n"
    )
}

/// `articles/` of the site at `site` with `n` articles whose body says `version`.
fn write_articles(site: &Path, n: usize, version: &str) {
    let src = site.join("articles");
    fs::create_dir_all(&src).unwrap();
    for i in 0..n {
        fs::write(
            src.join(format!("a{i}.md")),
            article(
                &format!("a{i}"),
                "",
                &format!("Version {version} of this page."),
            ),
        )
        .unwrap();
    }
}

/// `shelf` in `site` with extra environment variables.
fn shelf_in(site: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shelf"));
    command.args(args).current_dir(site).env("NO_COLOR", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("shelf runs")
}

#[cfg(unix)]
#[test]
fn a_symlinked_cache_folder_makes_the_build_delete_nothing_it_points_to() {
    for target in ["../home", ".", ".."] {
        let dir = tempfile::tempdir().unwrap();
        let sentinels = Sentinels::plant(dir.path());
        let site = dir.path().join("site");
        write_articles(&site, 3, "one");
        std::os::unix::fs::symlink(target, site.join(".shelf-cache")).unwrap();
        let mut sentinels_with_site = Sentinels {
            files: sentinels.files.clone(),
            folders: sentinels.folders.clone(),
        };
        sentinels_with_site
            .folders
            .insert(site.clone(), names(&site));
        for round in 0..3 {
            let o = shelf_in(&site, &["build"], &[]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert!(
                stderr(&o).contains("could not save the build state"),
                "the refused cache is said: {}",
                stderr(&o)
            );
            // Every build builds: no state was kept through the link.
            assert!(!stderr(&o).contains("up to date"), "{}", stderr(&o));
            let mut expected = sentinels_with_site.folders.get(&site).unwrap().clone();
            for made in ["output", ".output.previous"] {
                if !expected.iter().any(|n| n == made) && site.join(made).exists() {
                    expected.push(made.to_string());
                }
            }
            expected.sort();
            sentinels_with_site.folders.insert(site.clone(), expected);
            sentinels_with_site.assert_intact(&format!(".shelf-cache -> {target}, build {round}"));
        }
    }
}

/// Builds `site` and returns every file of its output, by path.
fn site_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::tree(out)
}

#[cfg(unix)]
#[test]
fn source_symlinks_that_leave_the_tree_are_reported_and_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let sentinels = Sentinels::plant(dir.path());
    let site = dir.path().join("site");
    write_articles(&site, 2, "one");
    let src = site.join("articles");
    let link = std::os::unix::fs::symlink::<&Path, PathBuf>;
    link(Path::new("/proc/self/environ"), src.join("environ.md")).unwrap();
    link(Path::new("/etc/passwd"), src.join("passwd.md")).unwrap();
    link(Path::new("/etc"), src.join("etc")).unwrap();
    let secret_file = dir.path().join("secret.txt");
    link(&secret_file, src.join("secret.md")).unwrap();
    // A link that stays inside is followed (to a hidden folder, which is not read itself).
    fs::create_dir(src.join(".shared")).unwrap();
    fs::write(
        src.join(".shared/inside.md"),
        article("inside", "", "Shared."),
    )
    .unwrap();
    link(&src.join(".shared"), src.join("alias")).unwrap();
    let secret = "SHELF-CI-SECRET-4F2A";
    let env = [("SHELF_CI_TOKEN", secret)];
    let leaks = |text: &str| {
        text.contains(secret) || text.contains("root:x:") || text.contains("TOP-SECRET")
    };
    for format in ["human", "json", "sarif", "github"] {
        let o = shelf_in(&site, &["check", "--format", format], &env);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(
            !leaks(&out) && !leaks(&err),
            "{format} leaked:\n{out}\n{err}"
        );
        for name in ["environ.md", "passwd.md", "etc", "secret.md"] {
            assert!(
                out.lines()
                    .any(|l| l.contains(name) && (l.contains("SH015") || format != "human"))
                    || out.contains(name),
                "{format}: {name} not reported:\n{out}"
            );
        }
        assert!(out.contains("SH015"), "{format}:\n{out}");
    }
    let o = shelf_in(&site, &["build"], &env);
    // Built without them; the links are errors, as `shelf check` says.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("SH015"), "{}", stderr(&o));
    assert!(site.join("output/index.html").is_file());
    for (path, bytes) in site_files(&site.join("output")) {
        assert!(
            !leaks(&String::from_utf8_lossy(&bytes)),
            "{path} holds what a link pointed at"
        );
    }
    assert!(
        site.join("output/articles/inside.html").is_file(),
        "the inside link is followed"
    );
    sentinels.assert_intact("check and build");
}

/// What the output holds: the version its article pages say, when they all say the same.
fn version_of(out: &Path) -> Option<String> {
    let mut versions = std::collections::BTreeSet::new();
    for i in 0..40 {
        let page = fs::read_to_string(out.join(format!("articles/a{i}.html"))).ok()?;
        let at = page.find("Version ")?;
        versions.insert(page[at..].split_whitespace().nth(1)?.to_string());
    }
    (versions.len() == 1).then(|| versions.into_iter().next().unwrap())
}

/// Names beside the output that start with `.output.`: what builds leave next to it.
fn beside_output(site: &Path) -> Vec<String> {
    names(site)
        .into_iter()
        .filter(|n| n.starts_with(".output."))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_step_of_the_swap_leaves_a_whole_site_and_the_next_one_recovers() {
    use std::os::unix::process::ExitStatusExt;
    // The swap's steps; the two-rename one only happens where renames cannot exchange, which
    // the `swap-exchange` point simulates.
    let cases = [
        ("swap-before=abort", "before the swap"),
        ("swap-after=abort", "after the exchange"),
        (
            "swap-exchange=enospc,swap-between=abort",
            "between the two renames",
        ),
        (
            "swap-exchange=enospc,swap-after=abort",
            "after the two renames",
        ),
    ];
    for (points, step) in cases {
        let dir = tempfile::tempdir().unwrap();
        let sentinels = Sentinels::plant(dir.path());
        let site = dir.path().join("site");
        write_articles(&site, 40, "one");
        let o = shelf_in(&site, &["build", "-q"], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        write_articles(&site, 40, "two");
        let o = shelf_in(
            &site,
            &["build", "-q", "--force"],
            &[("SHELF_TEST_FAILPOINTS", points)],
        );
        assert_eq!(
            o.status.signal(),
            Some(6),
            "{step}: the build aborts: {}",
            stderr(&o)
        );
        let out = site.join("output");
        let after_kill = version_of(&out);
        match step {
            "between the two renames" => assert_eq!(after_kill, None, "{step}: no output yet"),
            "before the swap" => assert_eq!(after_kill.as_deref(), Some("one"), "{step}"),
            _ => assert_eq!(after_kill.as_deref(), Some("two"), "{step}"),
        }
        // The next build fails half-way (a full disk): the site it finds is whole and stays.
        write_articles(&site, 40, "three");
        let o = shelf_in(
            &site,
            &["build", "-q"],
            &[("SHELF_TEST_FAILPOINTS", "write=enospc@30")],
        );
        assert_eq!(o.status.code(), Some(2), "{step}: {}", stderr(&o));
        let restored = version_of(&out);
        assert!(
            matches!(restored.as_deref(), Some("one" | "two")),
            "{step}: after a failed build the output is {restored:?}; beside it: {:?}",
            beside_output(&site)
        );
        // And the next good build is whole, with only the kept site beside it.
        let o = shelf_in(&site, &["build", "-q"], &[]);
        assert_eq!(o.status.code(), Some(0), "{step}: {}", stderr(&o));
        assert_eq!(version_of(&out).as_deref(), Some("three"), "{step}");
        assert_eq!(beside_output(&site), [".output.previous"], "{step}");
        sentinels.assert_intact(step);
    }
}

#[cfg(unix)]
#[test]
fn a_build_that_fills_the_disk_fails_clearly_keeps_the_site_and_frees_its_space() {
    let dir = tempfile::tempdir().unwrap();
    let sentinels = Sentinels::plant(dir.path());
    let site = dir.path().join("site");
    write_articles(&site, 40, "one");
    for _ in 0..2 {
        // Twice, so that the second builds over a kept site.
        let o = shelf_in(&site, &["build", "-q", "--force"], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(beside_output(&site), [".output.previous"]);
    write_articles(&site, 40, "two");
    let o = shelf_in(
        &site,
        &["build", "-q"],
        &[("SHELF_TEST_FAILPOINTS", "write=enospc@25")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("No space left on device"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("output"), "names where: {}", stderr(&o));
    assert_eq!(version_of(&site.join("output")).as_deref(), Some("one"));
    // The half-written staging folder is gone, not kept: the space it took is free.
    assert_eq!(beside_output(&site), Vec::<String>::new());
    sentinels.assert_intact("a full disk");
    let o = shelf_in(&site, &["build", "-q"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(version_of(&site.join("output")).as_deref(), Some("two"));
}

/// A real full disk: a 2 MiB tmpfs, where that can be mounted (root on Linux).
#[cfg(target_os = "linux")]
#[test]
fn a_build_on_a_really_full_disk_keeps_the_previous_site() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&disk)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (not root); the failpoint test covers it");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).output();
        }
    }
    let _unmount = Unmount(disk.clone());
    let site = dir.path().join("site");
    write_articles(&site, 10, "one");
    let out = disk.join("output");
    let o = shelf_in(
        &site,
        &["build", "-q", "--output", out.to_str().unwrap()],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Three hundred pages of padding do not fit beside it.
    let padding = "Restart the machine and check the boot log again. ".repeat(400);
    for i in 10..300 {
        fs::write(
            site.join(format!("articles/a{i}.md")),
            article(&format!("a{i}"), "", &format!("Version two. {padding}")),
        )
        .unwrap();
    }
    let o = shelf_in(
        &site,
        &["build", "-q", "--output", out.to_str().unwrap()],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("No space left"), "{}", stderr(&o));
    let page = fs::read_to_string(out.join("articles/a1.html")).unwrap();
    assert!(page.contains("Version one"));
    let beside: Vec<String> = names(&disk).into_iter().filter(|n| n != "output").collect();
    assert!(beside.is_empty(), "left on the full disk: {beside:?}");
}

/// An article with a fixable list (`public,,fairfax`), the body made `len` bytes long so that
/// versions differ in length and offsets.
fn fixable(id: &str, len: usize) -> String {
    let text = article(id, "", &"x".repeat(len));
    text.replace(
        "cloudEnvironments=\"public\"",
        "cloudEnvironments=\"public,,fairfax\"",
    )
}

/// What `--fix` makes of a file: the safe fixes of its check, applied.
fn fixed(text: &str) -> Vec<u8> {
    let parsed = shelf::check::article::parse(
        Path::new("a.md"),
        "a.md",
        text.as_bytes(),
        shelf::check::article::Mode::Check,
    );
    shelf::check::fix::fixed_bytes(text.as_bytes(), &parsed.diagnostics)
}

/// The race made certain: `check --fix` is held between its check and its fixes (a failpoint)
/// while an editor saves files with the header grown, so every fixable span moved. The saved
/// files must come out as saved or as their own fix, never with another version's offsets.
#[test]
fn check_fix_applies_fixes_only_to_the_bytes_it_checked() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let src = site.join("articles");
    fs::create_dir_all(&src).unwrap();
    for i in 0..20 {
        fs::write(src.join(format!("a{i}.md")), fixable(&format!("a{i}"), 100)).unwrap();
    }
    let go = dir.path().join("go");
    let spec = format!("fix-apply=wait@{}", go.display());
    let child = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["check", "--fix", "-q"])
        .current_dir(&site)
        .env("NO_COLOR", "1")
        .env("SHELF_TEST_FAILPOINTS", &spec)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let reached = dir.path().join("go.reached");
    let started = std::time::Instant::now();
    while !reached.exists() {
        assert!(
            started.elapsed().as_secs() < 60,
            "the check never reached its fixes"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Saved between the check and the fixes: a longer title moves every span after it.
    let mut saved = BTreeMap::new();
    for i in (0..20).step_by(2) {
        let text = fixable(&format!("a{i}"), 10).replace("Article", "A much longer title for");
        fs::write(src.join(format!("a{i}.md")), &text).unwrap();
        saved.insert(i, text);
    }
    fs::write(&go, "").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).matches("changed since it was checked").count(),
        0,
        "refused in the first pass, fixed in the next: {}",
        stderr(&o)
    );
    for i in 0..20 {
        let now = fs::read(src.join(format!("a{i}.md"))).unwrap();
        let expected = match saved.get(&i) {
            Some(text) => fixed(text),
            None => fixed(&fixable(&format!("a{i}"), 100)),
        };
        assert_eq!(
            String::from_utf8_lossy(&now),
            String::from_utf8_lossy(&expected),
            "a{i}.md"
        );
    }
}

#[cfg(unix)]
#[test]
fn check_fix_keeps_links_and_read_only_files_as_they_are() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let src = site.join("articles");
    fs::create_dir_all(src.join("real")).unwrap();
    let text = fixable("linked", 10);
    fs::write(src.join("real/linked.md"), &text).unwrap();
    std::os::unix::fs::symlink("real/linked.md", src.join("alias.md")).unwrap();
    fs::write(src.join("twin.md"), fixable("twin", 10)).unwrap();
    fs::hard_link(src.join("twin.md"), dir.path().join("twin-elsewhere.md")).unwrap();
    fs::write(src.join("locked.md"), fixable("locked", 10)).unwrap();
    fs::set_permissions(src.join("locked.md"), fs::Permissions::from_mode(0o444)).unwrap();
    let o = shelf_in(&site, &["check", "--fix"], &[]);
    let err = stderr(&o);
    assert!(err.contains("alias.md: it is a symlink"), "{err}");
    assert!(err.contains("twin.md: it has 2 hard links"), "{err}");
    assert!(err.contains("locked.md: it is read-only"), "{err}");
    assert!(
        fs::symlink_metadata(src.join("alias.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::metadata(src.join("twin.md")).unwrap().nlink(), 2);
    assert_eq!(
        fs::read(dir.path().join("twin-elsewhere.md")).unwrap(),
        fixable("twin", 10).into_bytes()
    );
    assert_eq!(
        fs::read_to_string(src.join("locked.md")).unwrap(),
        fixable("locked", 10)
    );
    // The real file behind the link is fixed in its own right.
    assert_eq!(fs::read(src.join("real/linked.md")).unwrap(), fixed(&text));
}
