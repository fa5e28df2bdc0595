//! Whether a note's words turn negative: a short list of phrases sales notes use when a deal or
//! a relationship is in trouble. Deliberately plain: it is one weak signal among several, and a
//! coordinator can read why it fired.

/// Phrases that mark a note as negative (matched case-insensitively, as whole words).
const NEGATIVE: &[&str] = &[
    "budget freeze",
    "budget cut",
    "on hold",
    "put on hold",
    "postpone",
    "postponed",
    "delay",
    "delayed",
    "pushed back",
    "cancel",
    "cancelled",
    "canceled",
    "not a priority",
    "no longer",
    "competitor",
    "going with",
    "unhappy",
    "frustrated",
    "disappointed",
    "complaint",
    "concerned",
    "concerns",
    "churn",
    "not renewing",
    "reorg",
    "layoffs",
    "champion left",
    "gone quiet",
    "no response",
];

/// Whether `text` contains one of the negative phrases as whole words.
pub fn is_negative(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    NEGATIVE.iter().any(|phrase| {
        let parts: Vec<&str> = phrase.split(' ').collect();
        words
            .windows(parts.len())
            .any(|w| w.iter().zip(&parts).all(|(a, b)| a == b))
    })
}

#[cfg(test)]
mod tests {
    use super::is_negative;

    #[test]
    fn phrases_of_trouble_are_negative_and_match_whole_words_only() {
        assert!(is_negative("Call went badly: Budget  freeze until Q3."));
        assert!(is_negative("They are evaluating a competitor"));
        assert!(!is_negative(
            "Discussed pricing, next steps: send quote by Friday."
        ));
        assert!(
            !is_negative("Cancellation policy explained"),
            "cancel is a whole word"
        );
    }
}
