//! The commands of the `shelf` binary that have grown beyond a function of `main.rs`, one file
//! each (as Zola's `src/cmd/`).

pub mod check;
