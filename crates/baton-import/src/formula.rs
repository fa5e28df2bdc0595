//! Spreadsheet formula injection: neutralising text cells on export, and undoing it on import.
//!
//! A CSV cell that starts with `=`, `+`, `-` or `@` is run as a formula by Excel, LibreOffice and
//! Google Sheets when the file is opened, so a contact named `=HYPERLINK("http://evil",…)` would
//! become a live link or worse (OWASP, "CSV Injection":
//! <https://owasp.org/www-community/attacks/CSV_Injection>). A leading tab or carriage return
//! can hide such a cell from a naive check, so cells starting with those are treated alike.
//! Baton's exports put a `'` before such text, which spreadsheets show as plain text. Values
//! that are plain numbers (`-12.50`, `+3`) are left alone: they are numbers, not formulas.
//!
//! [`restore`] is the inverse the Salesforce reader applies, so that an export imported again
//! gives back the original text: a `'` followed by one of those characters is dropped. (A text
//! that itself starts with `'=` is exported as `''=`, and comes back intact: one quote is
//! added, and dropped, whenever the quotes lead to a formula character.)

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text as it is safe to put in a CSV cell: a `'` before text that would start a formula.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let rest = text.trim_start_matches('\'');
    let quoted = rest.len() < text.len();
    // Text already starting with quotes before a formula character gets one more, so that
    // `restore` gives back exactly this text.
    if rest.starts_with(TRIGGERS) && (quoted || !is_number(text)) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a neutralised cell stood for: one leading `'` is dropped when what follows the
/// leading quotes is a formula character.
pub fn restore(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(TRIGGERS) => rest,
        _ => text,
    }
}

/// Whether the text is a plain decimal number such as `-12.50` or `+3`.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty()
        && all_digits(whole)
        && fraction.is_none_or(|f| !f.is_empty() && all_digits(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_that_would_start_a_formula_gets_a_leading_quote() {
        for text in ["=1+2", "+cmd", "-x", "@SUM(A1)", "\tx", "\r=1"] {
            assert_eq!(neutralise(text), format!("'{text}"), "{text:?}");
        }
    }

    #[test]
    fn plain_numbers_and_ordinary_text_are_left_alone() {
        for text in [
            "-12.50", "+3", "-7", "Acme", "", "a=b", "'quoted", "-", "1-2",
        ] {
            let expected = if text == "-" { "'-" } else { text };
            assert_eq!(neutralise(text), expected, "{text:?}");
        }
    }

    #[test]
    fn restoring_drops_only_the_quote_added_for_a_formula_character() {
        assert_eq!(restore("'=1+2"), "=1+2");
        assert_eq!(restore("'-x"), "-x");
        assert_eq!(restore("'quoted"), "'quoted");
        assert_eq!(restore("''=x"), "'=x");
        assert_eq!(restore("-12.50"), "-12.50");
    }

    proptest! {
        #[test]
        fn restore_undoes_neutralise(text in "['=+@\\-\t\r0-9a-z. ]{0,8}") {
            let written = neutralise(&text);
            prop_assert_eq!(restore(&written), text.as_str());
        }
    }
}
