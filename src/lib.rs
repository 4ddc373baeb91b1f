//! baseline-panel: a terminal control panel for the lab's weekly baseline model run on AWS.
//!
//! The domain lives in the `baseline-core` crate; its modules are re-exported here so the
//! panel and the CLI name them as before (`crate::cloud`, `crate::config`, …).

pub use baseline_core::cost;
pub use baseline_core::{
    activity, backup, bounded, chat, cloud, config, devmode, doctor, fleet, github, logs, run, sanitize,
    schedule, shell, timefmt, userdata,
};

pub mod action;
pub mod app;
pub mod backends;
pub mod cli;
pub mod effects;
pub mod feeds;
pub mod keymap;
pub mod logbuf;
pub mod logging;
pub mod logview;
pub mod state;
pub mod tui;
pub mod ui;

#[cfg(test)]
mod fixtures;
