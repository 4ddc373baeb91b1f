//! The EC2 calls of the real cloud against moto: start/stop with dry runs, user data bytes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

mod support;

use baseline_panel::cloud::aws::AwsCloud;
use baseline_panel::cloud::{Cloud, InstanceState};
use baseline_panel::config::{Config, Target};
use support::moto::{Moto, SEED_USER_DATA};

async fn cloud(moto: &Moto, id: &str) -> AwsCloud {
    let mut cfg = Config::builtin();
    cfg.endpoint_url = Some(moto.url.clone());
    cfg.target = Target::Id(id.into());
    AwsCloud::with_sdk(&cfg, moto.sdk().await)
}

#[tokio::test]
async fn dry_runs_change_nothing_and_real_calls_do() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = cloud(&moto, &id).await;
    let ids = vec![id.clone()];

    c.stop(&ids, true).await.expect("dry run is permitted on moto");
    assert_eq!(c.instances().await.unwrap()[0].state, InstanceState::Running, "dry run stopped nothing");

    c.stop(&ids, false).await.unwrap();
    let state = c.instances().await.unwrap()[0].state;
    assert!(matches!(state, InstanceState::Stopped | InstanceState::Stopping), "{state}");
    if let Some(w) = moto.witness_instance(&id, "State.Name") {
        assert!(w == "stopped" || w == "stopping", "AWS CLI sees {w}");
    }

    c.start(&ids, true).await.unwrap();
    assert_ne!(c.instances().await.unwrap()[0].state, InstanceState::Running, "dry run started nothing");
    c.start(&ids, false).await.unwrap();
    let state = c.instances().await.unwrap()[0].state;
    assert!(matches!(state, InstanceState::Running | InstanceState::Pending), "{state}");
}

#[tokio::test]
async fn user_data_round_trips_byte_for_byte_without_double_encoding() {
    let Some(moto) = Moto::start() else { return };
    let id = moto.launch("baseline model", SEED_USER_DATA).await;
    let c = cloud(&moto, &id).await;
    assert_eq!(c.user_data(&id).await.unwrap(), SEED_USER_DATA.as_bytes(), "reads the seed's exact bytes");

    moto.stop(&id).await;
    let changed = SEED_USER_DATA.replace("su -c", "# su -c").replace('\n', "\r\n");
    c.set_user_data(&id, changed.as_bytes(), true).await.unwrap();
    assert_eq!(c.user_data(&id).await.unwrap(), SEED_USER_DATA.as_bytes(), "dry run wrote nothing");
    c.set_user_data(&id, changed.as_bytes(), false).await.unwrap();
    assert_eq!(c.user_data(&id).await.unwrap(), changed.as_bytes());

    // The AWS CLI witness: the attribute holds base64 of the exact bytes, encoded once.
    if let Some(decoded) = moto.witness_user_data(&id) {
        assert_eq!(decoded, changed.as_bytes());
    }
}

#[tokio::test]
async fn unknown_instance_is_not_found() {
    let Some(moto) = Moto::start() else { return };
    let c = cloud(&moto, "i-0123456789abcdef0").await;
    let e = c.user_data("i-0123456789abcdef0").await.unwrap_err();
    assert!(e.to_string().contains("no instance found"), "{e}");
}
