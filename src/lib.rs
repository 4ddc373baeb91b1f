//! baseline-panel: a terminal control panel for the lab's weekly baseline model run on AWS.

pub mod cloud;
pub mod logbuf;
pub mod logview;
pub mod ui_logs;
