use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::*;
use crate::logview::PromptKind;

const W: u16 = 80;
const H: u16 = 20;
/// 2026-11-23 14:00:00 UTC.
const T0: i64 = 1_795_442_400_000;

fn body() -> usize {
    body_height(Rect::new(0, 0, W, H))
}

fn message(i: usize) -> String {
    match i % 7 {
        3 => format!("Error in fit_location({i:02}): model failed to converge"),
        5 => format!("Warning: location {i:02} has 3 missing weeks, imputing"),
        _ => format!("[{i:03}] fitting baseline quantiles for location {i:02}"),
    }
}

fn run_log(n: usize, limit: usize) -> LogBuffer {
    let mut buf = LogBuffer::with_capacity_limit(limit);
    append(&mut buf, 0..n);
    buf
}

fn append(buf: &mut LogBuffer, range: std::ops::Range<usize>) {
    buf.extend(range.map(|i| (T0 + i64::try_from(i).unwrap() * 1500, message(i))));
}

struct Fixture {
    tz: TimeZone,
    marker: Regex,
}

impl Fixture {
    fn new() -> Self {
        Self {
            tz: TimeZone::fixed(jiff::tz::offset(-5)),
            marker: Regex::new(DEFAULT_FAILURE_PATTERN).unwrap(),
        }
    }

    fn ctx(&self) -> LogDrawContext<'_> {
        LogDrawContext {
            tone: Health::Live,
            failure: Some(&self.marker),
            ..LogDrawContext::new("run log", "live", &self.tz)
        }
    }
}

fn render(buf: &LogBuffer, view: &LogView, ctx: &LogDrawContext) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    terminal.draw(|f| draw(f, f.area(), buf, view, ctx)).unwrap();
    terminal
}

/// The row `y` of the screen as text.
fn row(screen: &Buffer, y: u16) -> String {
    (0..screen.area.width).map(|x| screen[(x, y)].symbol()).collect()
}

/// The screen position of the first occurrence of `needle` on row `y`.
fn find(screen: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let text = row(screen, y);
    let byte = text.find(needle)?;
    Some(u16::try_from(text[..byte].chars().count()).unwrap())
}

#[test]
fn following() {
    let f = Fixture::new();
    let buf = run_log(40, 1000);
    let mut view = LogView::new();
    view.set_timestamps(TimestampMode::Utc);
    let terminal = render(&buf, &view, &f.ctx());
    insta::assert_snapshot!("following", terminal.backend());

    // The newest line is on the last body row; failure lines are red.
    let screen = terminal.backend().buffer();
    assert!(row(screen, H - 3).contains("[039]"));
    let error_row = (1..H - 2)
        .find(|&y| row(screen, y).contains("Error in fit_location(38)"))
        .expect("line 38 is on screen");
    let x = find(screen, error_row, "Error").unwrap();
    assert_eq!(screen[(x, error_row)].fg, Color::Red);
    let ok_row = error_row + 1;
    let x = find(screen, ok_row, "fitting").unwrap();
    assert_eq!(screen[(x, ok_row)].fg, Color::Reset);
    // The status text takes its tone's colour; timestamps are dim.
    let x = find(screen, 0, "live").unwrap();
    assert_eq!(screen[(x, 0)].fg, Color::Green);
    assert_eq!(screen[(1, 1)].fg, Color::DarkGray);
}

#[test]
fn paused_with_new_lines() {
    let f = Fixture::new();
    let mut buf = run_log(40, 1000);
    let mut view = LogView::new();
    view.scroll_up(&buf, body(), 10);
    append(&mut buf, 40..52);
    view.sync(&buf);
    let terminal = render(&buf, &view, &f.ctx());
    insta::assert_snapshot!("paused_with_new_lines", terminal.backend());
    let screen = terminal.backend().buffer();
    assert!(row(screen, H - 2).contains("paused — G to follow, 12 new lines"));
    assert!(row(screen, H - 3).contains("[029]"), "the view did not move");
}

#[test]
fn search_hit_highlighted() {
    let f = Fixture::new();
    let buf = run_log(40, 1000);
    let mut view = LogView::new();
    view.scroll_to_top(&buf);
    view.set_search(&buf, body(), "LOCATION 1").unwrap();
    view.next_match(&buf, body());
    let terminal = render(&buf, &view, &f.ctx());
    insta::assert_snapshot!("search_hit_highlighted", terminal.backend());

    let screen = terminal.backend().buffer();
    let s = LogStyles::default();
    // "location 1" first matches line 11 (line 10 reads "fit_location(10)"); next moves to 12.
    let (y11, y12) = (12, 13);
    let x = find(screen, y11, "location 11").unwrap();
    assert_eq!(screen[(x, y11)].bg, s.search_match.bg.unwrap());
    assert_eq!(screen[(x + 9, y11)].bg, s.search_match.bg.unwrap());
    assert_eq!(screen[(x + 10, y11)].bg, Color::Reset, "only the match");
    assert_eq!(screen[(x - 1, y11)].bg, Color::Reset, "only the match");
    let x = find(screen, y12, "location 12").unwrap();
    assert_eq!(screen[(x, y12)].bg, s.current_match.bg.unwrap());
    assert!(screen[(x, y12)].modifier.contains(Modifier::BOLD));
    assert!(row(screen, H - 2).contains("/LOCATION 1 2/8"));
}

