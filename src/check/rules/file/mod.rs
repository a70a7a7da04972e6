//! Rules on the file as a whole (`SH0xx`) that run on its text rather than on parsed metadata.

pub mod invisible_character;
pub mod merge_conflict;
pub mod multiline_value;
