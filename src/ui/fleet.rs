//! The fleet view: one row per configured box, the selected one's details under the table.
//!
//! On a narrow terminal whole columns go, least important first (where the box lives, then the
//! next fire, the last run, dev mode); the box, its state and its alarms stay, shortened in the
//! middle when they must. Before a column goes, the dev-mode cell drops the owner's age, then the
//! owner (`on · alice · 2h`, `on · alice`, `on`).

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Look;
use super::fit::{self, Rank};
use super::theme::Theme;
use crate::backends::Account;
use crate::fleet::text;
use crate::run::Outcome;
use crate::state::fleet::{BoxSlot, FleetState};
use crate::timefmt::{ago, human_duration};

/// A column: its title, rank and widest text.
struct Column {
    title: &'static str,
    rank: Rank,
    max: usize,
}

const COLUMNS: [Column; 7] = [
    Column { title: "BOX", rank: Rank::Must, max: 20 },
    Column { title: "STATE", rank: Rank::Must, max: 16 },
    Column { title: "DEV", rank: Rank::High, max: 18 },
    Column { title: "LAST RUN", rank: Rank::High, max: 24 },
    Column { title: "NEXT FIRE", rank: Rank::Mid, max: 26 },
    Column { title: "ALARMS", rank: Rank::Must, max: 60 },
    Column { title: "WHERE", rank: Rank::Detail, max: 40 },
];

/// Draws the fleet view over the whole frame.
pub fn draw(frame: &mut Frame, fleet: &FleetState, look: &Look) {
    let area = frame.area();
    let theme = look.theme;
    if area.height < 8 || area.width < 40 {
        frame.render_widget(Paragraph::new("Terminal too small for the fleet view: q quits"), area);
        return;
    }
    let width = usize::from(area.width);
    let band = |y: u16, h: u16| Rect { x: area.x, y: area.y + y, width: area.width, height: h };
    frame.render_widget(Paragraph::new(header(fleet, &theme, width)), band(0, 1));
    let table_h = area.height - 5;
    let inner = usize::from(area.width.saturating_sub(2));
    let title = format!(" Fleet: {} boxes ", fleet.boxes.len());
    let status = if fleet.arrived() < fleet.boxes.len() {
        format!(" {}/{} answered ", fleet.arrived(), fleet.boxes.len())
    } else {
        String::new()
    };
    let (l, r) = fit::border(inner, &[&title, " Fleet "], &status);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.dim())
        .title(Line::styled(l.to_owned(), theme.title()))
        .title(Line::styled(r.into_owned(), theme.dim()).right_aligned());
    let body = table(fleet, &theme, inner, usize::from(table_h.saturating_sub(2)));
    frame.render_widget(Paragraph::new(body).block(block), band(1, table_h));
    frame.render_widget(Paragraph::new(details(fleet, &theme, width)), band(1 + table_h, 3));
    let keys = format!(
        " ↑↓ select · Enter open the box (Esc comes back) · {} ask again · {} quit",
        look.keys.key("refresh"),
        look.keys.key("quit")
    );
    let footer = match &fleet.notice {
        Some(n) => Line::styled(format!(" {}", n.text), theme.level(n.level)),
        None => Line::styled(keys, theme.dim()),
    };
    frame.render_widget(Paragraph::new(fit::line(&footer, width)), band(area.height - 1, 1));
}

fn header(s: &FleetState, t: &Theme, width: usize) -> Line<'static> {
    let badge = match s.mode {
        Account::Demo => Span::styled(" DEMO ", t.badge(Color::Magenta)),
        Account::Aws { .. } => Span::styled(" AWS ", t.badge(Color::Cyan)),
    };
    let alarms: usize = s.boxes.iter().filter_map(|b| b.row.as_ref()).map(|r| r.alarms.len()).sum();
    let silent = s.boxes.iter().filter(|b| b.problem().is_some()).count();
    let mut fields = vec![
        (Rank::Detail, vec![Span::styled(" baseline-panel ", t.title())]),
        (Rank::Must, vec![Span::raw(" "), badge]),
        (Rank::Must, vec![Span::styled("  every box at a glance", t.text())]),
    ];
    if alarms > 0 {
        let text = if alarms == 1 { "  1 alarm".to_owned() } else { format!("  {alarms} alarms") };
        fields.push((Rank::Must, vec![Span::styled(text, t.error())]));
    }
    if silent > 0 {
        fields.push((Rank::Must, vec![Span::styled(format!("  {silent} not answering"), t.warn())]));
    }
    fit::fields(fields, width)
}

