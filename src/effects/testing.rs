//! A runner for effect tests.

use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::Runner;
use crate::action::Action;
use crate::backends::{Backends, ChatLink};
use crate::cloud::demo::{DemoCloud, DemoTimings};
use crate::config::Config;

/// A runner on the demo cloud with `chat`, and where its answers go.
pub fn runner(chat: ChatLink) -> (Runner, UnboundedReceiver<Action>) {
    let (tx, rx) = unbounded_channel();
    let mut cfg = Config::builtin();
    cfg.demo = true;
    let cloud = Arc::new(DemoCloud::new(DemoTimings::default()));
    let mut backends = Backends::demo(&cfg, cloud);
    backends.chat = chat;
    (Runner::new(&cfg, &backends, tx), rx)
}
