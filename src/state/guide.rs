//! A newcomer's first screen: while no instance is known because the instance poll fails for
//! a reason the operator must fix (no credentials, an expired SSO session, no instance with the
//! tag, no permission, no connection), what is wrong and what to do. The Instance panel shows
//! it, the log panes name it instead of waiting, and `s`, `x`, `d` and `e` give the same cause.

use super::State;
use crate::cloud::CloudError;
use crate::cloud::error::{CredentialsKind, split_hint};

/// What the panel says while the cause is known: a headline and the steps that fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// What is wrong, one line: `no AWS credentials found`.
    pub headline: String,
    /// What to do, one step a line, the likeliest first.
    pub steps: Vec<String>,
    /// The cause in a few words, for a pane's title: `no AWS credentials`.
    pub short: &'static str,
    /// The fix in one line, for the footer: `--profile NAME, aws sso login, or --demo`.
    pub fix: String,
}

const DEMO_STEP: &str = "just looking: baseline-panel --demo (a simulated box, no AWS)";
const DOCTOR_STEP: &str = "baseline-panel doctor checks credentials, permissions and names";

/// The guide for the failure of the instance poll, while no instance is known; `None` when an
/// instance is shown (its panel marks it stale) or the cause is not one the operator fixes
/// (throttling, a server error: the poll retries).
pub fn guide(state: &State) -> Option<Guide> {
    if state.instance().is_some() {
        return None;
    }
    for_failure(state.instances_failure.as_ref()?, &state.context.region, &state.context.target)
}

/// The guide for `e`, the instance poll's failure, with the region searched and the target.
pub fn for_failure(e: &CloudError, region: &str, target: &str) -> Option<Guide> {
    let text = e.to_string();
    let (what, hint) = split_hint(&text);
    let hint = hint.map(str::to_owned);
    let (short, steps): (&'static str, Vec<String>) = match e {
        CloudError::Credentials(c) => match c.kind {
            CredentialsKind::Missing if what.contains("for the profile") => (
                "no AWS credentials",
                [hint, Some("another profile: --profile NAME or AWS_PROFILE=NAME".into())]
                    .into_iter()
                    .flatten()
                    .chain([DEMO_STEP.into()])
                    .collect(),
            ),
            CredentialsKind::Missing => (
                "no AWS credentials",
                vec![
                    "a profile: --profile NAME or AWS_PROFILE=NAME (or [aws] profile in the config)".into(),
                    "no profile yet: aws configure, or aws configure sso then aws sso login".into(),
                    DEMO_STEP.into(),
                ],
            ),
            CredentialsKind::SsoExpired => (
                "SSO session expired",
                hint.into_iter().chain(["then press r (the panel also retries by itself)".into()]).collect(),
            ),
            CredentialsKind::Expired => ("credentials expired", hint.into_iter().collect()),
            CredentialsKind::Refused | CredentialsKind::NotLoaded => {
                ("credentials refused", hint.into_iter().chain([DEMO_STEP.into()]).collect())
            }
        },
        CloudError::NotFound { .. } => (
            "no instance",
            vec![
                format!("only {region} was searched: --region REGION (or AWS_REGION, [aws] region)"),
                "another Name tag: --instance-name NAME; by id: --instance-id i-… ([instance] name, id)".into(),
                DOCTOR_STEP.into(),
            ],
        ),
        CloudError::AccessDenied { .. } => (
            "not permitted",
            vec![
                "the IAM policy of these credentials needs assets/iam-policy-readonly.json (to look) or assets/iam-policy.json (to act)".into(),
                DOCTOR_STEP.into(),
            ],
        ),
        CloudError::Unreachable { .. } | CloudError::NoAnswer { .. } => (
            "AWS not reachable",
            vec![
                "check the network, --region and any custom endpoint (--endpoint-url, AWS_ENDPOINT_URL)".into(),
                DEMO_STEP.into(),
            ],
        ),
        _ => return None,
    };
    let headline = match e {
        // The target and region are the operator's words: say them plainly.
        CloudError::NotFound { .. } => format!("no instance found for {target} in {region}"),
        _ => what.to_owned(),
    };
    let fix = match e {
        CloudError::Credentials(c)
            if c.kind == CredentialsKind::Missing && !what.contains("for the profile") =>
        {
            "set a profile (--profile NAME or AWS_PROFILE), run aws sso login, or try --demo".to_owned()
        }
        CloudError::NotFound { .. } => {
            "try --region REGION, --instance-name NAME or --instance-id ID".to_owned()
        }
        CloudError::AccessDenied { .. } => "see assets/iam-policy-readonly.json".to_owned(),
        _ => steps.first().cloned().unwrap_or_default(),
    };
    Some(Guide { headline, steps, short, fix })
}

impl Guide {
    /// The headline and the steps as lines of text, `• ` before each step.
    pub fn text(&self) -> String {
        let mut s = self.headline.clone();
        for step in &self.steps {
            s.push_str("\n• ");
            s.push_str(step);
        }
        s
    }
}

/// The footer's message when the cause first shows: `no AWS credentials found: set a profile
/// (…), run aws sso login, or try --demo` (the Instance panel has the steps).
pub fn first_notice(state: &State) -> Option<super::Notice> {
    let g = guide(state)?;
    Some(super::Notice { level: super::Level::Error, text: format!("{}: {}", g.headline, g.fix) })
}

