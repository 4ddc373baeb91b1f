use super::*;

const H: usize = 5;

fn buffer(n: usize, limit: usize) -> LogBuffer {
    let mut buf = LogBuffer::with_capacity_limit(limit);
    append(&mut buf, 0..n);
    buf
}

fn append(buf: &mut LogBuffer, range: std::ops::Range<usize>) {
    buf.extend(range.map(|i| {
        let tag = if i % 10 == 3 { "ERROR" } else { "ok" };
        (i64::try_from(i).unwrap() * 1000, format!("line {i} {tag}"))
    }));
}

fn shown(view: &LogView, buf: &LogBuffer) -> Vec<usize> {
    view.visible_lines(buf, H).iter().map(|(i, _)| *i).collect()
}

#[test]
fn follows_the_newest_lines_as_they_arrive() {
    let mut buf = buffer(20, 100);
    let mut view = LogView::new();
    assert!(view.is_following());
    assert_eq!(shown(&view, &buf), [15, 16, 17, 18, 19]);
    append(&mut buf, 20..23);
    view.sync(&buf);
    assert_eq!(shown(&view, &buf), [18, 19, 20, 21, 22]);
    assert_eq!(view.new_lines(&buf), 0);
}

#[test]
fn fewer_lines_than_the_viewport_show_from_the_top() {
    let buf = buffer(3, 100);
    let mut view = LogView::new();
    assert_eq!(shown(&view, &buf), [0, 1, 2]);
    view.scroll_up(&buf, H, 1);
    assert!(view.is_following(), "nothing above, nothing to pause for");
}

#[test]
fn scrolling_up_pauses_and_holds_position_while_lines_arrive() {
    let mut buf = buffer(20, 100);
    let mut view = LogView::new();
    view.scroll_up(&buf, H, 2);
    assert!(!view.is_following());
    assert_eq!(shown(&view, &buf), [13, 14, 15, 16, 17]);
    append(&mut buf, 20..27);
    view.sync(&buf);
    assert_eq!(shown(&view, &buf), [13, 14, 15, 16, 17]);
    assert_eq!(view.new_lines(&buf), 7);
    view.follow();
    assert_eq!(shown(&view, &buf), [22, 23, 24, 25, 26]);
    assert_eq!(view.new_lines(&buf), 0);
}

#[test]
fn wheel_page_top_and_bottom() {
    let buf = buffer(50, 100);
    let mut view = LogView::new();
    view.wheel_up(&buf, H);
    assert_eq!(view.top_line(&buf, H), 45 - WHEEL_LINES);
    view.page_up(&buf, H);
    assert_eq!(view.top_line(&buf, H), 45 - WHEEL_LINES - H);
    view.scroll_to_top(&buf);
    assert_eq!(view.top_line(&buf, H), 0);
    view.scroll_up(&buf, H, 1);
    assert_eq!(view.top_line(&buf, H), 0, "cannot scroll above the oldest line");
    view.page_down(&buf, H);
    view.wheel_down(&buf, H);
    assert_eq!(view.top_line(&buf, H), H + WHEEL_LINES);
    assert!(!view.is_following());
    view.scroll_to_bottom();
    assert!(view.is_following());
    assert_eq!(view.top_line(&buf, H), 45);
}

#[test]
fn scrolling_down_to_the_newest_line_resumes_following() {
    let buf = buffer(50, 100);
    let mut view = LogView::new();
    view.scroll_up(&buf, H, 4);
    view.scroll_down(&buf, H, 3);
    assert!(!view.is_following());
    view.scroll_down(&buf, H, 1);
    assert!(view.is_following());
}

#[test]
fn pause_and_toggle_keep_the_screen_still() {
    let mut buf = buffer(30, 100);
    let mut view = LogView::new();
    let before = shown(&view, &buf);
    view.toggle_follow(&buf, H);
    assert!(!view.is_following());
    append(&mut buf, 30..40);
    assert_eq!(shown(&view, &buf), before);
    view.toggle_follow(&buf, H);
    assert_eq!(shown(&view, &buf), [35, 36, 37, 38, 39]);
}

#[test]
fn a_paused_view_moves_only_when_its_lines_are_dropped() {
    let mut buf = buffer(10, 10);
    let mut view = LogView::new();
    view.scroll_to_top(&buf);
    append(&mut buf, 10..12);
    view.sync(&buf);
    // Lines 0 and 1 are gone: the view shows the oldest stored lines.
    assert_eq!(shown(&view, &buf), [2, 3, 4, 5, 6]);
    view.scroll_down(&buf, H, 1);
    assert_eq!(shown(&view, &buf), [3, 4, 5, 6, 7]);
}

#[test]
fn search_jumps_to_the_newest_match_when_following() {
    let buf = buffer(50, 100);
    let mut view = LogView::new();
    view.set_search(&buf, H, "error").unwrap();
    assert_eq!(view.current_match(), Some(43));
    assert_eq!(view.match_count(), 5);
    assert_eq!(view.current_match_number(), Some(5));
    assert!(!view.is_following(), "a jump pauses the view");
    assert!(shown(&view, &buf).contains(&43));
}

