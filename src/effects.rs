//! Runs effects on tokio; each reports back as an action.

mod doctor;
pub mod slack;
#[cfg(test)]
mod testing;

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::action::{Action, Effect};
use crate::cloud::Cloud;
use crate::config::Config;
use crate::state::{DevInfo, Intent};
use crate::userdata::{ScriptLine, inspect};

/// What effects need to do their work.
#[derive(Clone)]
pub struct Runner {
    /// The cloud (AWS or demo).
    pub cloud: Arc<dyn Cloud>,
    /// Where results go.
    pub tx: UnboundedSender<Action>,
    /// The script line's pattern in the user data.
    pub script_line: ScriptLine,
    /// The Slack channel (or the demo's).
    pub chat: slack::ChatLink,
    /// The configuration (the doctor reads it).
    pub config: Arc<Config>,
}

/// Reads dev mode out of user data bytes.
pub fn dev_info(bytes: &[u8], pattern: &ScriptLine) -> Result<DevInfo, String> {
    let i = inspect(bytes, pattern).map_err(|e| e.to_string())?;
    Ok(DevInfo {
        mode: i.mode,
        line_number: i.line_number,
        line: i.line,
        warnings: i.warnings.iter().map(ToString::to_string).collect(),
    })
}

impl Runner {
    fn cloud_call(&self, intent: Intent, dry_run: bool) {
        let (cloud, tx) = (self.cloud.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = match &intent {
                Intent::Start(ids) => cloud.start(ids, dry_run).await,
                Intent::Stop(ids) => cloud.stop(ids, dry_run).await,
                // Posts go through `Effect::PostSlack`.
                Intent::PostMessage => return,
            };
            let action =
                if dry_run { Action::Prechecked { intent, result } } else { Action::Done { intent, result } };
            let _ = tx.send(action);
        });
    }

    /// Starts the async part of an effect. Terminal effects (bell, suspend) are the app's.
    pub fn spawn(&self, effect: Effect) {
        match effect {
            Effect::FetchInstances { seq } => {
                let (cloud, tx) = (self.cloud.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let result = cloud.instances().await;
                    let _ = tx.send(Action::InstancesLoaded { seq, result });
                });
            }
            Effect::Precheck(intent) => self.cloud_call(intent, true),
            Effect::Execute(intent) => self.cloud_call(intent, false),
            Effect::FetchDevInfo { id } => {
                let (cloud, tx, pattern) = (self.cloud.clone(), self.tx.clone(), self.script_line.clone());
                tokio::spawn(async move {
                    let result = match cloud.user_data(&id).await {
                        Ok(bytes) => dev_info(&bytes, &pattern),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send(Action::DevInfoLoaded { id, result });
                });
            }
            Effect::PostSlack { kind, text } => self.post_slack(kind, text),
            Effect::RunDoctor => self.run_doctor(),
            Effect::Bell | Effect::Suspend => {}
        }
    }
}
