//! Integration tests for baton-import: one binary, one module per concern.

mod generate;
mod hubspot;
mod proptests;
mod reader_files;
mod reader_input;
mod reader_values;
mod support;
