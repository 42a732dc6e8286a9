//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod moto;
pub mod state_machines;
