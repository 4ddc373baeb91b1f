//! A `FilterLogEvents` answer the SDK could not decode, read leniently: one event with a bad
//! string (a lone `\ud800` escape, bytes that are not UTF-8) must not hide all the others.
//!
//! When the SDK fails to parse a successful answer, its error still carries the raw HTTP
//! response, whose body is in memory. This module parses that body with a small JSON reader
//! that repairs bad strings (each bad part becomes U+FFFD) and marks the events it had to
//! repair, so they are shown as a visible placeholder instead of being silently altered.

use aws_sdk_cloudwatchlogs::config::http::HttpResponse;
use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};

use super::{LogEvent, Page};

/// What a repaired event's line starts with: the rest is its text with the bad parts as `�`.
pub const PLACEHOLDER: &str = "[undecodable log event: bad characters shown as �]";

/// The page in a `FilterLogEvents` answer that the SDK received (HTTP 2xx) but could not parse,
/// and how many events had to be repaired; `None` when there is no such answer or it is
/// beyond repair.
pub fn recover<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<(Page, usize)> {
    if !matches!(err, SdkError::ServiceError(_) | SdkError::ResponseError(_)) || err.code().is_some() {
        return None;
    }
    let raw = err.raw_response()?;
    if !raw.status().is_success() {
        return None;
    }
    parse_page(raw.body().bytes()?)
}

/// Reads a `FilterLogEvents` JSON body leniently; see the module documentation.
pub fn parse_page(body: &[u8]) -> Option<(Page, usize)> {
    let mut p = Reader { b: body, i: 0 };
    let doc = p.value()?;
    let Json::Obj(fields) = doc else { return None };
    let mut page = Page::default();
    let mut repaired = 0;
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("events", Json::Arr(items)) => {
                for item in items {
                    let (event, bad) = event(item)?;
                    repaired += usize::from(bad);
                    page.events.push(event);
                }
            }
            // A repaired token would only be refused: stop paging instead.
            ("nextToken", Json::Str(t)) if !t.repaired => page.next_token = Some(t.text),
            _ => {}
        }
    }
    Some((page, repaired))
}

/// One event, and whether any of its strings had to be repaired.
fn event(item: Json) -> Option<(LogEvent, bool)> {
    let Json::Obj(fields) = item else { return None };
    let mut e = LogEvent { ts_ms: 0, ingest_ms: None, message: String::new(), id: None, stream: None };
    let mut bad = false;
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("timestamp", Json::Num(n)) => e.ts_ms = n.parse().ok()?,
            ("ingestionTime", Json::Num(n)) => e.ingest_ms = n.parse().ok(),
            ("message", Json::Str(t)) => {
                bad |= t.repaired;
                e.message = t.text;
            }
            ("eventId", Json::Str(t)) => {
                bad |= t.repaired;
                e.id = Some(t.text);
            }
            ("logStreamName", Json::Str(t)) => {
                bad |= t.repaired;
                e.stream = Some(t.text);
            }
            _ => {}
        }
    }
    if bad {
        e.message = format!("{PLACEHOLDER} {}", e.message);
    }
    Some((e, bad))
}

/// A string, and whether it had to be repaired.
#[derive(Debug)]
struct Text {
    text: String,
    repaired: bool,
}

