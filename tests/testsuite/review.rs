//! Error precision on real articles, held by data: `tests/review/errors.tsv` lists every error
//! `shelf check` raised on the corpus before its rules were reviewed, and every error it raises
//! now, each with a verdict (a real problem, or not) and the reason. This fails when an error
//! fires on a place reviewed as fine, when an error fires that nobody reviewed (review it and
//! add it), and when a real one stops firing.

use std::collections::BTreeSet;

use crate::check_json;

/// (file below the corpus, line, rule code, verdict, reason).
fn verdicts() -> Vec<(String, u64, String, String, String)> {
    let text = include_str!("../review/errors.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("file\t") && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, '\t').collect();
            assert_eq!(f.len(), 5, "{l}");
            assert!(matches!(f[3], "real" | "not-real"), "{l}");
            assert!(
                !f[4].trim().is_empty(),
                "every verdict gives its reason: {l}"
            );
            (
                f[0].into(),
                f[1].parse().unwrap(),
                f[2].into(),
                f[3].into(),
                f[4].into(),
            )
        })
        .collect()
}

#[test]
fn every_error_on_the_corpus_is_reviewed_and_real() {
    let Some(corpus) = crate::build::corpus() else {
        return;
    };
    let errors: BTreeSet<(String, u64, String)> = check_json(&[corpus.to_str().unwrap()], &corpus)
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let rel = std::path::Path::new(file)
                .strip_prefix(&corpus)
                .map_or_else(|_| file.to_string(), |p| p.display().to_string());
            let line = d["start"]["line"].as_u64().unwrap_or(0);
            (rel, line, d["code"].as_str().unwrap().to_string())
        })
        .collect();
    let verdicts = verdicts();
    let real: BTreeSet<(String, u64, String)> = verdicts
        .iter()
        .filter(|v| v.3 == "real")
        .map(|v| (v.0.clone(), v.1, v.2.clone()))
        .collect();
    let fine: BTreeSet<(String, u64, String)> = verdicts
        .iter()
        .filter(|v| v.3 == "not-real")
        .map(|v| (v.0.clone(), v.1, v.2.clone()))
        .collect();
    let false_errors: Vec<_> = errors.intersection(&fine).collect();
    let unreviewed: Vec<_> = errors
        .difference(&real)
        .filter(|e| !fine.contains(*e))
        .collect();
    let missed: Vec<_> = real.difference(&errors).collect();
    eprintln!(
        "{} errors on the corpus, all reviewed real; {} places reviewed as fine stay quiet",
        errors.len(),
        fine.len()
    );
    assert!(
        false_errors.is_empty(),
        "errors where the review found no problem: {false_errors:#?}"
    );
    assert!(
        unreviewed.is_empty(),
        "errors nobody reviewed (add them to tests/review/errors.tsv): {unreviewed:#?}"
    );
    assert!(
        missed.is_empty(),
        "real problems no longer reported: {missed:#?}"
    );
}
