//! The bottom line: the current message, else the key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::View;

/// Commands hinted when there is no message, with their labels.
pub const HINTS: &[(&str, &str)] =
    &[("start", "start"), ("stop", "stop"), ("dev_mode", "dev mode"), ("slack", "slack")];

/// The hinted commands that change the box, left out in read-only mode (they are refused).
const WRITES: &[&str] = &["start", "stop", "dev_mode"];

/// Draws the footer.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let line = if let Some(n) = &state.notice {
        let style = t.level(n.level);
        Line::from(vec![
            Span::styled(format!(" {} ", n.text), style),
            Span::styled("  (Esc to dismiss)", t.dim()),
        ])
    } else {
        let mut spans = vec![Span::raw(" ")];
        let mut hint = |k: String, what: &str| {
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::styled(format!(" {what}  "), t.dim()));
        };
        // Only what works: in read-only mode the writes are refused, so not offered.
        for (cmd, what) in HINTS.iter().filter(|(cmd, _)| !(state.context.read_only && WRITES.contains(cmd)))
        {
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
