//! A readable name for every support topic. Few topics are described by a
//! supportTopicDescription article (55 of 4,694 in the corpus); the rest are only numbers. A
//! topic is named by its description's short text where there is one, else by the commonest
//! title among its articles (the first in display order on a tie): the articles filed under a
//! topic are what a reader of it would look for.
//!
//! A topic also has a place: the service and product most of its articles are filed under,
//! which group the topics overview and give a topic page its siblings.

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

/// Where a topic sits: the service and the product most of its articles name (lowercased;
/// empty when none does; the first in order on a tie).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub service: String,
    pub product: String,
}

/// Every topic's place, and the topics of each place: what the overview and the topic pages
/// show, computed once per build.
pub struct Places<'a> {
    of: HashMap<&'a str, Place>,
    /// Topics by [`Place::sibling_key`], in ID order.
    by_key: HashMap<String, Vec<&'a str>>,
}

impl Place {
    /// What topics share to be siblings: the product, or the service when there is no product.
    fn sibling_key(&self) -> String {
        if self.product.is_empty() {
            format!("service {}", self.service)
        } else {
            format!("product {}", self.product)
        }
    }
}

impl<'a> Places<'a> {
    pub fn new(lib: &'a Library) -> Places<'a> {
        let of: HashMap<&str, Place> = lib
            .topics
            .iter()
            .map(|(topic, ixs)| (topic.as_str(), place_of(lib, ixs)))
            .collect();
        let mut by_key: HashMap<String, Vec<&str>> = HashMap::new();
        for (topic, place) in &of {
            by_key.entry(place.sibling_key()).or_default().push(topic);
        }
        by_key.values_mut().for_each(|v| v.sort_unstable());
        Places { of, by_key }
    }

    pub fn of(&self, topic: &str) -> Option<&Place> {
        self.of.get(topic)
    }

    /// Every topic with its place.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &Place)> {
        self.of.iter().map(|(t, p)| (*t, p))
    }

    /// The other topics in `topic`'s place (the same product, or the same service when it has
    /// no product), in ID order.
    pub fn siblings(&self, topic: &str) -> Vec<&'a str> {
        let Some(place) = self.of.get(topic) else {
            return Vec::new();
        };
        self.by_key[&place.sibling_key()]
            .iter()
            .copied()
            .filter(|t| *t != topic)
            .collect()
    }
}

/// One topic's place (lowercased ID); None for a topic no article is filed under.
pub fn topic_place(lib: &Library, topic: &str) -> Option<Place> {
    lib.topics.get(topic).map(|ixs| place_of(lib, ixs))
}

fn place_of(lib: &Library, ixs: &[usize]) -> Place {
    fn commonest<'a>(values: impl Iterator<Item = &'a str>) -> String {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for v in values.filter(|v| !v.is_empty()) {
            match counts.iter_mut().find(|(k, _)| *k == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v, 1)),
            }
        }
        // The most; the first seen on a tie (max_by_key keeps the last of equals: reversed).
        counts
            .iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map(|(k, _)| k.to_lowercase())
            .unwrap_or_default()
    }
    let articles = || ixs.iter().map(|&ix| &lib.articles[ix].meta);
    Place {
        service: commonest(articles().map(|m| m.service.trim())),
        product: commonest(articles().flat_map(|m| m.product_pes_ids.iter().map(|p| p.trim()))),
    }
}