/// The cells of one box, each with its style.
fn cells(b: &BoxSlot, s: &FleetState, t: &Theme) -> Vec<(String, Style)> {
    let place = &b.place;
    let mut place_text = format!("{} · {}", place.region, place.profile);
    if let Some(e) = &place.endpoint {
        let _ = write!(place_text, " · {e}");
    }
    let unknown = |text: &str| (text.to_owned(), t.dim());
    let Some(row) = &b.row else {
        let last = match b.problem() {
            Some(_) => ("not answering".to_owned(), t.error()),
            None => unknown("asking…"),
        };
        return vec![
            (b.name.clone(), t.text()),
            unknown("unknown"),
            unknown("unknown"),
            unknown("unknown"),
            unknown("unknown"),
            last,
            (place_text, t.dim()),
        ];
    };
    let stale = b.problem().is_some();
    let state_cell = match row.state {
        Some(st) if stale => (format!("{}?", text::state(row)), t.state(st).add_modifier(Modifier::DIM)),
        Some(st) => (text::state(row), t.state(st)),
        None => (text::state(row), t.warn()),
    };
    let dev = match &row.dev_mode {
        Ok(crate::userdata::Mode::Dev) => (text::dev_mode(row, s.now), t.error()),
        Ok(_) => (text::dev_mode(row, s.now), t.text()),
        Err(_) => unknown(&text::dev_mode(row, s.now)),
    };
    let last_run = match &row.last_run {
        Ok(r) => match r.outcome {
            Outcome::Succeeded => (text::last_run(row), t.ok()),
            Outcome::InProgress => (text::last_run(row), t.text()),
            Outcome::Unknown => unknown(&text::last_run(row)),
            _ => (text::last_run(row), t.warn()),
        },
        Err(_) => unknown("unknown"),
    };
    let next = match &row.next_fire {
        Ok(_) => (text::next_fire(row, s.now), t.text()),
        Err(_) => unknown(&text::next_fire(row, s.now)),
    };
    let mut alarms = text::alarms(row);
    if stale {
        alarms = if alarms.is_empty() { "not answering".into() } else { format!("not answering, {alarms}") };
    }
    let alarm_style = if alarms.is_empty() { t.dim() } else { t.error() };
    let alarms = if alarms.is_empty() { "-".to_owned() } else { alarms };
    vec![
        (b.name.clone(), t.text()),
        state_cell,
        dev,
        last_run,
        next,
        (alarms, alarm_style),
        (place_text, t.dim()),
    ]
}

/// The dev-mode column.
const DEV: usize = 2;

/// The widest dev-mode cell at each level of shortening (see [`text::dev_mode_forms`]).
fn dev_levels(forms: &[Vec<String>]) -> Vec<usize> {
    let levels = forms.iter().map(Vec::len).max().unwrap_or(1);
    (0..levels)
        .map(|l| {
            let widest = forms.iter().map(|f| f.get(l).or(f.last()).map_or(0, |t| fit::width(t))).max();
            widest.unwrap_or(0).max(COLUMNS[DEV].title.len()).min(COLUMNS[DEV].max)
        })
        .collect()
}

/// Which columns fit in `room`, and their widths.
fn widths(rows: &[Vec<(String, Style)>], forms: &[Vec<String>], room: usize) -> Vec<(usize, usize)> {
    let mut cols: Vec<(usize, usize)> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let widest = rows.iter().map(|r| fit::width(&r[i].0)).max().unwrap_or(0);
            (i, widest.max(c.title.len()).min(c.max))
        })
        .collect();
    let total = |c: &[(usize, usize)]| c.iter().map(|(_, w)| w + 2).sum::<usize>();
    let natural = cols[0].1;
    // A long box name gives way before a column does.
    let over = total(&cols).saturating_sub(room);
    cols[0].1 -= over.min(cols[0].1.saturating_sub(12));
    let levels = dev_levels(forms);
    let mut level = 0;
    let mut dropped = Vec::new();
    while total(&cols) > room {
        let worst = cols
            .iter()
            .enumerate()
            .filter(|(_, (i, _))| COLUMNS[*i].rank != Rank::Must)
            .max_by_key(|(_, (i, _))| (COLUMNS[*i].rank, *i))
            .map(|(k, _)| k);
        let Some(k) = worst else { break };
        // The owner gives way before a column as important as dev mode does.
        if COLUMNS[cols[k].0].rank <= COLUMNS[DEV].rank && level + 1 < levels.len() {
            level += 1;
            if let Some(c) = cols.iter_mut().find(|(i, _)| *i == DEV) {
                c.1 = levels[level];
            }
            continue;
        }
        dropped.push(cols.remove(k));
    }
    // A column dropped early may fit once a wider one went.
    for c in dropped.into_iter().rev() {
        if total(&cols) + c.1 + 2 <= room {
            let at = cols.iter().position(|(i, _)| *i > c.0).unwrap_or(cols.len());
            cols.insert(at, c);
        }
    }
    // Room left over goes back to the box's name.
    let spare = room.saturating_sub(total(&cols));
    cols[0].1 = natural.min(cols[0].1 + spare);
    // Still too wide with only the columns that must stay: the box and alarms give way.
    let mut over = total(&cols).saturating_sub(room);
    for (i, w) in cols.iter_mut().rev() {
        if over == 0 {
            break;
        }
        if *i == 0 || *i == 5 {
            let give = over.min(w.saturating_sub(6));
            *w -= give;
            over -= give;
        }
    }
    cols
}

