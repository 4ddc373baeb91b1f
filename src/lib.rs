//! baseline-panel: a terminal control panel for the lab's weekly baseline model run on AWS.

pub mod action;
pub mod app;
pub mod backends;
pub mod backup;
pub mod bounded;
pub mod chat;
pub mod cli;
pub mod cloud;

pub mod config;
pub mod devmode;
pub mod doctor;
pub mod effects;
pub mod feeds;
pub mod github;
pub mod keymap;
pub mod logbuf;
pub mod logging;
pub mod logs;
pub mod logview;
pub mod run;
pub mod sanitize;
pub mod schedule;
pub mod state;
pub mod timefmt;
pub mod tui;
pub mod ui;
pub mod userdata;

#[cfg(test)]
mod fixtures;
