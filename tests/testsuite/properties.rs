//! Properties over generated articles (proptest): the parser never panics, whatever it is fed,
//! and `--fix` output means what the author meant and is stable.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use shelf::check::article::{Mode, Parsed, parse};
use shelf::check::fix::fixed_bytes;
use shelf::source::model::Metadata;

/// Pieces articles are made of, so that generated text reaches deep into the parser instead of
/// stopping at "no header".
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<properties ".to_string()),
        Just("/>\n".to_string()),
        Just(">".to_string()),
        Just("\"".to_string()),
        Just("pageTitle=\"T\" ".to_string()),
        Just("articleId=\"a\" ".to_string()),
        Just("selfHelpType=\"diagnostics\" ".to_string()),
        Just("supportTopicIds=\"1,,2, 2\" ".to_string()),
        Just("cloudEnvironments=\"public, fairfx\" ".to_string()),
        Just("# Title\n".to_string()),
        Just("---\n{\"$schema\": \"SelfHelpContent\", \"a\": [1,]}\n---\n".to_string()),
        Just("<!--$tok-->d<!--/$tok-->".to_string()),
        Just("<!--issueDescription-->".to_string()),
        Just("<!--/issueDescription-->".to_string()),
        Just("[l](https://x.y/a b)".to_string()),
        Just("[l] (data-blade:A.B)".to_string()),
        Just("<insight><symptomId>x</symptomId>".to_string()),
        Just("</insight>".to_string()),
        Just("```\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("<<<<<<< HEAD\n".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

fn article_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parsing_never_panics_on_article_like_text(text in article_text()) {
        for mode in [Mode::Check, Mode::Build] {
            let parsed = parse(Path::new("p.md"), "p.md", text.as_bytes(), mode);
            for d in &parsed.diagnostics {
                if let Some(span) = &d.span {
                    prop_assert!(text.get(span.clone()).is_some(), "{} span {span:?}", d.code);
                }
            }
        }
    }

    #[test]
    fn parsing_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut with_header = b"<properties pageTitle=\"t\" />\n".to_vec();
        with_header.extend_from_slice(&bytes);
        for input in [&bytes, &with_header] {
            parse(Path::new("p.md"), "p.md", input, Mode::Check);
            parse(Path::new("p.md"), "p.md", input, Mode::Build);
        }
    }
}

/// A header the author meant, and the way it was typed.
#[derive(Debug, Clone)]
struct Typed {
    text: String,
    topics: BTreeSet<String>,
    clouds: BTreeSet<String>,
    title: String,
}

/// Keys with the misspellings `--fix` corrects (each has exactly one close known key).
const KEY_TYPOS: &[(&str, &[&str])] = &[
    (
        "supportTopicIds",
        &["supportToicIds", "supportTopicId", "suportTopicIds"],
    ),
    ("pageTitle", &["pageTitel", "pagetitle", "pageTtle"]),
    (
        "cloudEnvironments",
        &["cloudEnviroments", "cloudEnvironment"],
    ),
];

/// Clouds with misspellings `--fix` corrects.
const CLOUD_TYPOS: &[(&str, &[&str])] = &[
    ("public", &["public", "pubilc", "Public"]),
    ("fairfax", &["fairfax", "fairfx", "farifax"]),
    ("mooncake", &["mooncake", "moncake", "mooncak"]),
];

