//! `baseline-panel doctor [--post] [--json]`: one line per check, the hint under anything
//! that needs a hand; exit code 1 when a required check fails.

use std::fmt::Write as _;
use std::io::Write;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::Failure;
use crate::backends::Backends;
use crate::config::Config;
use crate::doctor::{self, Check, Options, Status};
use crate::sanitize::field;

/// Version of the `doctor --json` document; bumped only on incompatible changes.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct DoctorJson<'a> {
    schema: u32,
    mode: &'a str,
    checked_at: String,
    /// False when a required check failed.
    ok: bool,
    checks: &'a [Check],
}

/// Runs the checks (each limited to `timeout_secs`) and prints them.
pub async fn run(
    cfg: &Config,
    b: &Backends,
    post: bool,
    timeout_secs: u64,
    json: bool,
) -> Result<(), Failure> {
    if let Some(w) = cfg.dotenv_warning() {
        eprintln!("warning: {w}");
    }
    let mode = b.account.name();
    let subjects = b.doctor_subjects(cfg);
    let opts = Options { post, timeout: Duration::from_secs(timeout_secs) };
    let checks = doctor::run_all(cfg, &subjects, &opts).await;
    let blocking = doctor::blocking(&checks);
    let mut out = std::io::stdout().lock();
    if json {
        let doc = DoctorJson {
            schema: SCHEMA,
            mode,
            checked_at: Timestamp::now().to_string(),
            ok: blocking.is_empty(),
            checks: &checks,
        };
        crate::sanitize::write_json(&mut out, &doc)?;
    } else {
        write!(out, "{}", render(&checks))?;
    }
    out.flush()?;
    if blocking.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = blocking.iter().map(|c| c.name).collect();
    Err(Failure {
        code: 1,
        message: format!(
            "{} required check{} failed: {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
    })
}

/// The human report: a line per check, its hint indented under it, and a count.
pub fn render(checks: &[Check]) -> String {
    let width = checks.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
    let mut s = String::new();
    for c in checks {
        // Details and hints may quote an AWS, Slack or GitHub answer.
        let _ = writeln!(s, "{} {:<width$}  {}", c.status.symbol(), c.name, field(&c.detail));
        if let (Some(hint), true) = (&c.hint, c.status != Status::Pass) {
            let _ = writeln!(s, "  {:<width$}  → {}", "", field(hint));
        }
    }
    let count = |st: Status| checks.iter().filter(|c| c.status == st).count();
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        s,
        "\n{} passed, {} failed, {}, {} skipped",
        count(Status::Pass),
        count(Status::Fail),
        plural(count(Status::Warn), "warning", "warnings"),
        count(Status::Skip)
    );
    let optional: Vec<&str> =
        checks.iter().filter(|c| c.status == Status::Fail && !c.required).map(|c| c.name).collect();
    if !optional.is_empty() {
        let _ = writeln!(s, "optional, not counted in the exit code: {}", optional.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &'static str, status: Status, hint: Option<&str>, required: bool) -> Check {
        Check {
            id: "x",
            name,
            status,
            detail: format!("{name} detail"),
            hint: hint.map(str::to_owned),
            required,
        }
    }

    #[test]
    fn report_shows_symbols_hints_and_counts() {
        let checks = [
            check("AWS identity", Status::Pass, None, true),
            check("Slack token", Status::Fail, Some("reinstall the app"), true),
            check("Slack post", Status::Skip, Some("run doctor --post"), true),
            check("Schedule rule", Status::Warn, None, true),
            check("GitHub push", Status::Fail, Some("give write access"), false),
        ];
        insta::assert_snapshot!(render(&checks), @r"
        ✓ AWS identity   AWS identity detail
        ✗ Slack token    Slack token detail
                         → reinstall the app
        - Slack post     Slack post detail
                         → run doctor --post
        ! Schedule rule  Schedule rule detail
        ✗ GitHub push    GitHub push detail
                         → give write access

        1 passed, 2 failed, 1 warning, 1 skipped
        optional, not counted in the exit code: GitHub push
        ");
    }
}
