//! One list as a spreadsheet: every row matching the list's filters, sort and search (not one
//! page), as CSV or XLSX, with human column headers.
//!
//! Rows are read in pages of the visible list with the request's own query; references
//! (owner, account, contact, deal, stage) are shown by name, looked up once per page through the
//! same visible lists (`id_in=…`), so a name the caller may not see stays blank. Money is a
//! number in major units beside its currency; in XLSX dates and times are real dates
//! (times in UTC) and text is always written as a string, never as a formula. In CSV every
//! text cell goes through [`neutralise`].

use super::PAGE;
use super::record::{date, major, time};
use baton_import::formula::neutralise;
use baton_model::records::{Account, Activity, Contact, Deal};
use baton_model::{StageId, UserId};
use baton_store::{Actor, ListQuery, Page, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};
use std::collections::HashMap;
use std::future::Future;

/// The file a list is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// Parses `csv` or `xlsx`.
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The file's media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The lists that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Accounts,
    Contacts,
    Deals,
    Activities,
}

impl ListKind {
    /// The list's name, as in its URL.
    pub fn name(self) -> &'static str {
        match self {
            ListKind::Accounts => "accounts",
            ListKind::Contacts => "contacts",
            ListKind::Deals => "deals",
            ListKind::Activities => "activities",
        }
    }
}

/// Why a list export failed.
#[derive(Debug, thiserror::Error)]
pub enum ListExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the file: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the file: {0}")]
    Xlsx(#[from] XlsxError),
}

/// One cell, typed so XLSX can show it as what it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A percentage, a ratio, a number of days: shown to a tenth.
    Number(f64),
    Money(Decimal),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl Cell {
    pub(crate) fn text(value: Option<impl ToString>) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::Text(v.to_string()))
    }

    /// The cell as a page shows it (money in `currency`, as the report's amounts are).
    pub(crate) fn words(&self, currency: baton_model::Currency) -> String {
        match self {
            Cell::Empty => "—".into(),
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(n) => format!("{n:.1}"),
            Cell::Money(m) => {
                let minor = (m * Decimal::from(10_i64.pow(u32::from(currency.exponent()))))
                    .to_i64()
                    .unwrap_or(0);
                baton_model::readable_money(minor, currency)
            }
            Cell::Date(d) => date(*d),
            Cell::Time(t) => time(*t),
        }
    }
}

/// The rows of one table: a list, or a table of a report.
pub(crate) struct Table {
    pub headers: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
}

/// Every row of `kind` matching `list` (its limit and cursor are ignored), as a file.
pub async fn export_list(
    store: &Store,
    actor: &Actor,
    kind: ListKind,
    list: &ListQuery,
    format: Format,
) -> Result<Vec<u8>, ListExportError> {
    let names = Names::load(store).await?;
    let table = match kind {
        ListKind::Accounts => accounts(store, actor, list, &names).await?,
        ListKind::Contacts => contacts(store, actor, list, &names).await?,
        ListKind::Deals => deals(store, actor, list, &names).await?,
        ListKind::Activities => activities(store, actor, list, &names).await?,
    };
    match format {
        Format::Csv => csv_bytes(&table),
        Format::Xlsx => xlsx_bytes(&[(kind.name(), &table)]),
    }
}

/// Users and stages by id: few, and most rows name them.
struct Names(baton_store::Names);

impl Names {
    async fn load(store: &Store) -> Result<Names, StoreError> {
        Ok(Names(store.names().await?))
    }

    fn user(&self, id: UserId) -> Cell {
        Cell::text(self.0.users.get(&id))
    }

    fn stage(&self, id: StageId) -> Cell {
        Cell::text(self.0.stages.get(&id.0))
    }
}

/// Hands every item of every page of `list` to `each`.
async fn all<T, F, Fut>(
    mut fetch: F,
    list: &ListQuery,
    mut each: impl FnMut(T),
) -> Result<(), StoreError>
where
    F: FnMut(ListQuery) -> Fut,
    Fut: Future<Output = Result<Page<T>, StoreError>>,
{
    let mut query = list.clone();
    query.limit = Some(PAGE);
    query.cursor = None;
    loop {
        let page = fetch(query.clone()).await?;
        page.items.into_iter().for_each(&mut each);
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => return Ok(()),
        }
    }
}

/// The most ids one `id_in` filter may list.
const IDS_PER_QUERY: usize = 100;

/// The names of the visible records of a list among `ids`, by id (one query per
/// [`IDS_PER_QUERY`] ids).
async fn names_of<T, Fut>(
    ids: impl IntoIterator<Item = i64>,
    fetch: impl Fn(ListQuery) -> Fut,
    name: impl Fn(&T) -> (i64, String),
) -> Result<HashMap<i64, String>, StoreError>
where
    Fut: Future<Output = Result<Page<T>, StoreError>>,
{
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut names = HashMap::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let ids: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let list = ListQuery::from_pairs([
            ("id_in".to_owned(), ids.join(",")),
            ("archived".to_owned(), "any".to_owned()),
            ("limit".to_owned(), IDS_PER_QUERY.to_string()),
        ])?;
        names.extend(fetch(list).await?.items.iter().map(&name));
    }
    Ok(names)
}

