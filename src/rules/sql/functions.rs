//! (being written)

use crate::rules::Rule;
use crate::rules::sql::SqlCheck;

pub const RULES: &[&Rule] = &[];

pub const CHECKS: &[SqlCheck] = &[];
