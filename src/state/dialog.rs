//! Confirmation dialogs: what will happen, and a choice that defaults to No.

pub use crate::action::Intent;
use crate::state::Level;

/// One button of a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Button text.
    pub label: String,
    /// What it does; `None` cancels.
    pub intent: Option<Intent>,
}

impl Choice {
    /// The cancel button.
    pub fn cancel(label: &str) -> Self {
        Choice { label: label.into(), intent: None }
    }

    /// A button that does `intent`.
    pub fn doing(label: &str, intent: Intent) -> Self {
        Choice { label: label.into(), intent: Some(intent) }
    }
}

/// A modal question over the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    /// Title in the border.
    pub title: String,
    /// Body lines, each with its emphasis.
    pub lines: Vec<(Level, String)>,
    /// Buttons; the first is the default and cancels.
    pub choices: Vec<Choice>,
    /// The highlighted button.
    pub selected: usize,
    /// An editable text (cursor at the end), when the dialog asks for one.
    pub input: Option<String>,
}

impl Dialog {
    /// A dialog whose highlighted default is the first (cancelling) choice.
    pub fn new(title: impl Into<String>, lines: Vec<(Level, String)>, choices: Vec<Choice>) -> Self {
        Dialog { title: title.into(), lines, choices, selected: 0, input: None }
    }

    /// The same dialog with an editable text, prefilled with `text`.
    #[must_use]
    pub fn with_input(mut self, text: impl Into<String>) -> Self {
        self.input = Some(text.into());
        self
    }

    /// Types `c` at the end of the text, if the dialog has one.
    pub fn type_char(&mut self, c: char) {
        if let Some(t) = self.input.as_mut() {
            t.push(c);
        }
    }

    /// Deletes the last character of the text, if the dialog has one.
    pub fn backspace(&mut self) {
        if let Some(t) = self.input.as_mut() {
            t.pop();
        }
    }

    /// Moves the highlight by `delta`, wrapping.
    pub fn step(&mut self, delta: isize) {
        let n = self.choices.len();
        if n > 0 {
            let k = delta.unsigned_abs() % n;
            self.selected = if delta >= 0 { (self.selected + k) % n } else { (self.selected + n - k) % n };
        }
    }

    /// The intent of the choice at `index` (the highlighted one when `None`).
    pub fn pick(&self, index: Option<usize>) -> Option<Intent> {
        self.choices.get(index.unwrap_or(self.selected)).and_then(|c| c.intent.clone())
    }

    /// Index of the only choice that does something, for the `y` key.
    pub fn only_yes(&self) -> Option<usize> {
        let mut doing = self.choices.iter().enumerate().filter(|(_, c)| c.intent.is_some());
        match (doing.next(), doing.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }
}
