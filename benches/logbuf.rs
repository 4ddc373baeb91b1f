//! Measures the log buffer and the log panel: ingest rate, frame render time, a 1 MB line, and
//! memory held by 100 000 lines.
//!
//! Run with `cargo run --release --example logbench`.

// A measuring program, not the product: a broken setup should stop it (expect), and rates and
// sizes are printed as floats, where losing precision beyond 2^52 does not matter.
#![allow(clippy::expect_used, clippy::cast_precision_loss)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use baseline_panel::logbuf::LogBuffer;
use baseline_panel::logview::{LogView, TimestampMode};
use baseline_panel::ui::logs::{DEFAULT_FAILURE_PATTERN, LogDrawContext, body_height, draw};
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use regex::Regex;

const INGEST_LINES: usize = 1_000_000;
const BUFFER_LINES: usize = 100_000;
const FRAMES: usize = 300;
const T0: i64 = 1_795_442_400_000;

/// A run-log-like message of about 100 bytes; every 17th one reports an error.
fn message(i: usize) -> String {
    let mut m = if i % 17 == 3 {
        format!("Error in fit_location({i}): model failed to converge after 500 iterations, step")
    } else {
        format!("[{i:07}] fitting baseline quantiles for location {i} with 23 quantile levels, 4 wk")
    };
    m.truncate(100);
    while m.len() < 100 {
        m.push('.');
    }
    m
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() * 99 / 100]
}

fn filled(lines: usize) -> LogBuffer {
    let mut buf = LogBuffer::with_capacity_limit(lines);
    buf.extend((0..lines).map(|i| (T0 + i64::try_from(i).expect("line number fits") * 10, message(i))));
    buf
}

/// Frame times for `frames` draws into a `w`×`h` test terminal; `step` changes the view
/// before each frame so every frame draws different rows.
fn frame_times(
    buf: &LogBuffer,
    view: &mut LogView,
    ctx: &LogDrawContext,
    (w, h): (u16, u16),
    frames: usize,
    mut step: impl FnMut(&mut LogView, &LogBuffer, usize, usize),
) -> Vec<Duration> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    let height = body_height(Rect::new(0, 0, w, h));
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        step(view, buf, height, i);
        let start = Instant::now();
        terminal.draw(|f| draw(f, f.area(), buf, view, ctx)).expect("draw");
        times.push(start.elapsed());
    }
    times
}

// Each call hands over the cell it has just formatted.
#[allow(clippy::needless_pass_by_value)]
fn row(what: &str, value: String, goal: &str) {
    println!("| {what:<56} | {value:>20} | {goal:<10} |");
}

