//! Layer 6, what the commands run, each a whole operation over a source tree: [`load`],
//! [`build`], [`gate`] (`shelf check`) and [`scaffold`] (`shelf new`). Imports every layer
//! below; [`crate::serve`] and the command line build on it.

pub mod build;
pub mod gate;
pub mod load;
pub mod scaffold;
