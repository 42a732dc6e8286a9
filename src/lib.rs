//! rsqlmig: migrate Teradata BTEQ jobs to Amazon Redshift RSQL.

pub mod analysis;
pub mod atomic;
pub mod aws;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod graph;
pub mod lint;
pub mod publish;
pub mod render;
pub mod rules;
pub mod run;
pub mod sql;
pub mod syntax;
pub mod text;
