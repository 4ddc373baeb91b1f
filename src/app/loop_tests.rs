//! The panel's loop driven headless: a `TestBackend` for the terminal, a script of keys and
//! actions for its input, the demo backends for the cloud.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::{Console, Input, run_loop};
use crate::action::Action;
use crate::backends::Backends;
use crate::config::Config;

/// The terminal's side effects, recorded; each frame's text kept for the script to read.
#[derive(Default)]
struct Recorder {
    screen: Arc<Mutex<String>>,
    bells: usize,
}

impl Console<TestBackend> for Recorder {
    fn bell(&mut self) {
        self.bells += 1;
    }

    fn copy(&mut self, _text: &str) {}

    fn suspend(&mut self, _term: &mut Terminal<TestBackend>) -> anyhow::Result<()> {
        Ok(())
    }

    fn run_shell(
        &mut self,
        _term: &mut Terminal<TestBackend>,
        _command: std::process::Command,
        _banner: &str,
    ) -> anyhow::Result<std::io::Result<std::process::ExitStatus>> {
        use std::os::unix::process::ExitStatusExt as _;
        Ok(Ok(std::process::ExitStatus::from_raw(0)))
    }

    fn drawn(&mut self, term: &Terminal<TestBackend>) {
        *self.screen.lock().unwrap() = text(term.backend().buffer());
    }
}

fn text(buf: &Buffer) -> String {
    let width = usize::from(buf.area.width);
    let cells: Vec<&str> = buf.content().iter().map(ratatui::buffer::Cell::symbol).collect();
    cells.chunks(width).map(<[&str]>::concat).collect::<Vec<_>>().join("\n")
}

/// The script's side: keys and actions in, the latest frame out.
struct Script {
    tx: UnboundedSender<Input>,
    screen: Arc<Mutex<String>>,
}

impl Script {
    fn key(&self, c: char) {
        let ev = Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        self.tx.send(Input::Event(ev)).unwrap();
    }

    /// Waits until the latest frame shows `what` (10 s at most).
    async fn shows(&self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen.lock().unwrap().clone();
            if screen.contains(what) {
                return screen;
            }
            assert!(Instant::now() < deadline, "the screen never showed {what:?}:\n{screen}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn demo_config() -> Config {
    let mut cfg = Config::builtin();
    cfg.demo = true;
    cfg
}

#[tokio::test]
async fn start_a_run_confirm_and_see_it_starting() {
    let cfg = demo_config();
    let backends = Backends::connect(&cfg).await;
    let mut term = Terminal::new(TestBackend::new(140, 40)).unwrap();
    let mut console = Recorder::default();
    let (tx, mut rx) = unbounded_channel();
    let input = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let script = Script { tx, screen: console.screen.clone() };
    let id = backends.cloud.instances().await.unwrap()[0].id.clone();

    let drive = async {
        script.shows("stopped").await;
        script.key('s');
        let dialog = script.shows("Yes, start").await;
        assert!(dialog.contains(&id), "the dialog names the instance:\n{dialog}");
        script.key('y');
        script.shows(&format!("start requested for {id}")).await;
        script.shows("pending").await;
        // An async result from outside the terminal reaches the footer.
        script.tx.send(Input::Action(Box::new(Action::Warning("scripted warning".into())))).unwrap();
        script.shows("scripted warning").await;
        script.key('q');
    };
    let (ended, ()) =
        tokio::join!(run_loop(&mut term, &mut console, input, &cfg, &backends, Instant::now()), drive);
    assert_eq!(ended.unwrap(), super::Leave::Quit, "q quits without asking for another box");
    let state = backends.cloud.instances().await.unwrap()[0].state;
    assert_ne!(state, crate::cloud::InstanceState::Stopped, "the demo box was really started");
}

#[tokio::test]
async fn cancelling_the_dialog_changes_nothing() {
    let cfg = demo_config();
    let backends = Backends::connect(&cfg).await;
    let mut term = Terminal::new(TestBackend::new(140, 40)).unwrap();
    let mut console = Recorder::default();
    let (tx, mut rx) = unbounded_channel();
    let input = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let script = Script { tx, screen: console.screen.clone() };

    let drive = async {
        script.shows("stopped").await;
        script.key('s');
        script.shows("Yes, start").await;
        script.key('n');
        script.shows("cancelled: nothing changed").await;
        script.tx.send(Input::Quit).unwrap();
    };
    let (ended, ()) =
        tokio::join!(run_loop(&mut term, &mut console, input, &cfg, &backends, Instant::now()), drive);
    assert_eq!(ended.unwrap(), super::Leave::Quit);
    assert_eq!(backends.cloud.instances().await.unwrap()[0].state, crate::cloud::InstanceState::Stopped);
    assert_eq!(console.bells, 0);
}

#[path = "pace_tests.rs"]
mod pace;
