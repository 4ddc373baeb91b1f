use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::cloud::Identity;

/// A cloud that records the keys pushed to it and answers with `refuse` when set.
#[derive(Default)]
struct KeyCloud {
    pushed: Mutex<Vec<(String, String, String)>>,
    refuse: Option<CloudError>,
}

#[async_trait]
impl Cloud for KeyCloud {
    async fn instances(&self) -> Result<Vec<Instance>, CloudError> {
        Ok(vec![])
    }
    async fn identity(&self) -> Result<Identity, CloudError> {
        Err(CloudError::Other("unused".into()))
    }
    async fn start(&self, _: &[String], _: bool) -> Result<(), CloudError> {
        Ok(())
    }
    async fn stop(&self, _: &[String], _: bool) -> Result<(), CloudError> {
        Ok(())
    }
    async fn user_data(&self, _: &str) -> Result<Vec<u8>, CloudError> {
        Ok(vec![])
    }
    async fn set_user_data(&self, _: &str, _: &[u8], _: bool) -> Result<(), CloudError> {
        Ok(())
    }
    async fn send_ssh_public_key(&self, id: &str, os_user: &str, public_key: &str) -> Result<(), CloudError> {
        self.pushed.lock().unwrap().push((id.into(), os_user.into(), public_key.into()));
        self.refuse.clone().map_or(Ok(()), Err)
    }
}

fn running(dns: Option<&str>) -> Instance {
    Instance {
        id: "i-0abc".into(),
        name: Some("baseline model".into()),
        state: InstanceState::Running,
        instance_type: None,
        launch_time: None,
        public_dns: dns.map(str::to_owned),
        public_ip: None,
        availability_zone: Some("us-east-1a".into()),
        state_transition_reason: None,
        state_reason_code: None,
        state_reason_message: None,
        status_checks: None,
    }
}

fn config(key: Option<&str>) -> Config {
    let mut cfg = Config::builtin();
    cfg.dev.ssh_key = key.map(str::to_owned);
    cfg.profile = Some("lab".into());
    cfg
}

const HOST: &str = "ec2-54-1-2-3.compute-1.amazonaws.com";

fn have_keygen() -> bool {
    std::process::Command::new("ssh-keygen").arg("-?").output().is_ok()
}

#[tokio::test]
async fn a_box_that_is_not_running_is_refused() {
    let mut i = running(Some(HOST));
    i.state = InstanceState::Stopped;
    let e = prepare(&KeyCloud::default(), &config(Some("~/.ssh/lab")), &i, &Tools::all()).await.unwrap_err();
    assert_eq!(e, ShellError::NotRunning { id: "i-0abc".into(), state: "stopped".into() });
    assert!(e.to_string().contains("stopped"), "{e}");
}

#[tokio::test]
async fn a_configured_key_is_plain_ssh_the_command_c_copies() {
    let cloud = KeyCloud::default();
    let cfg = config(Some("~/.ssh/lab key"));
    let plan = prepare(&cloud, &cfg, &running(Some(HOST)), &Tools::all()).await.unwrap();
    assert_eq!(plan.method, Method::Ssh);
    assert_eq!(plan.program, "ssh");
    assert_eq!(plan.args, ["-i", "~/.ssh/lab key", &format!("ec2-user@{HOST}")]);
    assert_eq!(plan.command_line(), ssh_command(&cfg.dev, HOST));
    assert_eq!(plan.command_line(), format!("ssh -i '~/.ssh/lab key' ec2-user@{HOST}"));
    assert!(cloud.pushed.lock().unwrap().is_empty(), "no key is pushed");
}

#[test]
fn the_copied_command_reads_as_before_for_plain_values() {
    let mut cfg = config(Some("~/.ssh/lab.pem"));
    assert_eq!(ssh_command(&cfg.dev, HOST), format!("ssh -i ~/.ssh/lab.pem ec2-user@{HOST}"));
    cfg.dev.ssh_key = None;
    assert_eq!(ssh_command(&cfg.dev, "54.1.2.3"), "ssh ec2-user@54.1.2.3");
}

#[tokio::test]
async fn without_a_key_a_one_off_key_is_pushed_then_deleted() {
    if !have_keygen() {
        eprintln!("SKIPPED: ssh-keygen is not installed");
        return;
    }
    let cloud = KeyCloud::default();
    let plan = prepare(&cloud, &config(None), &running(Some(HOST)), &Tools::all()).await.unwrap();
    assert_eq!(plan.method, Method::InstanceConnect);
    let key = plan.one_off_key().unwrap();
    let path = key.private_key().to_string_lossy().into_owned();
    assert_eq!(plan.args, ["-i", &path, "-o", "IdentitiesOnly=yes", &format!("ec2-user@{HOST}")]);
    let pushed = cloud.pushed.lock().unwrap().clone();
    assert_eq!(pushed, [("i-0abc".to_owned(), "ec2-user".to_owned(), key.public_key().to_owned())]);
    let dir = key.dir().to_path_buf();
    assert!(dir.join("id_ed25519").is_file());
    drop(plan);
    assert!(!dir.exists(), "the one-off key goes with the plan");
}

#[tokio::test]
async fn a_refused_key_falls_back_to_session_manager() {
    if !have_keygen() {
        return;
    }
    let denied = CloudError::AccessDenied {
        action: "ec2-instance-connect:SendSSHPublicKey".into(),
        detail: String::new(),
    };
    let cloud = KeyCloud { refuse: Some(denied.clone()), ..KeyCloud::default() };
    let plan = prepare(&cloud, &config(None), &running(Some(HOST)), &Tools::all()).await.unwrap();
    assert_eq!(plan.method, Method::SessionManager);
    assert_eq!(plan.program, "aws");
    assert_eq!(
        plan.args,
        ["ssm", "start-session", "--target", "i-0abc", "--region", "us-east-1", "--profile", "lab"]
    );
    assert!(plan.one_off_key().is_none());

    let tools = Tools { session_manager_plugin: false, ..Tools::all() };
    let e = prepare(&cloud, &config(None), &running(Some(HOST)), &tools).await.unwrap_err();
    let ShellError::NoWay { refused, .. } = &e else { panic!("{e:?}") };
    assert_eq!(refused.as_ref(), Some(&denied));
    let text = e.to_string();
    for words in
        ["not permitted: ec2-instance-connect:SendSSHPublicKey", "session-manager-plugin", "dev.ssh_key"]
    {
        assert!(text.contains(words), "{words}: {text}");
    }
}

#[tokio::test]
async fn no_public_address_means_session_manager_or_what_to_configure() {
    let cloud = KeyCloud::default();
    let plan = prepare(&cloud, &config(Some("~/.ssh/lab")), &running(None), &Tools::all()).await.unwrap();
    assert_eq!(plan.method, Method::SessionManager);
    let e =
        prepare(&cloud, &config(Some("~/.ssh/lab")), &running(None), &Tools::default()).await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("no public address"), "{text}");
    assert!(text.contains("the AWS CLI is not installed"), "{text}");
    assert!(cloud.pushed.lock().unwrap().is_empty());
}

#[tokio::test]
async fn without_ssh_keygen_instance_connect_is_skipped_and_said() {
    let cloud = KeyCloud::default();
    let tools = Tools { ssh_keygen: false, session_manager_plugin: false, ..Tools::all() };
    let e = prepare(&cloud, &config(None), &running(Some(HOST)), &tools).await.unwrap_err();
    assert!(e.to_string().contains("ssh-keygen is not installed"), "{e}");
    assert!(cloud.pushed.lock().unwrap().is_empty());
}
