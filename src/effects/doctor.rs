//! The doctor's checks, run from the panel.

use super::Runner;
use crate::action::Action;
use crate::doctor::{self, Options};

impl Runner {
    /// Runs every check (each with its own time limit) and reports them together.
    pub(super) fn run_doctor(&self) {
        let (cfg, subjects, tx) = (self.config.clone(), self.subjects.clone(), self.tx.clone());
        tokio::spawn(async move {
            let checks = doctor::run_all(&cfg, &subjects, &Options::default()).await;
            let _ = tx.send(Action::DoctorChecked(checks));
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::action::Action;
    use crate::backends::ChatLink;
    use crate::effects::testing::runner;

    #[tokio::test]
    async fn the_demo_doctor_reports_every_check() {
        let (r, mut rx) = runner(ChatLink::none());
        r.run_doctor();
        let Some(Action::DoctorChecked(checks)) = rx.recv().await else { panic!() };
        assert_eq!(checks.first().map(|c| c.id), Some("aws.identity"));
        for id in
            ["slack.token", "schedule.target", "schedule.scheduler_role", "logs.scheduler", "ec2.log_role"]
        {
            assert!(checks.iter().any(|c| c.id == id), "{id}: {checks:?}");
        }
        assert!(crate::doctor::blocking(&checks).is_empty(), "{checks:#?}");
    }
}
