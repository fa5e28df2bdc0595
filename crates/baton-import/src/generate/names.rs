//! Account names and domains: unique, readable, and a pure function of the account's index.

use super::words::{COMPANY_FORMS, COMPANY_HEADS, COMPANY_REGIONS, COMPANY_TRADES};

/// An account's name, unique within the org.
pub(crate) fn account_name(account: usize) -> String {
    let heads = COMPANY_HEADS.len();
    let trades = COMPANY_TRADES.len();
    let per_form = heads * trades;
    let base = per_form * COMPANY_FORMS.len();
    let word = |n: usize| {
        (
            COMPANY_HEADS[n % heads],
            COMPANY_TRADES[n / heads % trades],
            COMPANY_FORMS[n / per_form],
        )
    };
    // Scrambled by a multiplier coprime with the counts, so neighbours differ in every word.
    if account < base {
        let (head, trade, form) = word(account * 7919 % base);
        return format!("{head} {trade} {form}");
    }
    let rest = account - base;
    let per_round = base * COMPANY_REGIONS.len();
    let (round, n) = (rest / per_round, rest % per_round * 7919 % per_round);
    let region = COMPANY_REGIONS[n % COMPANY_REGIONS.len()];
    let (head, trade, form) = word(n / COMPANY_REGIONS.len());
    if round == 0 {
        format!("{head} {region} {trade} {form}")
    } else {
        format!("{head} {region} {trade} {} {form}", round + 1)
    }
}

/// An account's email and web domain, derived from its name.
pub(crate) fn account_domain(account: usize) -> String {
    let mut slug = String::new();
    for c in account_name(account).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("{}.example", slug.trim_end_matches('-'))
}
