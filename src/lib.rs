//! rsqlmig: migrate Teradata BTEQ jobs to Amazon Redshift RSQL.

pub mod aws;
pub mod cli;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod publish;
pub mod render;
pub mod rules;
pub mod sql;
pub mod syntax;
pub mod text;
