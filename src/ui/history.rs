//! The run history pane (key `h`): the timeline's runs and dev sessions, newest first, and a
//! bar chart of run durations coloured by outcome. `↑`/`↓` select, Enter opens the selected
//! run's log, `e` saves it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, BorderType, Borders, Cell, Paragraph, Row, Table, TableState};

use crate::run::{Entry, Kind, Timeline};
use crate::timefmt::human_duration;
use crate::ui::View;
use crate::ui::theme::Theme;

/// How many runs the bar chart shows at most.
const CHART_RUNS: usize = 16;

/// Draws the history pane.
pub fn draw(frame: &mut Frame, area: Rect, state: &View) {
    let t = state.theme;
    let keys = format!(
        " Run history (↑/↓ select · Enter: its log · {}: save it · {}: back to logs) ",
        state.key("export"),
        state.key("history")
    );
    let (title, _) =
        super::fit::border(usize::from(area.width.saturating_sub(2)), &[&keys, " Run history "], "");
    let block =
        Block::bordered().border_type(BorderType::Rounded).title(Span::styled(title.to_owned(), t.title()));
    let timeline = state.timeline();
    if timeline.entries.is_empty() {
        let (text, style) = match (&state.runs.past_error, state.runs.reading) {
            (Some(e), _) => (format!("✗ {e}"), t.error()),
            (None, true) => ("reading the run log…".to_owned(), t.dim()),
            (None, false) => ("no runs in the run log group (last 120 days)".to_owned(), t.dim()),
        };
        let room = usize::from(area.width.saturating_sub(2));
        let items =
            [super::fit::Item::wrapped(super::fit::Rank::Must, Line::styled(text, style), usize::MAX)];
        let lines = super::fit::place(&items, room, usize::from(area.height.saturating_sub(2)));
        return frame.render_widget(Paragraph::new(lines).block(block), area);
    }
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(line) = month_line(state, usize::from(inner.width)) {
        frame.render_widget(Paragraph::new(line), Rect { height: 1, ..inner });
        inner.y += 1;
        inner.height = inner.height.saturating_sub(1);
    }
    let runs = timeline.runs().filter(|e| e.duration.is_some()).count().min(CHART_RUNS);
    let chart_w = if inner.width >= 90 && runs > 0 {
        (inner.width / 3)
            .min(u16::try_from(runs).unwrap_or(u16::MAX).saturating_mul(3).saturating_add(2))
            .max(12)
    } else {
        0
    };
    let [table_area, chart_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(chart_w)]).areas(inner);
    table(frame, table_area, state, timeline);
    if chart_w > 0 {
        chart(frame, chart_area, &t, timeline, state.runs.selected_entry());
    }
    if let Some(e) = &state.runs.past_error {
        let row = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..table_area };
        let text =
            super::fit::middle(&format!("older runs unread: {e}"), usize::from(row.width)).into_owned();
        frame.render_widget(Paragraph::new(Line::styled(text, t.error())), row);
    }
}

