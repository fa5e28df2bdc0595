//! Baton's shared domain types.
//!
//! Everything here is plain data with no I/O: identifiers, money, email addresses, roles, periods,
//! pipelines and stages, and the records and inputs of the CRM core. Values that have rules
//! (`Money`, `Email`, `Period`, `Percent`…) are parsed once at the boundary, so an invalid value
//! cannot exist past it ("parse, don't validate").
#![forbid(unsafe_code)]

pub mod activity;
pub mod duplicates;
pub mod email;
pub mod field_error;
pub mod ids;
pub mod imports;
pub mod money;
pub mod percent;
pub mod period;
pub mod pipeline;
pub mod records;
pub mod role;
pub mod string_enum;
pub mod time_zone;

pub use email::Email;
pub use field_error::{FieldError, FieldErrors};
pub use ids::*;
pub use money::{Currency, Money, readable_money};
pub use percent::Percent;
pub use period::{Period, PeriodKind};
pub use role::Role;
pub use time_zone::TimeZone;
