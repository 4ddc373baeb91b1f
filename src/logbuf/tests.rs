use super::*;

fn texts(buf: &LogBuffer) -> Vec<String> {
    buf.iter().map(|(_, l)| l.text.to_string()).collect()
}

fn numbered(n: usize) -> LogBuffer {
    let mut buf = LogBuffer::with_capacity_limit(n);
    buf.extend((0..n).map(|i| (i64::try_from(i).unwrap(), format!("line {i}"))));
    buf
}

#[test]
fn keeps_at_most_the_limit_and_counts_drops() {
    let mut buf = LogBuffer::with_capacity_limit(3);
    for i in 0..5 {
        buf.push(i, &format!("m{i}"));
    }
    assert_eq!(buf.len(), 3);
    assert_eq!(buf.dropped(), 2);
    assert_eq!(buf.first_index(), 2);
    assert_eq!(buf.end_index(), 5);
    assert_eq!(texts(&buf), ["m2", "m3", "m4"]);
}

#[test]
fn absolute_indices_survive_drops() {
    let mut buf = LogBuffer::with_capacity_limit(4);
    buf.extend((0..4).map(|i| (i, format!("m{i}"))));
    assert_eq!(buf.get(1).map(|l| &*l.text), Some("m1"));
    buf.extend((4..6).map(|i| (i, format!("m{i}"))));
    assert_eq!(buf.get(1), None, "a dropped index names no line");
    assert_eq!(buf.get(2).map(|l| &*l.text), Some("m2"));
    assert_eq!(buf.get(5).map(|l| l.ts_ms), Some(5));
    assert_eq!(buf.get(6), None);
    let idx: Vec<usize> = buf.iter_range(0..100).map(|(i, _)| i).collect();
    assert_eq!(idx, [2, 3, 4, 5]);
    let idx: Vec<usize> = buf.iter_range(3..5).map(|(i, _)| i).collect();
    assert_eq!(idx, [3, 4]);
}

#[test]
fn zero_limit_still_keeps_one_line() {
    let mut buf = LogBuffer::with_capacity_limit(0);
    buf.push(1, "a");
    buf.push(2, "b");
    assert_eq!(texts(&buf), ["b"]);
    assert_eq!(buf.dropped(), 1);
}

#[test]
fn splits_multi_line_messages_with_one_timestamp() {
    let mut buf = LogBuffer::default();
    assert_eq!(buf.push(42, "first\r\nsecond\n\nfourth\n"), 4);
    assert_eq!(texts(&buf), ["first", "second", "", "fourth"]);
    assert!(buf.iter().all(|(_, l)| l.ts_ms == 42));
    assert_eq!(buf.push(43, ""), 1, "an empty message is one empty line");
    assert_eq!(buf.push(44, "\n"), 1);
    assert_eq!(buf.len(), 6);
}

#[test]
fn a_message_longer_than_the_buffer_keeps_its_tail() {
    let mut buf = LogBuffer::with_capacity_limit(2);
    buf.push(1, "a\nb\nc");
    assert_eq!(texts(&buf), ["b", "c"]);
    assert_eq!(buf.dropped(), 1);
}

#[test]
fn cleans_control_characters_on_ingest() {
    let mut buf = LogBuffer::default();
    buf.push(1, "\u{1b}[31mError\u{1b}[0m\tin step");
    assert_eq!(buf.get(0).map(|l| &*l.text), Some("Error   in step"));
}

#[test]
fn stores_a_one_megabyte_line_whole() {
    let mut buf = LogBuffer::default();
    let long = "x".repeat(1 << 20);
    buf.push(1, &long);
    assert_eq!(buf.get(0).map(|l| l.text.len()), Some(1 << 20));
}

#[test]
fn clear_keeps_indices_increasing() {
    let mut buf = LogBuffer::with_capacity_limit(2);
    buf.extend([(1, "a"), (2, "b"), (3, "c")]);
    buf.clear();
    assert!(buf.is_empty());
    assert_eq!(buf.dropped(), 0);
    assert_eq!(buf.first_index(), 3);
    buf.push(4, "d");
    assert_eq!(buf.get(3).map(|l| &*l.text), Some("d"));
    assert_eq!(buf.get(0), None);
}

#[test]
fn find_next_is_case_insensitive_plain_text() {
    let mut buf = LogBuffer::default();
    buf.extend([(1, "starting"), (2, "ERROR: a.b failed"), (3, "fine"), (4, "error again")]);
    assert_eq!(buf.find_next("Error", 0, true), Some(1));
    assert_eq!(buf.find_next("error", 2, true), Some(3));
    assert_eq!(buf.find_next("a.b", 0, true), Some(1), "dot is literal");
    assert_eq!(buf.find_next("a?b", 0, true), None, "no regex syntax");
    assert_eq!(buf.find_next("nowhere", 0, true), None);
}

#[test]
fn find_next_wraps_around_both_ways() {
    let mut buf = LogBuffer::default();
    buf.extend([(1, "hit"), (2, "miss"), (3, "hit"), (4, "miss")]);
    assert_eq!(buf.find_next("hit", 3, true), Some(0), "forward wraps to the oldest");
    assert_eq!(buf.find_next("hit", 1, false), Some(0));
    assert_eq!(buf.find_next("hit", 0, false), Some(0), "the start line counts");
    assert_eq!(buf.find_next("hit", usize::MAX, false), Some(2));
    assert_eq!(buf.find_next("hit", 99, true), Some(0));
}

#[test]
fn find_next_after_drops_uses_absolute_indices() {
    let mut buf = numbered(10);
    buf.extend((10..15).map(|i| (i64::from(i), format!("line {i}"))));
    assert_eq!(buf.first_index(), 5);
    assert_eq!(buf.find_next("line 7", 0, true), Some(7));
    assert_eq!(buf.find_next("line 3", 0, true), None, "dropped lines are not searched");
    // Backward from before the oldest line wraps to the newest.
    assert_eq!(buf.find_next("line 1", 2, false), Some(14));
}

#[test]
fn matcher_finds_plain_text_case_insensitively() {
    let m = Matcher::new("fail(ed)").unwrap();
    let ranges: Vec<_> = m.find_ranges("FAIL(ED) then failed then fail(ed)").collect();
    assert_eq!(ranges, [0..8, 26..34]);
    assert!(Matcher::new("(").is_ok());
}