#[test]
fn next_and_previous_wrap_around() {
    let buf = buffer(50, 100);
    let mut view = LogView::new();
    view.scroll_to_top(&buf);
    view.set_search(&buf, H, "ERROR").unwrap();
    assert_eq!(view.current_match(), Some(3));
    view.next_match(&buf, H);
    assert_eq!(view.current_match(), Some(13));
    assert!(shown(&view, &buf).contains(&13));
    view.prev_match(&buf, H);
    view.prev_match(&buf, H);
    assert_eq!(view.current_match(), Some(43), "previous from the first wraps to the last");
    view.next_match(&buf, H);
    assert_eq!(view.current_match(), Some(3), "next from the last wraps to the first");
    assert_eq!(view.current_match_number(), Some(1));
}

#[test]
fn search_is_case_insensitive_and_finds_new_lines_after_sync() {
    let mut buf = buffer(10, 100);
    let mut view = LogView::new();
    view.set_search(&buf, H, "Line 1").unwrap();
    assert_eq!(view.match_count(), 1);
    append(&mut buf, 10..13);
    view.sync(&buf);
    assert_eq!(view.match_count(), 4);
    view.next_match(&buf, H);
    assert_eq!(view.current_match(), Some(10));
}

#[test]
fn search_without_match_leaves_the_view_alone() {
    let buf = buffer(20, 100);
    let mut view = LogView::new();
    view.set_search(&buf, H, "nowhere").unwrap();
    assert_eq!(view.current_match(), None);
    assert!(view.is_following());
    view.next_match(&buf, H);
    assert_eq!(view.current_match(), None);
}

#[test]
fn filter_shows_only_matching_lines_and_grows_incrementally() {
    let mut buf = buffer(40, 100);
    let mut view = LogView::new();
    view.set_filter(&buf, H, "error").unwrap();
    assert_eq!(shown(&view, &buf), [3, 13, 23, 33]);
    append(&mut buf, 40..60);
    view.sync(&buf);
    assert_eq!(view.filtered_len(), Some(6));
    assert_eq!(shown(&view, &buf), [13, 23, 33, 43, 53]);
    view.clear_filter(&buf, H);
    assert_eq!(shown(&view, &buf), [55, 56, 57, 58, 59]);
}

#[test]
fn filter_forgets_dropped_lines() {
    let mut buf = buffer(30, 30);
    let mut view = LogView::new();
    view.set_filter(&buf, H, "error").unwrap();
    assert_eq!(view.filtered_len(), Some(3));
    append(&mut buf, 30..45);
    view.sync(&buf);
    assert_eq!(buf.first_index(), 15);
    assert_eq!(shown(&view, &buf), [23, 33, 43]);
    assert_eq!(view.filtered_len(), Some(3));
}

#[test]
fn paused_filter_counts_only_new_matching_lines() {
    let mut buf = buffer(40, 100);
    let mut view = LogView::new();
    view.set_filter(&buf, H, "error").unwrap();
    view.pause(&buf, H);
    append(&mut buf, 40..60);
    view.sync(&buf);
    assert_eq!(view.new_lines(&buf), 2);
    assert_eq!(shown(&view, &buf), [3, 13, 23, 33, 43]);
}

#[test]
fn filter_and_search_together_skip_hidden_matches() {
    let buf = buffer(50, 100);
    let mut view = LogView::new();
    view.set_filter(&buf, H, "3").unwrap();
    view.scroll_to_top(&buf);
    view.set_search(&buf, H, "line 4").unwrap();
    // "line 4", "line 40".."line 49": only 43 also contains "3".
    assert_eq!(view.current_match(), Some(43));
    view.next_match(&buf, H);
    assert_eq!(view.current_match(), Some(43));
}

#[test]
fn filter_keeps_a_paused_position() {
    let buf = buffer(100, 100);
    let mut view = LogView::new();
    view.scroll_to_top(&buf);
    view.scroll_down(&buf, H, 20);
    view.set_filter(&buf, H, "error").unwrap();
    assert_eq!(view.top_line(&buf, H), 23);
    view.clear_filter(&buf, H);
    assert_eq!(view.top_line(&buf, H), 23);
}

#[test]
fn prompt_edits_and_submits_queries() {
    let buf = buffer(50, 100);
    let mut view = LogView::new();
    view.open_prompt(PromptKind::Filter);
    for c in "errx".chars() {
        view.prompt_insert(c);
    }
    view.prompt_backspace();
    view.prompt_insert('o');
    assert_eq!(view.prompt().map(|p| p.text.as_str()), Some("erro"));
    view.prompt_submit(&buf, H).unwrap();
    assert!(view.prompt().is_none());
    assert_eq!(view.filter_query(), Some("erro"));
    view.open_prompt(PromptKind::Filter);
    assert_eq!(view.prompt().map(|p| p.text.as_str()), Some("erro"));
    view.prompt_cancel();
    assert_eq!(view.filter_query(), Some("erro"));
    view.open_prompt(PromptKind::Filter);
    for _ in 0..4 {
        view.prompt_backspace();
    }
    view.prompt_submit(&buf, H).unwrap();
    assert_eq!(view.filter_query(), None, "empty text clears");
}

