//! The notices `slack.notify_actions` posts to the channel when someone starts or stops the box
//! or switches dev mode: one text for the panel and the CLI alike.

use super::sender::Sender;
use crate::userdata::Mode;

/// Something an operator did that the channel hears about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionNotice<'a> {
    /// A start was accepted for these instances.
    RunStarted(&'a [String]),
    /// A stop was accepted for these instances.
    Stopped(&'a [String]),
    /// The user data of an instance was written; its mode now (`None`: restored user data
    /// without a single script line).
    UserData {
        /// The instance.
        id: &'a str,
        /// Dev or run mode after the write.
        mode: Option<Mode>,
    },
}

impl ActionNotice<'_> {
    /// The text posted, naming who did it:
    /// `baseline-panel: run started by ada@lab-laptop for i-0db5…`,
    /// `baseline-panel: box stopped by ada@lab-laptop for i-0db5…`,
    /// `baseline-panel: dev mode is ON for i-0db5… (ada@lab-laptop)`.
    pub fn text(&self, sender: &Sender) -> String {
        match self {
            ActionNotice::RunStarted(ids) => {
                format!("baseline-panel: run started by {sender} for {}", ids.join(", "))
            }
            ActionNotice::Stopped(ids) => {
                format!("baseline-panel: box stopped by {sender} for {}", ids.join(", "))
            }
            ActionNotice::UserData { id, mode } => {
                format!("baseline-panel: {} for {id} ({sender})", mode_words(*mode))
            }
        }
    }
}

/// How the panel and the notice say the mode after a write.
pub fn mode_words(mode: Option<Mode>) -> &'static str {
    match mode {
        Some(Mode::Dev) => "dev mode is ON",
        Some(Mode::Run) => "dev mode is off",
        None => "user data restored",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_notice_names_the_sender_and_the_instances() {
        let who = Sender { user: "ada".into(), host: "lab-laptop".into() };
        let ids = ["i-0a".to_owned(), "i-0b".to_owned()];
        assert_eq!(
            ActionNotice::RunStarted(&ids).text(&who),
            "baseline-panel: run started by ada@lab-laptop for i-0a, i-0b"
        );
        assert_eq!(
            ActionNotice::Stopped(&ids[..1]).text(&who),
            "baseline-panel: box stopped by ada@lab-laptop for i-0a"
        );
        let dev = ActionNotice::UserData { id: "i-0a", mode: Some(Mode::Dev) };
        assert_eq!(dev.text(&who), "baseline-panel: dev mode is ON for i-0a (ada@lab-laptop)");
        let run = ActionNotice::UserData { id: "i-0a", mode: Some(Mode::Run) };
        assert_eq!(run.text(&who), "baseline-panel: dev mode is off for i-0a (ada@lab-laptop)");
    }
}