#[test]
fn filtered() {
    let f = Fixture::new();
    let buf = run_log(60, 1000);
    let mut view = LogView::new();
    view.set_filter(&buf, body(), "error").unwrap();
    let terminal = render(&buf, &view, &f.ctx());
    insta::assert_snapshot!("filtered", terminal.backend());
    let screen = terminal.backend().buffer();
    let shown: Vec<String> = (1..H - 2).map(|y| row(screen, y)).collect();
    assert!(shown.iter().filter(|r| r.contains("Error in")).count() == 9);
    assert!(!shown.iter().any(|r| r.contains("fitting")));
}

#[test]
fn dropped_lines_notice() {
    let f = Fixture::new();
    let buf = run_log(1234 + 500, 500);
    let view = LogView::new();
    let terminal = render(&buf, &view, &f.ctx());
    insta::assert_snapshot!("dropped_lines_notice", terminal.backend());
    let screen = terminal.backend().buffer();
    assert!(row(screen, H - 2).contains("older 1 234 lines dropped (buffer 500)"));
}

#[test]
fn one_megabyte_line_cut_to_width() {
    let f = Fixture::new();
    let mut buf = run_log(3, 1000);
    let huge: String = "0123456789é".repeat(100_000);
    buf.push(T0 + 10_000, &huge);
    let mut view = LogView::new();
    view.set_search(&buf, body(), "9é0").unwrap();
    view.follow();
    let terminal = render(&buf, &view, &f.ctx());
    insta::assert_snapshot!("one_megabyte_line", terminal.backend());
    let screen = terminal.backend().buffer();
    let expected: String = huge.chars().take(usize::from(W) - 2).collect();
    assert_eq!(row(screen, 4), format!("│{expected}│"));
    // Matches inside the visible slice are highlighted ("9é0" starts at column 9).
    let s = LogStyles::default();
    assert_eq!(screen[(1 + 9, 4)].bg, s.current_match.bg.unwrap());
    assert_eq!(screen[(1 + 8, 4)].bg, Color::Reset);
}

#[test]
fn one_megabyte_line_wrapped() {
    let f = Fixture::new();
    let mut buf = run_log(3, 1000);
    buf.push(T0 + 10_000, &"abcdefghij".repeat(100_000));
    let mut view = LogView::new();
    view.toggle_wrap();
    view.set_timestamps(TimestampMode::Local);
    let terminal = render(&buf, &view, &f.ctx());
    insta::assert_snapshot!("one_megabyte_line_wrapped", terminal.backend());
    let screen = terminal.backend().buffer();
    // Following: the long line fills the body from the bottom, continuation rows indented.
    assert!(row(screen, H - 3).starts_with("│         "));
    assert!(row(screen, H - 2).contains("following · 4 lines"));
}

#[test]
fn prompt_on_an_empty_buffer() {
    let f = Fixture::new();
    let buf = LogBuffer::default();
    let mut view = LogView::new();
    view.open_prompt(PromptKind::Filter);
    view.prompt_insert('[');
    let mut terminal = render(&buf, &view, &f.ctx());
    let screen = terminal.backend().buffer();
    assert!(row(screen, 1).contains("waiting for log lines"));
    assert!(row(screen, H - 2).starts_with("│filter: [ "), "{}", row(screen, H - 2));
    terminal.backend_mut().assert_cursor_position(Position::new(10, H - 2));
}

#[test]
fn tiny_areas_do_not_panic() {
    let f = Fixture::new();
    let buf = run_log(10, 100);
    let view = LogView::new();
    for (w, h) in [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (3, 10)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|frame| draw(frame, frame.area(), &buf, &view, &f.ctx())).unwrap();
    }
}

#[test]
fn groups_thousands_with_spaces() {
    assert_eq!(group(0), "0");
    assert_eq!(group(999), "999");
    assert_eq!(group(1234), "1 234");
    assert_eq!(group(100_000), "100 000");
    assert_eq!(group(1_234_567), "1 234 567");
}
