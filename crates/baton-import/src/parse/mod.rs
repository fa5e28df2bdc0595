//! Field values in import files: dates, amounts, booleans, numbers.
//!
//! Each parser takes the raw text of one field and returns the value or a reason a person can act
//! on. They never panic, and they never guess: text that could mean two different values is an
//! error.

pub mod amount;
pub mod date;
pub mod owner;
pub mod scalar;

pub use amount::{parse_amount, to_minor};
pub use date::{parse_date, parse_datetime};
pub use owner::OwnerRef;
pub use scalar::{parse_bool, parse_decimal, parse_int};