/// The runs and dev sessions, one row each.
fn table(frame: &mut Frame, area: Rect, state: &View, timeline: &Timeline) {
    let t = state.theme;
    let header = Row::new(["started (UTC)", "outcome", "took", "lines", "cost", "evidence"]).style(t.dim());
    // The evidence column: what the others, their gaps and the highlight symbol leave.
    let note_room = usize::from(area.width).saturating_sub(15 + 15 + 7 + 6 + 8 + 5 + 1);
    let rows = timeline.entries.iter().map(|e| row(e, &t, note_room, cost_cell(state, e)));
    let widths = [
        Constraint::Length(15),
        Constraint::Length(15),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Min(10),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_symbol("›");
    let mut ts = TableState::default().with_selected(Some(state.runs.selected));
    frame.render_stateful_widget(table, area, &mut ts);
}

/// One entry's row: dev sessions dimmed and labelled; the evidence shortened in its middle to
/// `note_room` columns.
fn row<'a>(e: &'a Entry, t: &Theme, note_room: usize, cost: String) -> Row<'a> {
    let started = e.started.strftime("%a %m-%d %H:%M").to_string();
    let took = match (e.duration, e.outcome.is_live()) {
        (Some(d), _) => human_duration(d),
        (None, true) => "going".into(),
        (None, false) => "-".into(),
    };
    let note = e.first_failure.as_deref().unwrap_or(&e.evidence);
    let by = crate::sanitize::field(e.started_by.short()).into_owned();
    let note = super::fit::middle(&format!("by {by} · {note}"), note_room.max(10)).into_owned();
    if e.kind == Kind::DevSession {
        return Row::new(vec![
            Cell::from(started),
            Cell::from("dev session"),
            Cell::from(took),
            Cell::from(e.lines.to_string()),
            Cell::from(cost),
            Cell::from(note),
        ])
        .style(t.dim());
    }
    Row::new(vec![
        Cell::from(started),
        Cell::from(Span::styled(e.outcome.label(), super::run::outcome_style(t, e.outcome))),
        Cell::from(took),
        Cell::from(e.lines.to_string()),
        Cell::from(cost),
        Cell::from(note),
    ])
}

/// A boot's cost for its row: dollars, `?` when unknown (the 30-day line says why), blank
/// before the prices arrive.
fn cost_cell(state: &View, e: &Entry) -> String {
    match crate::state::cost::entry_cost(state.state, e) {
        Some(Ok(usd)) => crate::cost::usd(usd),
        Some(Err(_)) => "?".into(),
        None => String::new(),
    }
}

/// "Last 30 days: runs $8.00 · dev sessions $1.20 · storage $3.10 = $12.30 · $0.564/h r5.2xlarge
/// (AWS Price List)", or why the figures are unknown; shortened in its middle to `room`.
fn month_line(state: &View, room: usize) -> Option<Line<'static>> {
    let t = state.theme;
    let id = &state.instance()?.id;
    let prices = state.cost.for_instance(id)?;
    if state.runs.reading {
        return None;
    }
    let month = crate::cost::last_30_days(&state.timeline().entries, prices, state.now);
    let mut text = format!("Last 30 days: {}", crate::cost::text::month_text(&month));
    let why = crate::cost::text::month_reason(&month);
    if let Some(w) = &why {
        text = format!("{text} — unknown: {w}");
    } else if let Ok(h) = &prices.hourly {
        // The price only where it fits: the figures come first.
        let with_price = format!("{text} · {}", crate::cost::text::price_text(h));
        if super::fit::width(&with_price) <= room {
            text = with_price;
        }
    }
    let text = super::fit::middle(&text, room).into_owned();
    Some(Line::styled(text, if why.is_some() { t.warn() } else { t.dim() }))
}

/// Run durations, oldest left, coloured by outcome; the selected run's bar reversed.
fn chart(frame: &mut Frame, area: Rect, t: &Theme, timeline: &Timeline, selected: Option<&Entry>) {
    let runs: Vec<&Entry> = timeline.runs().filter(|e| e.duration.is_some()).take(CHART_RUNS).collect();
    let usual = timeline.usual.map(|u| format!(" usual {} ", human_duration(u))).unwrap_or_default();
    let block = Block::new()
        .borders(Borders::LEFT)
        .border_style(t.dim())
        .title(Span::styled(format!(" durations{usual}"), t.dim()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let n = u16::try_from(runs.len()).unwrap_or(u16::MAX);
    let bar_width = ((inner.width + 1) / n.max(1)).saturating_sub(1).clamp(1, 4);
    let bars: Vec<Bar> = runs
        .iter()
        .rev()
        .map(|e| {
            let mins = e.duration.map_or(0, |d| u64::try_from(d.as_secs() / 60).unwrap_or(0));
            let mut style = super::run::outcome_style(t, e.outcome);
            if selected.is_some_and(|s| s.started == e.started) {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Bar::new(mins).style(style).text_value(String::new())
        })
        .collect();
    frame.render_widget(BarChart::new(bars).bar_width(bar_width).bar_gap(1), inner);
}