fn named(names: &HashMap<i64, String>, id: Option<i64>) -> Cell {
    Cell::text(id.and_then(|id| names.get(&id)))
}

async fn accounts(
    store: &Store,
    actor: &Actor,
    list: &ListQuery,
    names: &Names,
) -> Result<Table, StoreError> {
    let mut rows = Vec::new();
    all(
        |q| async move { store.list_accounts(actor, &q).await },
        list,
        |a: Account| {
            rows.push(vec![
                Cell::Int(a.id.0),
                Cell::Text(a.name),
                Cell::text(a.domain),
                Cell::text(a.industry),
                a.employees.map_or(Cell::Empty, Cell::Int),
                a.annual_revenue_minor
                    .map_or(Cell::Empty, |m| Cell::Money(major(m, a.currency))),
                Cell::Text(a.currency.to_string()),
                a.tier.map_or(Cell::Empty, Cell::Int),
                names.user(a.owner_id),
                Cell::Time(a.created_at),
                Cell::Time(a.updated_at),
            ]);
        },
    )
    .await?;
    Ok(Table {
        headers: &[
            "ID",
            "Name",
            "Domain",
            "Industry",
            "Employees",
            "Annual revenue",
            "Currency",
            "Tier",
            "Owner",
            "Created",
            "Updated",
        ],
        rows,
    })
}

