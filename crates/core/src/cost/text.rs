//! The cost figures in words, as the panel and `status` show them.

use jiff::Timestamp;

use super::bill::{Month, Sum, last_30_days};
use super::json::entry_cost;
use super::{Hourly, Prices, Unknown, usd};
use crate::run::{Entry, Timeline};

/// `$0.0832/h t3.large (AWS Price List, cached)`.
pub fn price_text(h: &Hourly) -> String {
    let note = h.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default();
    format!("${}/h {} ({}{note})", trim_price(h.now()), h.instance_type, h.from.label())
}

/// A unit price with its significant digits: `0.0832`, `1.5`, `0.1`.
fn trim_price(p: f64) -> String {
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0');
    let decimals = s.split_once('.').map_or(0, |(_, d)| d.len());
    format!("{s}{}", "0".repeat(2usize.saturating_sub(decimals)))
}

/// What a boot cost: `this run so far $0.84` while it is up, `cost $1.23` once ended.
pub fn boot_text(e: &Entry, prices: &Prices, now: Timestamp) -> Result<String, Unknown> {
    let c = entry_cost(e, prices, now)?;
    Ok(if e.current && e.outcome.is_live() {
        let what = if e.kind == crate::run::Kind::Run { "this run" } else { "this dev session" };
        format!("{what} so far {}", usd(c))
    } else {
        format!("cost {}", usd(c))
    })
}

fn sum_text(s: &Result<Sum, Unknown>) -> String {
    match s {
        Ok(s) if s.left_out > 0 => format!("{} (+{} of unknown length)", usd(s.usd), s.left_out),
        Ok(s) => usd(s.usd),
        Err(_) => "?".into(),
    }
}

/// `runs $8.00 · dev sessions $1.20 · storage $3.10 = $12.30`; a `?` for a part not known.
pub fn month_text(m: &Month) -> String {
    let storage = m.storage.as_ref().map_or_else(|_| "?".into(), |s| usd(*s));
    let total = m.total().map(|t| format!(" = {}", usd(t))).unwrap_or_default();
    format!(
        "runs {} · dev sessions {} · storage {storage}{total}",
        sum_text(&m.runs),
        sum_text(&m.dev_sessions)
    )
}

/// Why parts of the 30 days are unknown, if any are.
pub fn month_reason(m: &Month) -> Option<String> {
    let mut why: Vec<&str> = Vec::new();
    if let Err(e) = &m.runs {
        why.push(e);
    }
    if let Err(e) = &m.storage {
        why.push(e);
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// The rows `status` prints: the price, the last run's (or the going run's) cost, and the last
/// 30 days.
pub fn lines(p: &Prices, t: &Timeline, now: Timestamp) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    out.push(("price", p.hourly.as_ref().map_or_else(|e| format!("unknown: {e}"), price_text)));
    if let Some(r) = t.last_run() {
        out.push(("run cost", boot_text(r, p, now).unwrap_or_else(|e| format!("unknown: {e}"))));
    }
    let m = last_30_days(&t.entries, p, now);
    out.push(("30 days", month_text(&m)));
    if let Some(why) = month_reason(&m) {
        out.push(("", format!("unknown: {why}")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::PriceFrom;

    #[test]
    fn prices_keep_their_significant_digits() {
        assert_eq!(trim_price(0.0832), "0.0832");
        assert_eq!(trim_price(1.5), "1.50");
        assert_eq!(trim_price(2.0), "2.00");
        assert_eq!(
            price_text(&Hourly::flat("t3.large", 0.0832, PriceFrom::Cache)),
            "$0.0832/h t3.large (AWS Price List, cached)"
        );
    }
}