fn typed_header() -> impl Strategy<Value = Typed> {
    let topics = prop::collection::vec(32_600_000u32..32_600_020, 1..5);
    let clouds = prop::collection::vec((0..CLOUD_TYPOS.len(), 0..3usize), 1..4);
    let key_picks = prop::collection::vec(0..4usize, KEY_TYPOS.len());
    let separators = prop::collection::vec(
        prop_oneof![Just(","), Just(", "), Just(",,"), Just(" , ")],
        8,
    );
    let crlf = any::<bool>();
    let trailing_comma = any::<bool>();
    (
        topics,
        clouds,
        key_picks,
        separators,
        crlf,
        trailing_comma,
        "[A-Za-z][A-Za-z ]{0,20}",
    )
        .prop_map(|(topics, clouds, keys, seps, crlf, trailing, title)| {
            let key = |i: usize| {
                let (right, typos) = KEY_TYPOS[i];
                if keys[i] == 0 {
                    right
                } else {
                    typos[(keys[i] - 1) % typos.len()]
                }
            };
            let join = |items: &[String]| {
                let mut s = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        s.push_str(seps[i % seps.len()]);
                    }
                    s.push_str(item);
                }
                if trailing {
                    s.push(',');
                }
                s
            };
            let topic_items: Vec<String> = topics.iter().map(u32::to_string).collect();
            let cloud_items: Vec<String> = clouds
                .iter()
                .map(|&(c, t)| CLOUD_TYPOS[c].1[t].to_string())
                .collect();
            let title = title.trim().to_string();
            let nl = if crlf { "\r\n" } else { "\n" };
            let text = [
                "<properties".to_string(),
                format!("  {}=\"{title}\"", key(1)),
                format!("  {}=\"{}\"", key(0), join(&topic_items)),
                format!("  {}=\"{}\"", key(2), join(&cloud_items)),
                "  selfHelpType=\"generic\"".into(),
                "  articleId=\"prop-article\"".into(),
                "/>".into(),
                "# Title".into(),
                String::new(),
            ]
            .join(nl);
            Typed {
                text,
                topics: topic_items.into_iter().collect(),
                clouds: clouds
                    .iter()
                    .map(|&(c, _)| CLOUD_TYPOS[c].0.to_string())
                    .collect(),
                title,
            }
        })
}

fn check(text: &[u8]) -> Parsed {
    parse(Path::new("p.md"), "p.md", text, Mode::Check)
}

/// Applies fixes until none is left, as `shelf check --fix` does (at most 10 passes).
fn fix_fully(text: &[u8]) -> Vec<u8> {
    let mut current = text.to_vec();
    for _ in 0..10 {
        let next = fixed_bytes(&current, &check(&current).diagnostics);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn meaning(meta: &Metadata) -> (String, BTreeSet<String>, BTreeSet<String>) {
    (
        meta.page_title.clone(),
        meta.support_topic_ids.iter().cloned().collect(),
        meta.clouds.iter().map(|c| c.as_str().to_string()).collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn fix_output_reparses_to_what_the_author_meant(typed in typed_header()) {
        let fixed = fix_fully(typed.text.as_bytes());
        let parsed = check(&fixed);
        let article = parsed.article.as_ref().expect("the fixed file still parses");
        prop_assert_eq!(
            meaning(&article.meta),
            (typed.title.clone(), typed.topics.clone(), typed.clouds.clone())
        );
        // Nothing fixable is left, and fixing again changes nothing.
        prop_assert!(parsed.diagnostics.iter().all(|d| d.fix.is_none()));
        prop_assert_eq!(fix_fully(&fixed), fixed.clone());
        // Only header bytes changed; line endings are kept.
        let crlf = typed.text.contains("\r\n");
        let text = String::from_utf8(fixed).unwrap();
        prop_assert_eq!(text.matches("\r\n").count() > 0, crlf);
        let ending = if crlf { "# Title\r\n" } else { "# Title\n" };
        prop_assert!(text.ends_with(ending), "{}", text);
    }
}

/// Inputs these properties found panics with, kept as plain tests.
#[test]
fn inputs_the_properties_found_stay_fixed() {
    for text in [
        // A header closed with `>` right after a BOM: "the end of the header" fell inside it.
        "<properties \"```\narticleId=\"a\" \"\u{feff}>",
        // A BOM just before `<!--issueDescription-->`: the look-back for `<` fell inside it.
        "<properties articleId=\"a\" />\n\u{feff}<!--issuedescription-->x",
    ] {
        for mode in [Mode::Check, Mode::Build] {
            let parsed = parse(Path::new("p.md"), "p.md", text.as_bytes(), mode);
            for d in &parsed.diagnostics {
                if let Some(span) = &d.span {
                    assert!(text.get(span.clone()).is_some(), "{} {span:?}", d.code);
                }
            }
        }
    }
}
