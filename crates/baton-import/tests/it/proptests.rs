//! No input makes a reader panic: Salesforce, HubSpot or any CSV with a mapping.

use baton_import::generic::{CsvActivity, CsvContact, CsvDeal};
use baton_import::hubspot::{HsDeal, HsEngagement};
use baton_import::parse;
use baton_import::salesforce::{Record, Rows, SfEmail, SfOpportunity, SfTask};
use proptest::prelude::*;
use std::io::Cursor;

fn drain<T: Record>(bytes: &[u8]) {
    if let Ok(rows) = Rows::<T>::new("fuzz.csv", Cursor::new(bytes.to_vec())) {
        for row in rows {
            let _ = row.map_err(|e| e.to_string());
        }
    }
}

/// Bytes biased towards what CSV parsers trip on.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        any::<u8>().prop_map(|b| vec![b]),
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"006A0000001aaaa".to_vec()),
        Just(b"2026-03-04T17:22:05.000Z".to_vec()),
        Just(b"$1,234.50".to_vec()),
        Just(b"1767225600000".to_vec()),
        Just(b"123;456".to_vec()),
        Just(b"Jane Doe (jane@x.com)".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xe9\x80".to_vec()),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_make_the_reader_panic(body in csvish(), raw in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut with_header = b"Id,Amount,CurrencyIsoCode,CloseDate,IsWon,Probability,CreatedDate\n".to_vec();
        with_header.extend_from_slice(&body);
        drain::<SfOpportunity>(&with_header);
        drain::<SfTask>(&body);
        drain::<SfEmail>(&raw);
        let mut deals = b"Record ID,Amount,Close Date,Deal owner,Associated Company IDs,Date entered \"Won (P)\"\n".to_vec();
        deals.extend_from_slice(&body);
        drain::<HsDeal>(&deals);
        drain::<HsEngagement>(&body);
        drain::<CsvDeal>(&body);
        drain::<CsvContact>(&raw);
        let mut mapped = b"Value,kind,When\n".to_vec();
        mapped.extend_from_slice(&body);
        let when = [("occurred_at".to_owned(), "When".to_owned())];
        if let Ok(rows) = Rows::<CsvActivity>::mapped("fuzz.csv", Cursor::new(mapped.clone()), &when) {
            rows.for_each(drop);
        }
        let value = [("amount".to_owned(), "Value".to_owned())];
        if let Ok(rows) = Rows::<CsvDeal>::mapped("fuzz.csv", Cursor::new(mapped), &value) {
            rows.for_each(drop);
        }
    }

    #[test]
    fn arbitrary_text_never_makes_a_field_parser_panic(text in "\\PC{0,40}") {
        let _ = parse::parse_amount(&text).map(|a| parse::to_minor(a, 2));
        let _ = parse::parse_date(&text);
        let _ = parse::parse_datetime(&text);
        let _ = parse::parse_int(&text);
        let _ = parse::parse_decimal(&text);
        let _ = parse::parse_bool(&text);
        let _ = baton_import::SfId::parse(&text);
        let _ = parse::OwnerRef::parse(&text);
        let _ = baton_import::hubspot::EngagementKind::parse(&text);
    }

    #[test]
    fn amounts_in_either_grouping_style_read_the_same(whole in 1_000_u64..1_000_000_000, cents in 0_u64..100) {
        let grouped = |sep: char| {
            let digits = whole.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(sep);
                }
                out.push(c);
            }
            out
        };
        let expected = i64::try_from(whole * 100 + cents).unwrap();
        let us = format!("${}.{cents:02}", grouped(','));
        let eu = format!("{},{cents:02} €", grouped('.'));
        prop_assert_eq!(parse::to_minor(parse::parse_amount(&us).unwrap(), 2).unwrap(), expected);
        prop_assert_eq!(parse::to_minor(parse::parse_amount(&eu).unwrap(), 2).unwrap(), expected);
    }
}
