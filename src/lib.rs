//! rsqlmig: migrate Teradata BTEQ jobs to Amazon Redshift RSQL.

pub mod diagnostic;
pub mod syntax;
pub mod cli;
pub mod config;
pub mod convert;
pub mod render;
pub mod rules;
pub mod text;
