//! A readable name for every support topic. Few topics are described by a
//! supportTopicDescription article (55 of 4,694 in the corpus); the rest are only numbers. A
//! topic is named by its description's short text where there is one, else by the commonest
//! title among its articles (the first in display order on a tie): the articles filed under a
//! topic are what a reader of it would look for.

use std::collections::HashMap;

use crate::source::library::Library;

/// Each topic's label, by lowercased topic ID (as [`Library::topics`] keys them).
pub fn topic_labels(lib: &Library) -> HashMap<&str, &str> {
    let mut counts = HashMap::new();
    lib.topics
        .keys()
        .filter_map(|topic| Some((topic.as_str(), label(lib, topic, &mut counts)?)))
        .collect()
}

/// One topic's label (lowercased ID); None for a topic no article is filed under, or whose
/// articles have no title.
pub fn topic_label<'a>(lib: &'a Library, topic: &str) -> Option<&'a str> {
    label(lib, topic, &mut HashMap::new())
}

/// `counts` is scratch space, reused from topic to topic.
fn label<'a>(
    lib: &'a Library,
    topic: &str,
    counts: &mut HashMap<&'a str, (usize, usize)>,
) -> Option<&'a str> {
    let described = lib
        .topic_descriptions
        .get(topic)
        .map(|d| d.short.trim())
        .filter(|s| !s.is_empty());
    if described.is_some() {
        return described;
    }
    counts.clear();
    for (order, &ix) in lib.topics.get(topic)?.iter().enumerate() {
        let title = lib.articles[ix].title.trim();
        if !title.is_empty() {
            counts.entry(title).or_insert((0, order)).0 += 1;
        }
    }
    // Most articles first, then the earliest in display order.
    counts
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(title, _)| *title)
}
