use proptest::prelude::*;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::*;

fn text(lines: &[Line]) -> Vec<String> {
    lines.iter().map(ToString::to_string).collect()
}

#[test]
fn a_text_that_fits_is_left_alone() {
    assert_eq!(middle("backup.json", 11), "backup.json");
    assert!(matches!(middle("backup.json", 40), Cow::Borrowed(_)));
}

#[test]
fn a_long_text_keeps_its_start_and_its_end() {
    let path = "saved to /home/ana/.local/state/baseline-panel/backups/user-data-2026-11-23.txt";
    let cut = middle(path, 30);
    assert_eq!(cut, "saved to /home/ana/.…11-23.txt");
    assert_eq!(width(&cut), 30);
    assert_eq!(middle("abcdef", 1), "…");
    assert_eq!(middle("abcdef", 0), "");
    assert_eq!(middle("abcdef", 4), "ab…f");
}

#[test]
fn wide_characters_count_two_columns() {
    // Eight columns of text in four characters.
    assert_eq!(width("日本語版"), 8);
    let cut = middle("日本語版", 5);
    assert!(width(&cut) <= 5, "{cut}");
    assert!(cut.starts_with('日') && cut.ends_with('版'), "{cut}");
    let cut = middle("a日本語版b", 6);
    assert_eq!(cut, "a日…b");
}

#[test]
fn a_combining_mark_does_not_start_the_tail() {
    let cut = middle("e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}", 4);
    assert!(!cut.contains("…\u{301}"), "{cut:?}");
}

#[test]
fn styles_stay_with_their_text() {
    let red = Style::new().fg(Color::Red);
    let l = Line::from(vec![Span::raw("State    "), Span::styled("● running · up 1h12m", red)]);
    let cut = line(&l, 16);
    assert_eq!(cut.to_string(), "State    ●…1h12m");
    assert_eq!(cut.spans.last().map(|s| s.style), Some(red));
    assert_eq!(cut.spans[0].style, Style::new());
}

#[test]
fn wrapping_breaks_at_spaces_and_indents_under_the_label() {
    let l = Line::raw("Dev mode ON — script line 21 commented out (d to restore)");
    assert_eq!(
        text(&wrap(&l, 30, 9, 5)),
        ["Dev mode ON — script line 21", "         commented out (d to", "         restore)"]
    );
    // Two rows only: the second holds the rest, shortened in the middle.
    assert_eq!(text(&wrap(&l, 30, 9, 2)), ["Dev mode ON — script line 21", "         commented out …store)"]);
    assert_eq!(text(&wrap(&l, 30, 9, 1)), ["Dev mode ON — script… restore)"]);
}

#[test]
fn a_word_longer_than_a_row_is_broken() {
    let l = Line::raw("ssh ec2-user@ec2-54-210-17-3.compute-1.amazonaws.com");
    let rows = text(&wrap(&l, 20, 0, 9));
    assert_eq!(rows, ["ssh", "ec2-user@ec2-54-210-", "17-3.compute-1.amazo", "naws.com"]);
}

#[test]
fn place_serves_the_important_lines_first_in_their_order() {
    let items = [
        Item::row(Rank::Mid, "baseline model  i-0db5237193478dd8d"),
        Item::row(Rank::Must, "State    ● running"),
        Item::row(Rank::Detail, "Public   ec2-54-210-17-3.compute-1.amazonaws.com"),
        Item::wrapped(Rank::Must, "Dev mode ON — script line 21 commented out (d to restore)", 3).indent(9),
        Item::wrapped(Rank::High, "SSH      ssh ec2-user@54.210.17.3  (c copies)", 2).indent(9),
    ];
    assert_eq!(
        text(&place(&items, 40, 4)),
        [
            "State    ● running",
            "Dev mode ON — script line 21 commented",
            "         out (d to restore)",
            "SSH      ssh ec2-user@54.2…3  (c copies)"
        ]
    );
    let all = text(&place(&items, 40, 9));
    assert_eq!(all.len(), 7, "{all:?}");
    assert!(all[0].starts_with("baseline model"), "{all:?}");
    assert!(all[2].starts_with("Public   ec2-54-210-"), "{all:?}");
    assert!(place(&items, 40, 0).is_empty());
}

#[test]
fn fields_drop_the_least_important_first() {
    let f = |r, s: &'static str| (r, vec![Span::raw(s)]);
    let fs = || {
        vec![
            f(Rank::Low, " baseline-panel "),
            f(Rank::Must, " AWS "),
            f(Rank::Mid, "  profile lab"),
            f(Rank::High, "  endpoint http://127.0.0.1:5000"),
        ]
    };
    assert_eq!(
        fields(fs(), 80).to_string(),
        " baseline-panel  AWS   profile lab  endpoint http://127.0.0.1:5000"
    );
    assert_eq!(fields(fs(), 50).to_string(), " AWS   profile lab  endpoint http://127.0.0.1:5000");
    assert_eq!(fields(fs(), 40).to_string(), " AWS   endpoint http://127.0.0.1:5000");
    assert_eq!(fields(fs(), 20).to_string(), " AWS ");
}

#[test]
fn the_border_keeps_the_name_whole() {
    let lefts = [" Scheduler log (l: next source · h: run history) ", " Scheduler log "];
    let err =
        " error: log group `/aws/lambda/start-baseline-instance` does not exist; set `schedule.lambda` ";
    let (l, r) = border(60, &lefts, " live ");
    assert_eq!((l, r.as_ref()), (lefts[0], " live "));
    let (l, r) = border(78, &lefts, err);
    assert_eq!(l, " Scheduler log ");
    assert!(r.starts_with(" error: log group") && r.ends_with("`schedule.lambda` "), "{r}");
    assert_eq!(width(l) + 1 + width(&r), 78);
    let (l, r) = border(20, &lefts, err);
    assert_eq!((l, r.as_ref()), (" Scheduler log ", ""));
}

proptest! {
    #[test]
    fn a_shortened_text_fits_and_keeps_both_ends(s in "\\PC{0,80}", room in 0usize..60) {
        let cut = middle(&s, room);
        prop_assert!(width(&cut) <= room.max(width(&s).min(room)), "{cut:?} in {room}");
        if width(&s) > room && room >= 3 {
            let first = s.chars().next().unwrap();
            if char_width(first) == 1 {
                prop_assert!(cut.starts_with(first), "{cut:?}");
            }
            prop_assert!(cut.contains(ELLIPSIS));
        }
    }

    #[test]
    fn placed_rows_fit_the_room(words in proptest::collection::vec("[a-z日]{1,12}", 0..40), room in 2usize..50, height in 0usize..12) {
        let long = words.join(" ");
        let items = [
            Item::wrapped(Rank::Must, long.clone(), 4).indent(3),
            Item::row(Rank::Low, long.clone()),
            Item::wrapped(Rank::High, long, 99),
        ];
        let rows = place(&items, room, height);
        prop_assert!(rows.len() <= height);
        for r in &rows {
            prop_assert!(r.width() <= room, "{r} wider than {room}");
        }
    }
}