/// A JSON value; numbers keep their text.
#[derive(Debug)]
enum Json {
    Null,
    Bool,
    Num(String),
    Str(Text),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// A JSON reader over bytes that repairs bad strings instead of failing on them.
struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn value(&mut self) -> Option<Json> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(Json::Str),
            b't' | b'f' | b'n' => self.literal(),
            _ => self.number(),
        }
    }

    fn object(&mut self) -> Option<Json> {
        self.eat(b'{')?;
        let mut fields = Vec::new();
        if self.eat(b'}').is_some() {
            return Some(Json::Obj(fields));
        }
        loop {
            let key = self.string()?.text;
            self.eat(b':')?;
            fields.push((key, self.value()?));
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(Json::Obj(fields));
            }
        }
    }

    fn array(&mut self) -> Option<Json> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        if self.eat(b']').is_some() {
            return Some(Json::Arr(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(Json::Arr(items));
            }
        }
    }

    fn literal(&mut self) -> Option<Json> {
        for (word, value) in [("true", Json::Bool), ("false", Json::Bool), ("null", Json::Null)] {
            if self.b[self.i..].starts_with(word.as_bytes()) {
                self.i += word.len();
                return Some(value);
            }
        }
        None
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.i;
        while self.b.get(self.i).is_some_and(|c| c.is_ascii_digit() || b"+-.eE".contains(c)) {
            self.i += 1;
        }
        (self.i > start).then(|| Json::Num(String::from_utf8_lossy(&self.b[start..self.i]).into_owned()))
    }

    /// Four hex digits after `\u`, as a UTF-16 code unit.
    fn hex4(&mut self) -> Option<u16> {
        let digits = std::str::from_utf8(self.b.get(self.i..self.i + 4)?).ok()?;
        let unit = u16::from_str_radix(digits, 16).ok()?;
        self.i += 4;
        Some(unit)
    }

    fn string(&mut self) -> Option<Text> {
        self.eat(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        let mut repaired = false;
        let push = |out: &mut Vec<u8>, c: char| out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    let plain = match e {
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        b'/' => Some('/'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        _ => None,
                    };
                    let decoded = match (plain, e) {
                        (Some(ch), _) => Some(ch),
                        (None, b'u') => match self.hex4() {
                            Some(high @ 0xD800..=0xDBFF) => {
                                let rest = &self.b[self.i..];
                                let low = rest.starts_with(b"\\u").then(|| {
                                    let save = self.i;
                                    self.i += 2;
                                    let low = self.hex4().filter(|l| (0xDC00..=0xDFFF).contains(l));
                                    if low.is_none() {
                                        self.i = save;
                                    }
                                    low
                                });
                                low.flatten().and_then(|low| {
                                    char::from_u32(
                                        0x10000
                                            + ((u32::from(high) - 0xD800) << 10)
                                            + (u32::from(low) - 0xDC00),
                                    )
                                })
                            }
                            Some(unit) => char::from_u32(u32::from(unit)),
                            None => None,
                        },
                        _ => None,
                    };
                    if let Some(ch) = decoded {
                        push(&mut out, ch);
                    } else {
                        repaired = true;
                        push(&mut out, char::REPLACEMENT_CHARACTER);
                    }
                }
                c => out.push(c),
            }
        }
        let text = match String::from_utf8(out) {
            Ok(s) => s,
            Err(e) => {
                repaired = true;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        Some(Text { text, repaired })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(messages: &[&[u8]]) -> Vec<u8> {
        let mut b = b"{\"events\": [".to_vec();
        for (n, m) in messages.iter().enumerate() {
            if n > 0 {
                b.extend_from_slice(b", ");
            }
            b.extend_from_slice(
                format!(
                    "{{\"logStreamName\": \"i-1\", \"timestamp\": {}, \"message\": \"",
                    1_700_000_000_000i64 + i64::try_from(n).unwrap()
                )
                .as_bytes(),
            );
            b.extend_from_slice(m);
            b.extend_from_slice(
                format!("\", \"ingestionTime\": 1700000000999, \"eventId\": \"e{n}\"}}").as_bytes(),
            );
        }
        b.extend_from_slice(b"], \"searchedLogStreams\": [], \"nextToken\": \"tok/1\"}");
        b
    }

    #[test]
    fn good_events_come_through_unchanged_and_bad_ones_as_placeholders() {
        let (page, repaired) = parse_page(&body(&[
            b"fitting US",
            b"bad \\ud800 escape",
            b"raw \xff\xfe bytes",
            b"pair \\ud83d\\ude00 ok, quote \\\" tab \\t",
            b"lone low \\udc00",
        ]))
        .unwrap();
        assert_eq!(repaired, 3);
        let m: Vec<&str> = page.events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            m,
            [
                "fitting US".to_string(),
                format!("{PLACEHOLDER} bad � escape"),
                format!("{PLACEHOLDER} raw �� bytes"),
                "pair 😀 ok, quote \" tab \t".to_string(),
                format!("{PLACEHOLDER} lone low �"),
            ]
        );
        assert_eq!(page.events[1].ts_ms, 1_700_000_000_001);
        assert_eq!(page.events[1].ingest_ms, Some(1_700_000_000_999));
        assert_eq!(page.events[1].id.as_deref(), Some("e1"));
        assert_eq!(page.events[1].stream.as_deref(), Some("i-1"));
        assert_eq!(page.next_token.as_deref(), Some("tok/1"));
    }

    #[test]
    fn what_strict_readers_reject_is_what_gets_repaired() {
        for bad in [&b"x \\ud800 y"[..], b"\xff"] {
            let b = body(&[b"ok", bad]);
            assert!(
                serde_json::from_slice::<serde_json::Value>(&b).is_err(),
                "{}",
                String::from_utf8_lossy(&b)
            );
            assert_eq!(parse_page(&b).unwrap().1, 1);
        }
    }

    #[test]
    fn broken_structure_is_beyond_repair() {
        assert!(parse_page(b"{\"events\": [{\"timestamp\": 1, \"message\": \"cut").is_none());
        assert!(parse_page(b"<html>gateway timeout</html>").is_none());
        assert!(parse_page(b"[1, 2]").is_none());
    }
}
