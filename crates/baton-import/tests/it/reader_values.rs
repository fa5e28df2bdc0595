//! Field values in rows: ids, dates, amounts, booleans.

use crate::support::read;
use baton_import::salesforce::{SfAccount, SfEvent, SfOpportunity, SfTask};
use chrono::NaiveDate;

fn opportunity(columns: &str, values: &str) -> Result<SfOpportunity, String> {
    let (mut rows, errors) = read::<SfOpportunity>(
        "Opportunity.csv",
        format!("Id,{columns}\n006A0000001aaaa,{values}\n"),
    );
    match errors.first() {
        Some(e) => Err(e.to_string()),
        None => Ok(rows.remove(0)),
    }
}

#[test]
fn fifteen_character_ids_are_normalised_to_eighteen() {
    let o = opportunity("AccountId,OwnerId", "0034000001lrbM5,000000000000000AAA").unwrap();
    assert_eq!(o.id.as_str(), "006A0000001aaaaIAA");
    assert_eq!(o.account_id.unwrap().as_str(), "0034000001lrbM5AAI");
    assert_eq!(o.owner_id, None, "the all-zero id is an empty lookup");
}

#[test]
fn close_dates_read_in_iso_us_and_salesforce_forms() {
    let day = NaiveDate::from_ymd_opt(2026, 3, 4);
    for text in ["2026-03-04", "3/4/2026", "2026-03-04T17:22:05.000Z"] {
        assert_eq!(
            opportunity("CloseDate", text).unwrap().close_date,
            day,
            "{text}"
        );
    }
    let err = opportunity("CloseDate", "13/4/2026").unwrap_err();
    assert!(
        err.starts_with("Opportunity.csv:2: CloseDate: \"13/4/2026\""),
        "{err}"
    );
}

#[test]
fn datetimes_read_with_milliseconds_and_either_utc_suffix() {
    let bytes = "Id,StartDateTime,EndDateTime,CreatedDate\n\
        00UA0000001aaaa,2026-03-04T17:22:05.000Z,2026-03-04T18:22:05.000+0000,3/4/2026 5:22 PM\n";
    let (rows, errors) = read::<SfEvent>("Event.csv", bytes);
    assert!(errors.is_empty(), "{errors:?}");
    let e = &rows[0];
    assert_eq!(
        e.start_date_time.unwrap().to_rfc3339(),
        "2026-03-04T17:22:05+00:00"
    );
    assert_eq!(
        e.end_date_time.unwrap().to_rfc3339(),
        "2026-03-04T18:22:05+00:00"
    );
    assert_eq!(
        e.created_date.unwrap().to_rfc3339(),
        "2026-03-04T17:22:00+00:00"
    );
}

#[test]
fn amounts_read_exactly_in_minor_units_of_the_row_currency() {
    let cases = [
        ("48200", "USD", 4_820_000),
        ("\"$1,234.50\"", "USD", 123_450),
        ("\"1.234,50\"", "EUR", 123_450),
        ("1234.5", "GBP", 123_450),
        ("1500000", "JPY", 1_500_000),
        ("1500000.00", "JPY", 1_500_000),
    ];
    for (text, currency, minor) in cases {
        let o = opportunity("Amount,CurrencyIsoCode", &format!("{text},{currency}")).unwrap();
        let amount = o.amount.unwrap();
        assert_eq!(
            (amount.minor, amount.currency.code()),
            (minor, currency),
            "{text}"
        );
    }
    let usd = opportunity("Amount", "99.95").unwrap().amount.unwrap();
    assert_eq!(
        (usd.minor, usd.currency.code()),
        (9_995, "USD"),
        "USD without a currency column"
    );
}

#[test]
fn an_ambiguous_or_malformed_amount_is_rejected() {
    let err = opportunity("Amount", "\"1,234\"").unwrap_err();
    assert!(err.contains("Amount: \"1,234\" is ambiguous"), "{err}");
    assert!(
        opportunity("Amount", "1.5E+06")
            .unwrap_err()
            .contains("scientific")
    );
    assert!(
        opportunity("Amount,CurrencyIsoCode", "10.5,JPY")
            .unwrap_err()
            .contains("decimal places")
    );
    assert!(
        opportunity("Amount,CurrencyIsoCode", "10,XYZ")
            .unwrap_err()
            .contains("CurrencyIsoCode")
    );
}

#[test]
fn booleans_read_as_true_false_one_or_zero() {
    for (text, value) in [("true", true), ("FALSE", false), ("1", true), ("0", false)] {
        assert_eq!(
            opportunity("IsWon", text).unwrap().is_won,
            Some(value),
            "{text}"
        );
    }
    assert!(opportunity("IsWon", "yes").unwrap_err().contains("IsWon"));
}

#[test]
fn whole_numbers_and_percentages_read_with_their_usual_decorations() {
    let (rows, errors) = read::<SfAccount>(
        "Account.csv",
        "Id,NumberOfEmployees,AnnualRevenue\n001A0000006Vm9r,\"1,200\",\"$2,500,000\"\n",
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows[0].number_of_employees, Some(1200));
    assert_eq!(rows[0].annual_revenue.unwrap().minor, 250_000_000);
    let o = opportunity("Probability", "75%").unwrap();
    assert_eq!(o.probability.unwrap().to_string(), "75");
    let (tasks, errors) = read::<SfTask>(
        "Task.csv",
        "Id,CallDurationInSeconds,ActivityDate\n00TA0000001aaaa,95,2026-11-02\n",
    );
    assert!(errors.is_empty());
    assert_eq!(tasks[0].call_duration_seconds, Some(95));
}
