//! Who owns a record, as an export cell names them.

/// An owner as an export cell names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerRef {
    /// An owner id (HubSpot's `hubspot_owner_id`), resolved through an owners list.
    Id(String),
    /// An email address, from `jane@acme.com` or `Jane Doe (jane@acme.com)`.
    Email { email: String, name: Option<String> },
    /// Only a name (`Jane Doe`), as the export UI writes owner columns.
    Name(String),
}

impl OwnerRef {
    /// Reads an owner cell (trimmed, non-empty).
    pub fn parse(text: &str) -> OwnerRef {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return OwnerRef::Id(text.to_owned());
        }
        if let Some((name, rest)) = text.split_once('(')
            && let Some(email) = rest.strip_suffix(')')
            && email.contains('@')
        {
            let name = name.trim();
            return OwnerRef::Email {
                email: email.trim().to_owned(),
                name: (!name.is_empty()).then(|| name.to_owned()),
            };
        }
        if text.contains('@') {
            return OwnerRef::Email {
                email: text.to_owned(),
                name: None,
            };
        }
        OwnerRef::Name(text.to_owned())
    }
}
