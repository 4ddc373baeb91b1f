//! Waiting for the box to reach a state, with progress.

use std::time::Duration;

use super::{Cloud, CloudError, Instance, InstanceState};

/// Polls `cloud.instances()` every `every` until each of `ids` is in `target`, calling `progress`
/// whenever an instance's state changes. Gives up after `timeout`.
pub async fn wait_for_state(
    cloud: &dyn Cloud,
    ids: &[String],
    target: InstanceState,
    every: Duration,
    timeout: Duration,
    mut progress: impl FnMut(&Instance),
) -> Result<Vec<Instance>, CloudError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last: Vec<(String, InstanceState)> = Vec::new();
    loop {
        let list: Vec<Instance> =
            cloud.instances().await?.into_iter().filter(|i| ids.contains(&i.id)).collect();
        for i in &list {
            if !last.iter().any(|(id, s)| *id == i.id && *s == i.state) {
                progress(i);
            }
        }
        last = list.iter().map(|i| (i.id.clone(), i.state)).collect();
        if list.len() == ids.len() && list.iter().all(|i| i.state == target) {
            return Ok(list);
        }
        if tokio::time::Instant::now() + every > deadline {
            return Err(CloudError::WrongState(format!(
                "gave up waiting after {}s for {} to be {target}",
                timeout.as_secs(),
                ids.join(", ")
            )));
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::demo::{DemoBox, DemoTimings};

    struct Scripted(std::sync::Mutex<Vec<InstanceState>>);

    #[async_trait::async_trait]
    impl Cloud for Scripted {
        async fn instances(&self) -> Result<Vec<Instance>, CloudError> {
            let mut v = self.0.lock().unwrap();
            let st = if v.len() > 1 { v.remove(0) } else { v[0] };
            let mut i = DemoBox::new(jiff::Timestamp::UNIX_EPOCH, DemoTimings::default()).describe();
            i.state = st;
            Ok(vec![i])
        }
        async fn identity(&self) -> Result<super::super::Identity, CloudError> {
            unreachable!()
        }
        async fn start(&self, _: &[String], _: bool) -> Result<(), CloudError> {
            unreachable!()
        }
        async fn stop(&self, _: &[String], _: bool) -> Result<(), CloudError> {
            unreachable!()
        }
        async fn user_data(&self, _: &str) -> Result<Vec<u8>, CloudError> {
            unreachable!()
        }
        async fn set_user_data(&self, _: &str, _: &[u8], _: bool) -> Result<(), CloudError> {
            unreachable!()
        }
        fn kind(&self) -> &'static str {
            "test"
        }
    }

    #[tokio::test]
    async fn reports_each_change_once_and_returns_when_reached() {
        use InstanceState::*;
        let c = Scripted(std::sync::Mutex::new(vec![Stopped, Pending, Pending, Running]));
        let ids = vec!["i-0db5237193478dd8d".to_string()];
        let mut seen = vec![];
        let done = wait_for_state(&c, &ids, Running, Duration::from_millis(1), Duration::from_secs(5), |i| {
            seen.push(i.state)
        })
        .await
        .unwrap();
        assert_eq!(seen, vec![Stopped, Pending, Running]);
        assert_eq!(done[0].state, Running);
    }

    #[tokio::test]
    async fn gives_up_after_the_timeout() {
        let c = Scripted(std::sync::Mutex::new(vec![InstanceState::Pending]));
        let ids = vec!["i-0db5237193478dd8d".to_string()];
        let e = wait_for_state(
            &c,
            &ids,
            InstanceState::Running,
            Duration::from_millis(5),
            Duration::from_millis(20),
            |_| {},
        )
        .await
        .unwrap_err();
        assert!(e.to_string().starts_with("gave up waiting"), "{e}");
    }
}
