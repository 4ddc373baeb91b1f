//! Shared test support: a moto server per test, the seed instance, the binary under test, tmux.
#![allow(dead_code)]

pub mod logs;
pub mod moto;
pub mod tmux;