#[test]
fn a_query_too_long_to_search_for_keeps_the_prompt_open_with_a_message() {
    let buf = buffer(10, 100);
    let mut view = LogView::new();
    view.open_prompt(PromptKind::Search);
    for _ in 0..300_000 {
        view.prompt_insert('x');
    }
    assert!(view.prompt_submit(&buf, H).is_err());
    let prompt = view.prompt().expect("prompt stays open");
    assert_eq!(prompt.error.as_deref(), Some("The text is too long to search for; shorten it."));
    assert_eq!(view.search_query(), None);
}

#[test]
fn regex_syntax_is_searched_for_as_typed() {
    let mut buf = LogBuffer::default();
    buf.extend([(1, "plain line"), (2, "exit (code 3)"), (3, "another")]);
    let mut view = LogView::new();
    view.set_search(&buf, H, "(code 3)").unwrap();
    assert_eq!(view.current_match(), Some(1));
}

#[test]
fn timestamps_cycle_and_format_in_the_given_zone() {
    let mut view = LogView::new();
    assert_eq!(view.timestamps(), TimestampMode::Off);
    view.cycle_timestamps();
    assert_eq!(view.timestamps(), TimestampMode::Utc);
    view.cycle_timestamps();
    assert_eq!(view.timestamps(), TimestampMode::Local);
    view.cycle_timestamps();
    assert_eq!(view.timestamps(), TimestampMode::Off);

    let ny = TimeZone::fixed(jiff::tz::offset(-5));
    // 2026-11-23 14:00:05.250 UTC
    let ts = 1_795_442_405_250;
    assert_eq!(TimestampMode::Off.format(ts, &ny), None);
    assert_eq!(TimestampMode::Utc.format(ts, &ny).as_deref(), Some("14:00:05"));
    assert_eq!(TimestampMode::Local.format(ts, &ny).as_deref(), Some("09:00:05"));
    assert_eq!(TimestampMode::Utc.width(), 8);
}

#[test]
fn wrap_toggles() {
    let mut view = LogView::new();
    assert!(!view.wrap());
    view.toggle_wrap();
    assert!(view.wrap());
}

#[test]
fn a_cleared_buffer_resets_search_and_filter() {
    let mut buf = buffer(30, 100);
    let mut view = LogView::new();
    view.set_filter(&buf, H, "line").unwrap();
    view.set_search(&buf, H, "error").unwrap();
    buf.clear();
    view.sync(&buf);
    assert_eq!(view.filtered_len(), Some(0));
    assert_eq!(view.match_count(), 0);
    assert_eq!(view.current_match(), None);
    assert_eq!(view.new_lines(&buf), 0);
    assert!(shown(&view, &buf).is_empty());
    append(&mut buf, 30..34);
    view.sync(&buf);
    assert_eq!(shown(&view, &buf), [30, 31, 32, 33]);
}

mod incremental {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Step {
        /// Append these words as lines, then maybe sync.
        Push(Vec<u8>, bool),
        Clear,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            8 => (proptest::collection::vec(0u8..6, 0..30), any::<bool>())
                .prop_map(|(w, s)| Step::Push(w, s)),
            1 => Just(Step::Clear),
        ]
    }

    const WORDS: [&str; 6] = ["alpha", "ERROR beta", "gamma", "error", "delta", "Errors"];

    proptest! {
        /// The incrementally kept filter and search always agree with a full rescan.
        #[test]
        fn indices_match_a_full_rescan(
            limit in 1usize..40,
            steps in proptest::collection::vec(step(), 1..20),
        ) {
            let mut buf = LogBuffer::with_capacity_limit(limit);
            let mut view = LogView::new();
            view.set_filter(&buf, H, "error").unwrap();
            view.set_search(&buf, H, "ERRORS").unwrap();
            for s in steps {
                match s {
                    Step::Push(words, sync) => {
                        buf.extend(words.iter().map(|&w| (0, WORDS[usize::from(w)])));
                        if sync {
                            view.sync(&buf);
                        }
                    }
                    Step::Clear => buf.clear(),
                }
            }
            view.sync(&buf);
            let expect: Vec<usize> = buf
                .iter()
                .filter(|(_, l)| l.text.to_lowercase().contains("error"))
                .map(|(i, _)| i)
                .collect();
            let height = buf.len().max(1);
            let got: Vec<usize> =
                view.visible_lines(&buf, height).iter().map(|(i, _)| *i).collect();
            prop_assert_eq!(&got, &expect);
            let searched = buf.iter().filter(|(_, l)| &*l.text == "Errors").count();
            prop_assert_eq!(view.match_count(), searched);
        }
    }
}
