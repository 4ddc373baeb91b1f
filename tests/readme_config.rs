//! The README's configuration tables name every key the config file accepts, and only those.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop the test

use std::collections::BTreeSet;

use baseline_core::config::FileConfig;

/// The keys the file accepts in the table opened by `header` (`""` for the top level), read
/// from the parser's own answer to an unknown key: "unknown field `…`, expected one of `a`, `b`".
fn accepted(header: &str) -> BTreeSet<String> {
    let text = format!("{header}\nnot_a_key_of_any_table = 1\n");
    let err = toml::from_str::<FileConfig>(&text).map(|_| ()).expect_err("an unknown key is refused");
    let message = err.message().to_owned();
    let (_, expected) = message.split_once("expected ").unwrap_or_else(|| panic!("{message}"));
    expected.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The rows of the README table whose header row starts with `| {first} |`.
fn table_rows(readme: &str, first: &str) -> Vec<Vec<String>> {
    let mut lines = readme.lines().skip_while(|l| !l.starts_with(&format!("| {first} |")));
    lines.next().unwrap_or_else(|| panic!("no table starting with `{first}` in the README"));
    lines
        .skip(1) // |---|---|
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim().trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect())
        .collect()
}

/// The backquoted words of a cell: `` `dev.ssh_user`, `dev.ssh_key` `` → both.
fn quoted(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn the_configuration_table_lists_every_file_key() {
    let readme = readme();
    let documented: BTreeSet<String> =
        table_rows(&readme, "setting").iter().flat_map(|row| quoted(&row[2])).collect();
    let mut keys = BTreeSet::new();
    for section in accepted("") {
        // `[keys]` is a map of command names (its own paragraph), `[boxes.NAME]` its own table.
        if section == "keys" || section == "boxes" {
            continue;
        }
        for key in accepted(&format!("[{section}]")) {
            keys.insert(format!("{section}.{key}"));
        }
    }
    assert!(keys.len() > 20, "the parser named the keys: {keys:?}");
    let missing: Vec<_> = keys.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&keys).collect();
    assert!(missing.is_empty(), "keys the README's table lacks: {missing:?}");
    assert!(unknown.is_empty(), "keys the README names that the file refuses: {unknown:?}");
}

#[test]
fn the_box_table_lists_every_box_key() {
    let readme = readme();
    let documented: BTreeSet<String> =
        table_rows(&readme, "box key").iter().flat_map(|row| quoted(&row[0])).collect();
    assert_eq!(documented, accepted("[boxes.flu]"));
    assert!(readme.contains("[keys]"), "the key bindings' table is described");
}
