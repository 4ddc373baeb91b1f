//! baseline-core: the domain of baseline-panel — the box in the cloud, its logs, the schedule,
//! the user data and dev mode, what a run is, Slack, GitHub, the doctor's checks and the
//! configuration. No terminal and no command line: the panel and the CLI sit on top.

pub mod activity;
pub mod backup;
pub mod bounded;
pub mod chat;
pub mod cloud;
pub mod config;
pub mod cost;
pub mod devmode;
pub mod doctor;
pub mod fleet;
pub mod github;
pub mod logs;
pub mod run;
pub mod sanitize;
pub mod schedule;
pub mod shell;
pub mod timefmt;
pub mod userdata;
