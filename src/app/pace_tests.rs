//! The loop tells the log feeds what is on screen: driven headless against a counting
//! stand-in for EC2, `CloudWatch` Logs and `EventBridge`, with the panel's own pace.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;

use super::*;
use crate::backends::ChatLink;
use crate::cloud::{Cloud, CloudError, Identity, Instance, InstanceState};
use crate::logs::{LiveTail, LogError, LogStore, Page, StreamInfo};
use crate::schedule::{LastFired, RuleInfo, RuleState, Rules};

/// One box whose state the test sets; every call counted.
struct Stand {
    state: Mutex<InstanceState>,
    instances: AtomicU32,
    console: AtomicU32,
    filter: AtomicU32,
}

impl Stand {
    fn new(state: InstanceState) -> Arc<Stand> {
        Arc::new(Stand {
            state: Mutex::new(state),
            instances: AtomicU32::new(0),
            console: AtomicU32::new(0),
            filter: AtomicU32::new(0),
        })
    }

    fn console_calls(&self) -> u32 {
        self.console.load(Ordering::SeqCst)
    }

    /// Waits (5 s at most) until the console was read `n` times; returns how long it took.
    async fn until_console_calls(&self, n: u32) -> Duration {
        let asked = Instant::now();
        while self.console_calls() < n {
            assert!(
                asked.elapsed() < Duration::from_secs(5),
                "{} console reads, not {n}",
                self.console_calls()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        asked.elapsed()
    }
}

#[async_trait]
impl Cloud for Stand {
    async fn instances(&self) -> Result<Vec<Instance>, CloudError> {
        self.instances.fetch_add(1, Ordering::SeqCst);
        Ok(vec![crate::fixtures::instance(*self.state.lock().unwrap())])
    }

    async fn identity(&self) -> Result<Identity, CloudError> {
        Ok(Identity { account: "123456789012".into(), arn: "arn:aws:iam::123456789012:user/lab".into() })
    }

    async fn start(&self, _ids: &[String], _dry_run: bool) -> Result<(), CloudError> {
        Ok(())
    }

    async fn stop(&self, _ids: &[String], _dry_run: bool) -> Result<(), CloudError> {
        Ok(())
    }

    async fn user_data(&self, _id: &str) -> Result<Vec<u8>, CloudError> {
        Ok(crate::userdata::SEED_USER_DATA.as_bytes().to_vec())
    }

    async fn set_user_data(&self, _id: &str, _bytes: &[u8], _dry_run: bool) -> Result<(), CloudError> {
        Ok(())
    }
}

#[async_trait]
impl LogStore for Stand {
    async fn filter_events(
        &self,
        _group: &str,
        _prefix: Option<&str>,
        _start_ms: i64,
        _end_ms: Option<i64>,
        _pattern: Option<&str>,
        _next_token: Option<String>,
    ) -> Result<Page, LogError> {
        self.filter.fetch_add(1, Ordering::SeqCst);
        Ok(Page::default())
    }

    async fn streams(&self, _group: &str) -> Result<Vec<StreamInfo>, LogError> {
        Ok(vec![])
    }

    async fn group_exists(&self, _group: &str) -> Result<bool, LogError> {
        Ok(true)
    }

    async fn console_output(&self, _id: &str) -> Result<String, LogError> {
        self.console.fetch_add(1, Ordering::SeqCst);
        Ok("[    0.000000] Linux version 4.14\nlogin: ".into())
    }

    async fn live_tail(
        &self,
        _group: &str,
        _prefix: Option<&str>,
        _pattern: Option<&str>,
    ) -> Result<LiveTail, LogError> {
        Err(LogError::LiveTailUnavailable("not in this stand-in".into()))
    }

    fn kind(&self) -> &'static str {
        "counting"
    }
}

#[async_trait]
impl Rules for Stand {
    async fn describe(&self) -> Result<RuleInfo, CloudError> {
        let expression = "cron(0 9 ? * MON *)".to_string();
        Ok(RuleInfo {
            name: "MondayMorning9aEST".into(),
            arn: None,
            state: RuleState::Enabled,
            schedule: RuleInfo::parse_expression(&expression),
            expression,
            description: None,
            targets: vec![],
            created_by: None,
            scheduler: None,
            other: crate::schedule::rules::Other::NotRead,
        })
    }

    async fn set_enabled(&self, _enabled: bool, _dry_run: bool) -> Result<(), CloudError> {
        Ok(())
    }

    async fn last_fired(&self) -> Result<Option<LastFired>, CloudError> {
        Ok(None)
    }

    fn rule_name(&self) -> &'static str {
        "MondayMorning9aEST"
    }

    fn kind(&self) -> &'static str {
        "counting"
    }
}

async fn backends_on(stand: &Arc<Stand>) -> (Config, Backends) {
    let mut demo = Config::builtin();
    demo.demo = true;
    let mut b = Backends::connect(&demo).await;
    b.cloud = stand.clone();
    b.logs = stand.clone();
    b.rules = stand.clone();
    b.chat = ChatLink::none();
    // The panel's own pace: 5 s / 60 s, as configured by default.
    (Config::builtin(), b)
}

#[tokio::test]
async fn the_console_is_read_when_shown_and_once_after_a_state_change_never_by_the_clock() {
    let stand = Stand::new(InstanceState::Stopped);
    let (cfg, backends) = backends_on(&stand).await;
    let mut term = Terminal::new(TestBackend::new(140, 40)).unwrap();
    let mut console = Recorder::default();
    let (tx, mut rx) = unbounded_channel();
    let input = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let script = Script { tx, screen: console.screen.clone() };

    let drive = async {
        script.shows("● stopped").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(stand.console_calls(), 0, "the run log is shown: the console is not read");
        assert!(stand.filter.load(Ordering::SeqCst) >= 2, "the run and scheduler logs were read once");

        // Console shown while the box is stopped: its pace is a minute, yet it is read now.
        script.key('3');
        let took = stand.until_console_calls(1).await;
        assert!(took < Duration::from_secs(2), "read at once, not after {took:?}");
        script.shows("Linux version 4.14").await;

        // Back to the run log; the box starts elsewhere; the next instance read sees it.
        script.key('1');
        *stand.state.lock().unwrap() = InstanceState::Running;
        script.key('r');
        script.shows("● running").await;
        stand.until_console_calls(2).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(stand.console_calls(), 2, "one read after the state change, none by the clock");
        let polls = stand.instances.load(Ordering::SeqCst);
        script.key('r');
        while stand.instances.load(Ordering::SeqCst) == polls {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(stand.console_calls(), 2, "a refresh without a state change reads no console");
        script.key('q');
    };
    let (ended, ()) =
        tokio::join!(run_loop(&mut term, &mut console, input, &cfg, &backends, Instant::now()), drive);
    assert_eq!(ended.unwrap(), crate::app::Leave::Quit);
}