// One measurement after another, in the order of the printed table.
#[allow(clippy::too_many_lines)]
fn main() {
    println!("| {:<56} | {:>20} | {:<10} |", "measure", "value", "goal");
    println!("|{:-<58}|{:->22}|{:-<12}|", "", "", "");

    // ----- memory (first, while the allocator holds no freed memory to reuse) -----
    let before = rss_kib();
    let buf = filled(BUFFER_LINES);
    let after = rss_kib();
    if let (Some(b), Some(a)) = (before, after) {
        let grown = a.saturating_sub(b) * 1024;
        row(
            "VmRSS growth for 100k lines of 100 B",
            format!("{:.1} MiB ({} B/line)", grown as f64 / (1024.0 * 1024.0), grown / BUFFER_LINES as u64),
            "",
        );
    }

    // ----- ingest -----
    let messages: Vec<String> = (0..INGEST_LINES).map(message).collect();
    let mut ingested = LogBuffer::with_capacity_limit(BUFFER_LINES);
    let start = Instant::now();
    for chunk in messages.chunks(1000) {
        ingested.extend(
            chunk
                .iter()
                .enumerate()
                .map(|(i, m)| (T0 + i64::try_from(i).expect("line number fits"), m.as_str())),
        );
    }
    let took = start.elapsed();
    black_box(&ingested);
    row(
        "ingest 1M lines of 100 B (batches of 1000, cap 100k)",
        format!("{:.2} M lines/s", INGEST_LINES as f64 / took.as_secs_f64() / 1e6),
        "≥ 1 M/s",
    );

    let tabbed: Vec<String> = messages[..200_000]
        .iter()
        .map(|m| format!("\u{1b}[31m{}\u{1b}[0m\t{}", &m[..50], &m[50..]))
        .collect();
    let mut cleaned = LogBuffer::with_capacity_limit(BUFFER_LINES);
    let start = Instant::now();
    cleaned.extend(tabbed.iter().map(|m| (T0, m.as_str())));
    let took = start.elapsed();
    row(
        "ingest with ANSI colour + tab on every line",
        format!("{:.2} M lines/s", tabbed.len() as f64 / took.as_secs_f64() / 1e6),
        "",
    );
    drop((ingested, cleaned, tabbed, messages));

    // ----- search and filter indices over 100k lines -----
    let height = body_height(Rect::new(0, 0, 200, 50));
    let mut view = LogView::new();
    let start = Instant::now();
    view.set_search(&buf, height, "location 4").expect("valid query");
    row(
        "set_search over 100k lines (one-time scan)",
        format!("{:.2} ms", start.elapsed().as_secs_f64() * 1e3),
        "",
    );
    let mut filtered = LogView::new();
    let start = Instant::now();
    filtered.set_filter(&buf, height, "error").expect("valid query");
    row(
        "set_filter over 100k lines (one-time scan)",
        format!("{:.2} ms", start.elapsed().as_secs_f64() * 1e3),
        "",
    );
    let mut grown = buf.clone();
    grown.extend((0..1000).map(|i| (T0, message(BUFFER_LINES + i))));
    let start = Instant::now();
    view.sync(&grown);
    filtered.sync(&grown);
    row(
        "sync search + filter after a 1000-line batch",
        format!("{:.1} µs", start.elapsed().as_secs_f64() * 1e6),
        "",
    );
    drop(grown);

    // ----- frames -----
    let tz = TimeZone::fixed(jiff::tz::offset(-5));
    let marker = Regex::new(DEFAULT_FAILURE_PATTERN).expect("default pattern compiles");
    let ctx = LogDrawContext { failure: Some(&marker), ..LogDrawContext::new("run log", "live", &tz) };
    view.set_timestamps(TimestampMode::Local);
    let times = frame_times(&buf, &mut view, &ctx, (200, 50), FRAMES, |v, b, h, i| {
        // Walk through the log a match at a time, with a wheel scroll in between.
        if i % 2 == 0 {
            v.next_match(b, h);
        } else {
            v.wheel_up(b, h);
        }
    });
    row(
        "frame 200x50, 100k lines, search + marker + ts (median)",
        format!("{:.3} ms", median(times.clone()).as_secs_f64() * 1e3),
        "≤ 2 ms",
    );
    row("  same, 99th percentile", format!("{:.3} ms", p99(times).as_secs_f64() * 1e3), "");
    let times = frame_times(&buf, &mut filtered, &ctx, (200, 50), FRAMES, |v, b, h, i| {
        if i % 50 == 0 {
            v.scroll_to_top(b);
        }
        v.scroll_down(b, h, 1);
    });
    row(
        "frame 200x50, 100k lines, filter, scrolling (median)",
        format!("{:.3} ms", median(times).as_secs_f64() * 1e3),
        "≤ 2 ms",
    );

    // ----- one 1 MB line -----
    let mut big = filled(100);
    // No failure marker in it: the marker scan reads its whole bounded prefix.
    big.push(T0, &"0123456789abcdefghij ".repeat(50_000));
    for wrap in [false, true] {
        let mut view = LogView::new();
        view.set_search(&big, height, "ghij").expect("valid query");
        view.follow();
        if wrap {
            view.toggle_wrap();
        }
        let times = frame_times(&big, &mut view, &ctx, (200, 50), FRAMES, |_, _, _, _| {});
        row(
            &format!("frame 200x50 with a 1 MB line, search, wrap {}", if wrap { "on" } else { "off" }),
            format!("{:.3} ms", median(times).as_secs_f64() * 1e3),
            "≤ 2 ms",
        );
    }
    black_box(buf);
}