async fn contacts(
    store: &Store,
    actor: &Actor,
    list: &ListQuery,
    names: &Names,
) -> Result<Table, StoreError> {
    let mut pages: Vec<Contact> = Vec::new();
    let mut rows = Vec::new();
    let mut query = list.clone();
    query.limit = Some(PAGE);
    query.cursor = None;
    loop {
        let page = store.list_contacts(actor, &query).await?;
        pages.clear();
        pages.extend(page.items);
        let accounts = names_of(
            pages.iter().filter_map(|c| c.account_id.map(|a| a.0)),
            |q| async move { store.list_accounts(actor, &q).await },
            |a: &Account| (a.id.0, a.name.clone()),
        )
        .await?;
        for c in pages.drain(..) {
            rows.push(vec![
                Cell::Int(c.id.0),
                Cell::text(c.first_name),
                Cell::Text(c.last_name),
                Cell::text(c.email),
                Cell::text(c.phone),
                Cell::text(c.title),
                named(&accounts, c.account_id.map(|a| a.0)),
                names.user(c.owner_id),
                Cell::Time(c.created_at),
            ]);
        }
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    Ok(Table {
        headers: &[
            "ID",
            "First name",
            "Last name",
            "Email",
            "Phone",
            "Title",
            "Account",
            "Owner",
            "Created",
        ],
        rows,
    })
}

async fn deals(
    store: &Store,
    actor: &Actor,
    list: &ListQuery,
    names: &Names,
) -> Result<Table, StoreError> {
    let mut rows = Vec::new();
    let mut query = list.clone();
    query.limit = Some(PAGE);
    query.cursor = None;
    loop {
        let page = store.list_deals(actor, &query).await?;
        let accounts = names_of(
            page.items.iter().filter_map(|d| d.account_id.map(|a| a.0)),
            |q| async move { store.list_accounts(actor, &q).await },
            |a: &Account| (a.id.0, a.name.clone()),
        )
        .await?;
        for d in page.items {
            let d: Deal = d;
            rows.push(vec![
                Cell::Int(d.id.0),
                Cell::Text(d.name),
                named(&accounts, d.account_id.map(|a| a.0)),
                names.user(d.owner_id),
                names.stage(d.stage_id),
                d.amount_minor
                    .map_or(Cell::Empty, |m| Cell::Money(major(m, d.currency))),
                Cell::Text(d.currency.to_string()),
                d.close_date.map_or(Cell::Empty, Cell::Date),
                Cell::Text(d.forecast_category.to_string()),
                Cell::text(d.next_step),
                Cell::text(d.source),
                d.closed_at.map_or(Cell::Empty, Cell::Time),
                Cell::Time(d.created_at),
            ]);
        }
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    Ok(Table {
        headers: &[
            "ID",
            "Name",
            "Account",
            "Owner",
            "Stage",
            "Amount",
            "Currency",
            "Close date",
            "Forecast category",
            "Next step",
            "Source",
            "Closed",
            "Created",
        ],
        rows,
    })
}

async fn activities(
    store: &Store,
    actor: &Actor,
    list: &ListQuery,
    names: &Names,
) -> Result<Table, StoreError> {
    let mut rows = Vec::new();
    let mut query = list.clone();
    query.limit = Some(PAGE);
    query.cursor = None;
    loop {
        let page = store.list_activities(actor, &query).await?;
        let items: &[Activity] = &page.items;
        let accounts = names_of(
            items.iter().filter_map(|a| a.account_id.map(|x| x.0)),
            |q| async move { store.list_accounts(actor, &q).await },
            |a: &Account| (a.id.0, a.name.clone()),
        )
        .await?;
        let contacts = names_of(
            items.iter().filter_map(|a| a.contact_id.map(|x| x.0)),
            |q| async move { store.list_contacts(actor, &q).await },
            |c: &Contact| {
                let name = match &c.first_name {
                    Some(first) => format!("{first} {}", c.last_name),
                    None => c.last_name.clone(),
                };
                (c.id.0, name)
            },
        )
        .await?;
        let deals = names_of(
            items.iter().filter_map(|a| a.deal_id.map(|x| x.0)),
            |q| async move { store.list_deals(actor, &q).await },
            |d: &Deal| (d.id.0, d.name.clone()),
        )
        .await?;
        for a in page.items {
            rows.push(vec![
                Cell::Int(a.id.0),
                Cell::Text(a.kind.to_string()),
                Cell::text(a.subject),
                Cell::Time(a.occurred_at),
                a.ends_at.map_or(Cell::Empty, Cell::Time),
                Cell::text(a.direction),
                Cell::text(a.meeting_status),
                a.due_date.map_or(Cell::Empty, Cell::Date),
                a.completed_at.map_or(Cell::Empty, Cell::Time),
                names.user(a.owner_id),
                named(&accounts, a.account_id.map(|x| x.0)),
                named(&contacts, a.contact_id.map(|x| x.0)),
                named(&deals, a.deal_id.map(|x| x.0)),
                Cell::text(a.thread_id),
            ]);
        }
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    Ok(Table {
        headers: &[
            "ID",
            "Kind",
            "Subject",
            "When",
            "Ends",
            "Direction",
            "Meeting status",
            "Due date",
            "Completed",
            "Owner",
            "Account",
            "Contact",
            "Deal",
            "Thread",
        ],
        rows,
    })
}

pub(crate) fn csv_bytes(table: &Table) -> Result<Vec<u8>, ListExportError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(table.headers)?;
    for row in &table.rows {
        for cell in row {
            let text = match cell {
                Cell::Empty => String::new(),
                Cell::Text(t) => neutralise(t).into_owned(),
                Cell::Int(n) => n.to_string(),
                Cell::Number(n) => n.to_string(),
                Cell::Money(m) => m.to_string(),
                Cell::Date(d) => date(*d),
                Cell::Time(t) => time(*t),
            };
            out.write_field(text)?;
        }
        out.write_record(None::<&[u8]>)?;
    }
    out.into_inner()
        .map_err(|e| ListExportError::Csv(e.into_error().into()))
}

/// A workbook with one sheet per named table.
pub(crate) fn xlsx_bytes(tables: &[(&str, &Table)]) -> Result<Vec<u8>, ListExportError> {
    let mut book = Workbook::new();
    for (sheet_name, table) in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(*sheet_name)?;
        let bold = CellFormat::new().set_bold();
        let money = CellFormat::new().set_num_format("#,##0.00");
        let day = CellFormat::new().set_num_format("yyyy-mm-dd");
        let instant = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm");
        for (col, header) in (0_u16..).zip(table.headers) {
            sheet.write_string_with_format(0, col, *header, &bold)?;
        }
        for (row, cells) in (1_u32..).zip(&table.rows) {
            for (col, cell) in (0_u16..).zip(cells) {
                match cell {
                    Cell::Empty => {}
                    // Always a string: text that looks like a formula stays text.
                    Cell::Text(t) => {
                        sheet.write_string(row, col, t)?;
                    }
                    #[expect(
                        clippy::cast_precision_loss,
                        reason = "spreadsheet numbers are doubles"
                    )]
                    Cell::Int(n) => {
                        sheet.write_number(row, col, *n as f64)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(row, col, *n)?;
                    }
                    Cell::Money(m) => {
                        sheet.write_number_with_format(
                            row,
                            col,
                            m.to_f64().unwrap_or(0.0),
                            &money,
                        )?;
                    }
                    Cell::Date(d) => {
                        sheet.write_datetime_with_format(row, col, d, &day)?;
                    }
                    Cell::Time(t) => {
                        sheet.write_datetime_with_format(row, col, t.naive_utc(), &instant)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headers: &["Name", "Amount", "Close date"],
            rows: vec![vec![
                Cell::Text("=HYPERLINK(\"x\")".into()),
                Cell::Money(Decimal::new(-123_450, 2)),
                Cell::Date(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            ]],
        }
    }

    #[test]
    fn csv_text_that_would_be_a_formula_is_quoted_and_numbers_are_not() {
        let text = String::from_utf8(csv_bytes(&table()).unwrap()).unwrap();
        assert_eq!(
            text,
            "Name,Amount,Close date\n\"'=HYPERLINK(\"\"x\"\")\",-1234.50,2026-12-01\n"
        );
    }

    #[test]
    fn xlsx_is_a_workbook_with_text_as_shared_strings_not_formulas() {
        let bytes = xlsx_bytes(&[("deals", &table())]).unwrap();
        assert!(bytes.starts_with(b"PK"), "a zip container");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        assert!(!sheet.contains("<f>"), "no formula cells: {sheet}");
        assert!(sheet.contains("-1234.5"), "{sheet}");
    }
}
