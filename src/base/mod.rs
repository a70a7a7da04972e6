//! Layer 1, the ground: values and services every stage uses. Imports nothing of shelf's
//! outside this folder. `source_rules` declares the rules the reading stage raises itself (file,
//! header syntax, payload JSON, identity), so that reading never imports the rule catalog.

pub mod diagnostic;
pub mod error;
pub mod escape;
pub mod failpoint;
pub mod nofollow;
pub mod progress;
pub mod slug;
pub mod source_rules;
