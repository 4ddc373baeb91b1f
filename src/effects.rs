//! Runs effects on tokio; each reports back as an action.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::action::{Action, Effect};
use crate::cloud::Cloud;

/// What effects need to do their work.
#[derive(Clone)]
pub struct Runner {
    /// The cloud (AWS or demo).
    pub cloud: Arc<dyn Cloud>,
    /// Where results go.
    pub tx: UnboundedSender<Action>,
}

impl Runner {
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
            Effect::Bell | Effect::Suspend => {}
        }
    }
}
