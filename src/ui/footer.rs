//! The bottom line: the current message, else the key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::View;

/// Commands hinted when there is no message, with their labels (`shell` takes `start`'s place
/// while the box runs).
pub const HINTS: &[(&str, &str)] =
    &[("start", "start"), ("stop", "stop"), ("dev_mode", "dev mode"), ("slack", "slack")];

/// The hinted commands that change the box, left out in read-only mode (they are refused).
const WRITES: &[&str] = &["start", "stop", "dev_mode"];

/// Draws the footer.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let line = if let Some(n) = &state.notice {
        notice_line(state, n, usize::from(area.width))
    } else {
        let mut spans = vec![Span::raw(" ")];
        let mut hint = |k: String, what: &str| {
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::styled(format!(" {what}  "), t.dim()));
        };
        // While the box runs it cannot be started: its place goes to the shell on the box (not
        // in demo mode, where the simulated box has none). In read-only mode the writes are
        // refused, so not offered.
        let running = state.instance().is_some_and(|i| i.state == crate::cloud::InstanceState::Running)
            && state.context.mode != crate::backends::Account::Demo;
        for (cmd, what) in HINTS.iter().filter(|(cmd, _)| !(state.context.read_only && WRITES.contains(cmd)))
        {
            let (cmd, what) = if running && *cmd == "start" { ("shell", "shell") } else { (*cmd, *what) };
            hint(state.key(cmd).to_string(), what);
        }
        hint("/".into(), "search");
        hint("l".into(), "log source");
        hint(state.key("help").to_string(), "help");
        hint(state.key("quit").to_string(), "quit");
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The message in `room` columns: whole with "(Esc to dismiss)" when it fits, else whole alone,
/// else shortened in the middle (its first words and its end stay) with the key that shows it
/// whole.
fn notice_line(state: &View, n: &crate::state::Notice, room: usize) -> Line<'static> {
    let t = state.theme;
    let text = format!(" {} ", n.text);
    let hint = "  (Esc to dismiss)";
    if super::fit::width(&text) + super::fit::width(hint) <= room {
        return Line::from(vec![Span::styled(text, t.level(n.level)), Span::styled(hint, t.dim())]);
    }
    if super::fit::width(&text) <= room {
        return Line::styled(text, t.level(n.level));
    }
    let hint = "  (Enter: all · Esc: dismiss)";
    let hint = if super::fit::width(hint) * 3 <= room { hint } else { "" };
    let rest = room.saturating_sub(super::fit::width(hint));
    Line::from(vec![
        Span::styled(super::fit::middle(&text, rest).into_owned(), t.level(n.level)),
        Span::styled(hint, t.dim()),
    ])
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::state::State;

    fn footer(read_only: bool) -> String {
        let mut cfg = Config::builtin();
        cfg.read_only = read_only;
        let s = State::new(&cfg, &crate::backends::Account::of(&cfg), crate::fixtures::now());
        let screen = crate::ui::tests::render(&s, 100, 24);
        screen.lines().last().unwrap().to_owned()
    }

    #[test]
    fn read_only_offers_only_what_works() {
        let rw = footer(false);
        assert!(rw.contains("s start  x stop  d dev mode  m slack"), "{rw}");
        let ro = footer(true);
        assert!(ro.starts_with("\" m slack  / search"), "{ro}");
        for refused in ["start", "stop", "dev mode"] {
            assert!(!ro.contains(refused), "{refused}: {ro}");
        }
    }
}