/// Why there is no instance to act on, for the footer when `s`, `x`, `d` or `e` is pressed:
/// `what` names the action (`nothing to start`).
pub fn no_instance(state: &State, what: &str) -> String {
    if let Some(g) = guide(state) {
        return format!("{what}: {} — the Instance panel says what to do", g.headline);
    }
    match &state.instances.error {
        Some(e) => format!("{what}: no instance known ({e})"),
        None => format!("{what}: no instance known yet, EC2 has not answered; r asks again"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::cloud::InstanceState;
    use crate::cloud::error::Credentials;
    use crate::fixtures::{instance, now};
    use crate::state::update;

    fn state_after(e: CloudError) -> State {
        let cfg = crate::config::Config::builtin();
        let mut s = State::new(&cfg, &crate::backends::Account::of(&cfg), now());
        update(&mut s, Action::Tick(now()));
        update(&mut s, Action::InstancesLoaded { seq: 1, result: Err(e) });
        s
    }

    fn no_credentials() -> CloudError {
        Credentials::error(
            CredentialsKind::Missing,
            "no AWS credentials found; set AWS_PROFILE (or --profile), run `aws configure` or `aws sso login`, or try the panel on a simulated box with --demo",
        )
    }

    #[test]
    fn no_credentials_say_how_to_get_some_or_try_the_demo() {
        let g = guide(&state_after(no_credentials())).expect("a guide");
        assert_eq!(g.headline, "no AWS credentials found");
        assert_eq!(g.short, "no AWS credentials");
        let all = g.steps.join("\n");
        for needle in ["--profile NAME", "AWS_PROFILE", "aws configure", "aws sso login", "--demo"] {
            assert!(all.contains(needle), "{needle}: {all}");
        }
    }

    #[test]
    fn start_stop_dev_mode_and_save_name_the_cause_not_a_wait() {
        for (action, what) in [
            (Action::StartRequested, "nothing to start"),
            (Action::StopRequested, "nothing to stop"),
            (Action::DevRequested, "dev mode cannot be switched"),
            (Action::ExportRequested, "no run log to save"),
        ] {
            let mut s = state_after(no_credentials());
            assert_eq!(update(&mut s, action), vec![], "{what}");
            assert_eq!(
                s.notice.unwrap().text,
                format!("{what}: no AWS credentials found — the Instance panel says what to do")
            );
        }
        // Before EC2's first answer: a wait, and how to ask again.
        let cfg = crate::config::Config::builtin();
        let mut s = State::new(&cfg, &crate::backends::Account::of(&cfg), now());
        update(&mut s, Action::StartRequested);
        assert_eq!(
            s.notice.unwrap().text,
            "nothing to start: no instance known yet, EC2 has not answered; r asks again"
        );
    }

    #[test]
    fn the_footer_says_it_once_per_cause() {
        let mut s = state_after(no_credentials());
        let n = s.notice.clone().expect("a footer message at the first failure");
        assert_eq!(
            n.text,
            "no AWS credentials found: set a profile (--profile NAME or AWS_PROFILE), run aws sso login, or try --demo"
        );
        update(&mut s, Action::Dismiss);
        update(&mut s, Action::Refresh);
        update(&mut s, Action::InstancesLoaded { seq: 2, result: Err(no_credentials()) });
        assert_eq!(s.notice, None, "dismissed: the same cause does not come back");
        update(&mut s, Action::Refresh);
        let e = CloudError::NotFound { target: "Name=baseline model".into(), region: "us-east-1".into() };
        update(&mut s, Action::InstancesLoaded { seq: 3, result: Err(e) });
        assert!(
            s.notice
                .unwrap()
                .text
                .starts_with("no instance found for Name=baseline model in us-east-1: try --region")
        );
    }

    #[test]
    fn an_expired_sso_session_names_the_login_for_the_profile() {
        let e = Credentials::error(
            CredentialsKind::SsoExpired,
            "the SSO session has expired or is missing; run `aws sso login --profile lab`",
        );
        let g = guide(&state_after(e)).unwrap();
        assert_eq!(g.headline, "the SSO session has expired or is missing");
        assert_eq!(g.steps[0], "run `aws sso login --profile lab`");
    }

    #[test]
    fn no_instance_names_the_region_searched_and_the_flags() {
        let e = CloudError::NotFound { target: "Name=baseline model".into(), region: "us-east-1".into() };
        let g = guide(&state_after(e)).unwrap();
        assert_eq!(g.headline, "no instance found for Name=baseline model in us-east-1");
        let all = g.steps.join("\n");
        for needle in
            ["only us-east-1 was searched", "--region", "--instance-id", "--instance-name", "doctor"]
        {
            assert!(all.contains(needle), "{needle}: {all}");
        }
    }

    #[test]
    fn passing_troubles_have_no_guide_and_a_known_instance_hides_it() {
        let s = state_after(CloudError::Throttled("RequestLimitExceeded".into()));
        assert_eq!(guide(&s), None);
        assert!(no_instance(&s, "nothing to start").contains("throttled"), "{}", no_instance(&s, "x"));
        let mut s = state_after(no_credentials());
        update(&mut s, Action::Refresh);
        let found = Ok(vec![instance(InstanceState::Stopped)]);
        update(&mut s, Action::InstancesLoaded { seq: 2, result: found });
        assert_eq!(guide(&s), None);
    }
}
