//! The terminal's input as the loop reads it, which the panel lets go of while a shell on the
//! box runs in the terminal: no key meant for the shell is read by the panel, and a Ctrl-C
//! that reached the shell's process group does not quit the panel afterwards.

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_util::{Stream, StreamExt};

use super::Input;

type Events = Box<dyn Stream<Item = Input> + Unpin>;

#[derive(Default)]
struct Inner {
    /// The events, while the panel holds the terminal.
    events: Option<Events>,
    /// The loop waiting while there are none.
    waker: Option<Waker>,
}

/// The loop's side: a stream of the terminal's input, quiet while let go of.
pub struct Held {
    inner: Rc<RefCell<Inner>>,
}

/// The side that lets go of the input and takes it back (on the loop's thread, between two
/// reads of the stream).
#[derive(Clone)]
pub struct Grip {
    inner: Rc<RefCell<Inner>>,
    open: fn() -> io::Result<Events>,
}

/// The input `open` makes (the terminal's events and signals), held until let go of.
pub fn held(open: fn() -> io::Result<Events>) -> io::Result<(Held, Grip)> {
    let inner = Rc::new(RefCell::new(Inner { events: Some(open()?), waker: None }));
    Ok((Held { inner: inner.clone() }, Grip { inner, open }))
}

impl Grip {
    /// Stops reading the terminal: the events (and the signal listeners) are dropped.
    pub fn let_go(&self) {
        self.inner.borrow_mut().events = None;
    }

    /// Reads the terminal again, with fresh listeners (what arrived meanwhile was the shell's).
    pub fn take_back(&self) -> io::Result<()> {
        let events = (self.open)()?;
        let mut inner = self.inner.borrow_mut();
        inner.events = Some(events);
        if let Some(w) = inner.waker.take() {
            w.wake();
        }
        Ok(())
    }
}

impl Stream for Held {
    type Item = Input;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Input>> {
        let mut inner = self.inner.borrow_mut();
        if let Some(events) = inner.events.as_mut() {
            return events.poll_next_unpin(cx);
        }
        inner.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    #[tokio::test]
    async fn let_go_of_the_input_is_quiet_until_taken_back_fresh() {
        let three = || Ok(Box::new(stream::iter([Input::Quit, Input::Quit, Input::Quit])) as Events);
        let (mut held, grip) = held(three).unwrap();
        assert!(matches!(held.next().await, Some(Input::Quit)));
        grip.let_go();
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(50), held.next()).await;
        assert!(quiet.is_err(), "nothing is read while let go of");
        grip.take_back().unwrap();
        let mut n = 0;
        while let Some(Input::Quit) = held.next().await {
            n += 1;
        }
        assert_eq!(n, 3, "a fresh input, not the rest of the old one");
    }
}
