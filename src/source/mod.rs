//! Layer 2, reading sources: which files are articles ([`discover`]), reading one
//! ([`read`]), its header ([`header`]), body ([`body`], [`markdown`], [`widgets`], [`html`]) and
//! payload ([`payload`]) into the article model ([`model`]), and the [`library`] of all of them
//! (identity, indexes by topic, service, product, cloud, type). Imports only [`crate::base`].

pub mod body;
pub mod discover;
pub mod header;
pub mod html;
pub mod library;
pub mod markdown;
pub mod model;
pub mod payload;
pub mod read;
pub mod widgets;
