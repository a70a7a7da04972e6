//! Failure injection for the tests that prove shelf loses nothing when a build is killed or
//! the disk fills: `SHELF_TEST_FAILPOINTS="swap-exchanged=abort,write=enospc@50"` makes the
//! named points of this process abort (as a kill would) or fail with an error.
//!
//! Points are named where they are called ([`hit`]); `NAME=abort` aborts at once, `NAME=enospc`
//! fails every time, `NAME=enospc@N` lets N calls through and fails the rest, and
//! `NAME=wait@FILE` (first call only) creates `FILE.reached` and waits until `FILE` exists, so a
//! test can act at that exact moment (an editor saving files between a check and its fixes).
//! Without the variable (any real use) a point costs one atomic load.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable that arms failpoints.
pub const VARIABLE: &str = "SHELF_TEST_FAILPOINTS";

struct Armed {
    name: String,
    action: Action,
    calls: AtomicU64,
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum Action {
    Abort,
    /// Fail once this many calls have passed.
    NoSpace {
        after: u64,
    },
    /// Wait for this file to exist (first call only).
    Wait(std::path::PathBuf),
}

fn armed() -> &'static [Armed] {
    static ARMED: OnceLock<Vec<Armed>> = OnceLock::new();
    ARMED.get_or_init(|| {
        std::env::var(VARIABLE)
            .map(|spec| parse(&spec))
            .unwrap_or_default()
    })
}

fn parse(spec: &str) -> Vec<Armed> {
    spec.split(',')
        .filter_map(|item| {
            let (name, action) = item.trim().split_once('=')?;
            let action = match action.split_once('@') {
                None if action == "abort" => Action::Abort,
                None if action == "enospc" => Action::NoSpace { after: 0 },
                Some(("enospc", n)) => Action::NoSpace {
                    after: n.parse().ok()?,
                },
                Some(("wait", file)) if !file.is_empty() => Action::Wait(file.into()),
                _ => return None,
            };
            Some(Armed {
                name: name.to_string(),
                action,
                calls: AtomicU64::new(0),
            })
        })
        .collect()
}

/// Passes, aborts the process, or fails with "no space left on device", as the point `name`
/// is armed.
pub fn hit(name: &str) -> std::io::Result<()> {
    for point in armed().iter().filter(|p| p.name == name) {
        let calls = point.calls.fetch_add(1, Ordering::Relaxed);
        match &point.action {
            Action::Abort => std::process::abort(),
            Action::Wait(file) if calls == 0 => {
                let mut reached = file.clone().into_os_string();
                reached.push(".reached");
                std::fs::write(reached, b"")?;
                let started = std::time::Instant::now();
                while !file.exists() && started.elapsed().as_secs() < 60 {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
            Action::Wait(_) => {}
            Action::NoSpace { after } => {
                if calls >= *after {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::StorageFull,
                        "No space left on device (injected by SHELF_TEST_FAILPOINTS)",
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_name_points_and_actions() {
        let armed =
            parse("swap-exchanged=abort, write=enospc@50,bad,x=explode,y=enospc,f=wait@/t/go");
        let got: Vec<_> = armed
            .iter()
            .map(|a| (a.name.as_str(), a.action.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("swap-exchanged", Action::Abort),
                ("write", Action::NoSpace { after: 50 }),
                ("y", Action::NoSpace { after: 0 }),
                ("f", Action::Wait("/t/go".into())),
            ]
        );
    }

    #[test]
    fn unarmed_points_pass() {
        assert!(hit("no-such-point").is_ok());
    }
}