fn table(s: &FleetState, t: &Theme, room: usize, height: usize) -> Vec<Line<'static>> {
    let rows: Vec<Vec<(String, Style)>> = s.boxes.iter().map(|b| cells(b, s, t)).collect();
    let forms: Vec<Vec<String>> = s
        .boxes
        .iter()
        .zip(&rows)
        .map(|(b, r)| {
            b.row.as_ref().map_or_else(|| vec![r[DEV].0.clone()], |row| text::dev_mode_forms(row, s.now))
        })
        .collect();
    let cols = widths(&rows, &forms, room);
    let line = |cells: &[(String, Style)], forms: Option<&Vec<String>>, selected: bool| {
        let mut spans = Vec::new();
        for (i, w) in &cols {
            let (text, style) = &cells[*i];
            // The dev-mode cell: its longest form that fits.
            let text = match forms.filter(|_| *i == DEV) {
                Some(f) => f.iter().find(|t| fit::width(t) <= *w).unwrap_or(text),
                None => text,
            };
            let text = fit::middle(text, *w);
            let pad = w.saturating_sub(fit::width(&text));
            let style = if selected { style.add_modifier(Modifier::REVERSED) } else { *style };
            spans.push(Span::styled(format!(" {text}{} ", " ".repeat(pad)), style));
        }
        Line::from(spans)
    };
    let head: Vec<(String, Style)> =
        COLUMNS.iter().map(|c| (c.title.to_owned(), t.dim().add_modifier(Modifier::BOLD))).collect();
    let mut out = vec![line(&head, None, false)];
    let shown = height.saturating_sub(1).max(1);
    let first = s.selected.saturating_sub(shown - 1);
    for (n, r) in rows.iter().enumerate().skip(first).take(shown) {
        out.push(line(r, forms.get(n), n == s.selected));
    }
    out
}

/// Two lines on the selected box: where it lives and when it last answered; then what is wrong
/// or unknown, whole enough to act on.
fn details(s: &FleetState, t: &Theme, width: usize) -> Vec<Line<'static>> {
    let Some(b) = s.selected() else { return Vec::new() };
    let mut first = format!(" {}: {} · profile {}", b.name, b.place.region, b.place.profile);
    if let Some(e) = &b.place.endpoint {
        let _ = write!(first, " · endpoint {e}");
    }
    match (b.ok_at, b.next_look) {
        (Some(at), _) => {
            let _ = write!(first, " · answered {}", ago(at, s.now));
        }
        (None, _) if b.problem().is_none() => first.push_str(" · asking…"),
        _ => {}
    }
    let mut lines = vec![fit::line(&Line::styled(first, t.dim()), width)];
    let second = if let Some(p) = b.problem() {
        let retry = b
            .next_look
            .filter(|n| *n > s.now)
            .map(|n| format!(" (asking again in {})", human_duration(n.duration_since(s.now))))
            .unwrap_or_default();
        Line::styled(format!(" not answering: {p}{retry}"), t.error())
    } else if let Some(row) = &b.row {
        let mut notes = text::unknowns(row);
        if let Some(r) = row.last_run.as_ref().ok().filter(|r| r.live) {
            notes.insert(0, format!("run going for {}", human_duration(s.now.duration_since(r.started))));
        }
        Line::styled(format!(" {}", notes.join(" · ")), t.text())
    } else {
        Line::raw("")
    };
    lines.extend(fit::wrap(&second, width, 1, 2));
    lines
}

#[cfg(test)]
mod tests;
