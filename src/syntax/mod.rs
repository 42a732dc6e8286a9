//! The lossless syntax layer: bytes → tokens with spans → instructions.

pub mod command;
pub mod lexer;
pub mod script;
pub mod shell;
pub mod span;
