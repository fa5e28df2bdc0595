//! The reader against the bytes real exports contain: encodings, line ends, quoting, ragged
//! rows, huge fields, odd headers.

use crate::support::read;
use baton_import::salesforce::{FileError, Rows, SfAccount, SfContact, SfOpportunity, SfTask};
use std::io::Cursor;

const ACME: &str = "001A0000006Vm9rIAC";

#[test]
fn a_utf8_byte_order_mark_is_dropped_before_the_header() {
    let mut bytes = b"\xEF\xBB\xBF\"Id\",\"Name\"\n".to_vec();
    bytes.extend_from_slice(format!("\"{ACME}\",\"Acme\"\n").as_bytes());
    let (rows, errors) = read::<SfAccount>("Account.csv", bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows[0].name.as_deref(), Some("Acme"));
}

#[test]
fn latin1_bytes_are_read_as_windows_1252_per_record() {
    let bytes = b"Id,FirstName,LastName,Title\n\
        003A0000001aaaa,Jos\xe9,M\xfcller,Caf\xe9 \x80 lead\n\
        003A0000001aaab,Zo\xc3\xab,Ng,CTO\n"
        .to_vec();
    let (rows, errors) = read::<SfContact>("Contact.csv", bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows[0].first_name.as_deref(), Some("José"));
    assert_eq!(rows[0].last_name.as_deref(), Some("Müller"));
    assert_eq!(rows[0].title.as_deref(), Some("Café € lead"));
    // The next record is valid UTF-8 and is read as such.
    assert_eq!(rows[1].first_name.as_deref(), Some("Zoë"));
}

#[test]
fn crlf_line_ends_are_read_like_lf_and_lines_count_physically() {
    let bytes = format!("Id,Name\r\n{ACME},Acme\r\n\r\n001A0000006Vm9s,Globex\r\nragged\r\n");
    let (rows, errors) = read::<SfAccount>("Account.csv", bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].name.as_deref(), Some("Globex"));
    assert_eq!(
        errors[0].line, 5,
        "after a blank line, counted like an editor does"
    );
}

#[test]
fn quoted_newlines_commas_and_quotes_stay_in_their_field() {
    let bytes = "Id,Subject,Description\r\n\
         00TA0000001aaaa,Call,\"Line one, with a comma\r\nline \"\"two\"\"\"\r\n\
         00TA0000001aaab,Call,x,extra\r\n";
    let (rows, errors) = read::<SfTask>("Task.csv", bytes);
    assert_eq!(
        rows[0].description.as_deref(),
        Some("Line one, with a comma\r\nline \"two\"")
    );
    // The ragged record after the two-line one starts on physical line 4.
    assert_eq!(errors[0].line, 4);
}

#[test]
fn a_ragged_row_is_rejected_with_its_line_and_reading_goes_on() {
    let bytes = format!(
        "Id,Name\n{ACME},Acme\n001A0000006Vm9s,Globex,surplus\n001A0000006Vm9t\n001A0000006Vm9u,Initech\n"
    );
    let (rows, errors) = read::<SfAccount>("Account.csv", bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (errors[0].file.as_str(), errors[0].line),
        ("Account.csv", 3)
    );
    assert_eq!(errors[1].line, 4);
    assert!(
        errors[0].reason.contains("3 fields but the header has 2"),
        "{}",
        errors[0]
    );
    assert_eq!(
        errors[0].to_string(),
        "Account.csv:3: has 3 fields but the header has 2; the row is not read"
    );
}

#[test]
fn a_one_megabyte_field_is_read_whole() {
    let big = "x".repeat(1 << 20);
    let bytes = format!(
        "Id,Subject,Description\n00TA0000001aaaa,Notes,\"{big}\"\n00TA0000001aaab,Next,short\n"
    );
    let (rows, errors) = read::<SfTask>("Task.csv", bytes);
    assert!(errors.is_empty());
    assert_eq!(rows[0].description.as_ref().map(String::len), Some(1 << 20));
    assert_eq!(rows[1].description.as_deref(), Some("short"));
}

#[test]
fn headers_match_in_any_case_and_unknown_columns_are_kept_as_extra() {
    let bytes = format!("ID,NAME,Region__c,Account.Owner.Name,Empty__c\n{ACME},Acme,EMEA,Ana,\n");
    let rows = Rows::<SfAccount>::new("Account.csv", Cursor::new(bytes.into_bytes())).unwrap();
    assert_eq!(
        rows.extra_columns().collect::<Vec<_>>(),
        ["Region__c", "Account.Owner.Name", "Empty__c"]
    );
    assert!(rows.missing_columns().contains(&"Industry"));
    let rows: Vec<_> = rows.collect::<Result<_, _>>().unwrap();
    assert_eq!(rows[0].name.as_deref(), Some("Acme"));
    assert_eq!(
        rows[0].extra,
        [
            ("Region__c".to_owned(), "EMEA".to_owned()),
            ("Account.Owner.Name".to_owned(), "Ana".to_owned())
        ]
    );
}

#[test]
fn rows_of_empty_fields_are_skipped_as_spreadsheet_leftovers() {
    let bytes = format!("Id,Name\n{ACME},Acme\n,\n\"\",\"\"\n");
    let (rows, errors) = read::<SfAccount>("Account.csv", bytes);
    assert_eq!((rows.len(), errors.len()), (1, 0));
}

#[test]
fn files_that_cannot_be_read_at_all_are_refused_with_a_reason() {
    let open = |bytes: &[u8]| {
        Rows::<SfOpportunity>::new("Opportunity.csv", Cursor::new(bytes.to_vec())).err()
    };
    assert!(matches!(open(b""), Some(FileError::Empty { .. })));
    assert!(matches!(
        open(b"\xEF\xBB\xBF"),
        Some(FileError::Empty { .. })
    ));
    assert!(matches!(
        open(b"Name,Amount\nx,1\n"),
        Some(FileError::MissingColumn { column: "Id", .. })
    ));
    assert!(matches!(
        open(b"\xFF\xFEI\0d\0"),
        Some(FileError::Utf16 { .. })
    ));
    let message = open(b"Name\n").unwrap().to_string();
    assert_eq!(message, "Opportunity.csv: the header has no Id column");
}

#[test]
fn a_bad_value_rejects_its_row_with_the_field_and_line_not_the_file() {
    let bytes = format!(
        "Id,Name,NumberOfEmployees\n{ACME},Acme,many\n001A0000006Vm9s,Globex,1200\nnot-an-id,X,1\n"
    );
    let (rows, errors) = read::<SfAccount>("Account.csv", bytes);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].number_of_employees, Some(1200));
    assert_eq!(errors[0].line, 2);
    assert_eq!(errors[0].field.as_deref(), Some("NumberOfEmployees"));
    assert_eq!(
        errors[0].to_string(),
        "Account.csv:2: NumberOfEmployees: \"many\" is not a whole number"
    );
    assert_eq!(
        (errors[1].line, errors[1].field.as_deref()),
        (4, Some("Id"))
    );
}

#[test]
fn a_quote_an_export_put_before_a_formula_character_is_dropped_again() {
    let bytes = format!("Id,Name,Industry,Website\n{ACME},'=Acme,'Software,'-x\n");
    let (rows, errors) = read::<SfAccount>("Account.csv", bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows[0].name.as_deref(), Some("=Acme"));
    assert_eq!(
        rows[0].industry.as_deref(),
        Some("'Software"),
        "not before a formula character"
    );
    assert_eq!(rows[0].website.as_deref(), Some("-x"));
}
