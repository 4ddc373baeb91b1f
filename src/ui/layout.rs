//! Where each panel goes: a pure function of the terminal size, shared by drawing and input
//! (a resize tells `update` the log pane's height, which it needs to scroll the logs).

use ratatui::layout::{Constraint, Layout, Rect};

use crate::action::LogRows;

/// The panels' rectangles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// Top line.
    pub header: Rect,
    /// The outcome banner line (zero height when there is none).
    pub banner: Rect,
    /// Instance panel.
    pub instance: Rect,
    /// Last run panel.
    pub run: Rect,
    /// Schedule panel.
    pub schedule: Rect,
    /// Slack panel.
    pub slack: Rect,
    /// Logs (or run history) pane.
    pub lower: Rect,
    /// Bottom line.
    pub footer: Rect,
}

/// Splits a `w`x`h` terminal; `banner` reserves a line under the header.
pub fn areas(w: u16, h: u16, banner: bool) -> Areas {
    let area = Rect::new(0, 0, w, h);
    let [header, banner_area, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(banner)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    // The logs keep at least 3 rows; the two panel rows shrink first on small terminals.
    let room = body.height.saturating_sub(3);
    let row1 = (body.height * 9 / 20).clamp(9, 13).min(room);
    let row2 = (body.height * 3 / 10).clamp(4, 9).min(room - row1);
    let [top, middle, lower] =
        Layout::vertical([Constraint::Length(row1), Constraint::Length(row2), Constraint::Min(0)])
            .areas(body);
    let halves = |r: Rect| -> [Rect; 2] {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(r)
    };
    let [instance, run] = halves(top);
    let [schedule, slack] = halves(middle);
    Areas { header, banner: banner_area, instance, run, schedule, slack, lower, footer }
}

/// The log pane's rows on a `w`x`h` terminal, with and without the banner.
pub fn log_rows(w: u16, h: u16) -> LogRows {
    let rows = |banner| super::logs::body_height(areas(w, h, banner).lower);
    LogRows { plain: rows(false), with_banner: rows(true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_tile_the_screen_without_overlap() {
        for (w, h) in [(60, 18), (100, 24), (200, 60)] {
            for banner in [false, true] {
                let a = areas(w, h, banner);
                let total: u32 =
                    [a.header, a.banner, a.instance, a.run, a.schedule, a.slack, a.lower, a.footer]
                        .iter()
                        .map(|r| u32::from(r.width) * u32::from(r.height))
                        .sum();
                assert_eq!(total, u32::from(w) * u32::from(h), "{w}x{h} banner={banner}");
                assert!(a.lower.height >= 3, "logs keep some room at {w}x{h}");
            }
        }
    }

    #[test]
    fn the_state_starts_with_the_log_rows_of_its_initial_size() {
        let s = crate::state::State::new(
            &crate::config::Config::builtin(),
            &crate::backends::Account::of(&crate::config::Config::builtin()),
            crate::fixtures::now(),
        );
        assert_eq!(log_rows(s.size.0, s.size.1), s.log_rows);
    }
}
