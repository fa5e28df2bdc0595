//! Forms on pages: fields that remember what was typed, show their error beside them, and carry
//! the value they started from so a save sends only what the person changed.

use baton_model::FieldErrors;

/// How a field is entered.
pub enum Input {
    Text,
    Date,
    TextArea,
    /// Free text with suggestions fetched from this address as one types.
    Suggest(&'static str),
    /// A choice among `(value, label)`.
    Select(Vec<(String, String)>),
}

/// One field of a form.
pub struct Field {
    /// The form field's name (also the API field it maps to, mostly).
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    /// What the field holds now (typed, or current).
    pub value: String,
    /// What it held when the form was opened, to tell what the person changed.
    pub original: String,
    pub error: Option<String>,
    pub hint: Option<&'static str>,
}

impl Field {
    /// A field showing `value`, unchanged so far.
    pub fn new(
        name: &'static str,
        label: &'static str,
        input: Input,
        value: impl Into<String>,
    ) -> Field {
        let value = value.into();
        Field {
            name,
            label,
            input,
            original: value.clone(),
            value,
            error: None,
            hint: None,
        }
    }

    /// The same field with a hint under it.
    pub fn hint(mut self, hint: &'static str) -> Field {
        self.hint = Some(hint);
        self
    }

    /// Whether the person changed the value.
    pub fn changed(&self) -> bool {
        self.value.trim() != self.original.trim()
    }

    /// Whether the option `value` is the selected one.
    pub fn selects(&self, value: &str) -> bool {
        self.value == value
    }
}

/// A submitted form's fields by name.
pub struct Submitted(pub Vec<(String, String)>);

impl Submitted {
    /// Parses an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Submitted {
        Submitted(serde_urlencoded::from_bytes(body).unwrap_or_default())
    }

    /// The value of field `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of field `name` (a multiple select, repeated checkboxes), in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The record version the form was rendered from.
    pub fn version(&self) -> Result<i64, crate::error::ApiError> {
        self.get("version")
            .parse()
            .map_err(|_| crate::error::ApiError::bad("version", "missing"))
    }

    /// Puts what was submitted (typed value and original) into `fields`.
    pub fn fill(&self, fields: &mut [Field]) {
        for f in fields {
            f.value = self.get(f.name);
            f.original = self.get(&format!("original_{}", f.name));
        }
    }
}

/// Puts each error next to its field; errors for fields the form does not show are returned
/// to be shown above it. `aliases` maps API field names to form field names.
pub fn place_errors(
    fields: &mut [Field],
    errors: &FieldErrors,
    aliases: &[(&str, &str)],
) -> Vec<String> {
    let mut elsewhere = Vec::new();
    for e in &errors.0 {
        let name = aliases
            .iter()
            .find(|(api, _)| *api == e.field)
            .map_or(e.field.as_str(), |(_, form)| *form);
        match fields.iter_mut().find(|f| f.name == name) {
            Some(f) if f.error.is_none() => f.error = Some(e.message.clone()),
            Some(_) => {}
            None => elsewhere.push(e.to_string()),
        }
    }
    elsewhere
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submitted_values_and_originals_fill_the_fields() {
        let mut fields = vec![
            Field::new("name", "Name", Input::Text, "Old"),
            Field::new("source", "Source", Input::Text, ""),
        ];
        Submitted::parse(b"name=New&original_name=Old&source=&original_source=").fill(&mut fields);
        assert!(fields[0].changed());
        assert_eq!(fields[0].value, "New");
        assert!(!fields[1].changed());
    }

    #[test]
    fn errors_land_beside_their_field_or_above_the_form() {
        let mut fields = vec![Field::new("amount", "Amount", Input::Text, "")];
        let mut errors = FieldErrors::new();
        errors.add("amount_minor", "must not be negative");
        errors.add("splits", "revenue splits must sum to 100 %");
        let elsewhere = place_errors(&mut fields, &errors, &[("amount_minor", "amount")]);
        assert_eq!(fields[0].error.as_deref(), Some("must not be negative"));
        assert_eq!(elsewhere, ["splits: revenue splits must sum to 100 %"]);
    }
}
