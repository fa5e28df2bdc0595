//! `EmailMessage`: an email sent or received, related to a record.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use chrono::{DateTime, Utc};

columns! {
    ID = "Id",
    RELATED_TO_ID = "RelatedToId",
    PARENT_ID = "ParentId",
    FROM_ADDRESS = "FromAddress",
    FROM_NAME = "FromName",
    TO_ADDRESS = "ToAddress",
    CC_ADDRESS = "CcAddress",
    SUBJECT = "Subject",
    MESSAGE_DATE = "MessageDate",
    INCOMING = "Incoming",
    THREAD_IDENTIFIER = "ThreadIdentifier",
    MESSAGE_IDENTIFIER = "MessageIdentifier",
    REPLY_TO_EMAIL_MESSAGE_ID = "ReplyToEmailMessageId",
    STATUS = "Status",
    TEXT_BODY = "TextBody",
    CREATED_DATE = "CreatedDate",
}

/// One `EmailMessage` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfEmail {
    /// `Id`.
    pub id: SfId,
    /// `RelatedToId`: the opportunity or account the email belongs to.
    pub related_to_id: Option<SfId>,
    /// `ParentId`: the case, for service email (blank in sales orgs).
    pub parent_id: Option<SfId>,
    /// `FromAddress`.
    pub from_address: Option<String>,
    /// `FromName`.
    pub from_name: Option<String>,
    /// `ToAddress` (semicolon-separated when several).
    pub to_address: Option<String>,
    /// `CcAddress`.
    pub cc_address: Option<String>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `MessageDate`: when it was sent or received.
    pub message_date: Option<DateTime<Utc>>,
    /// `Incoming`: received (true) or sent (false).
    pub incoming: Option<bool>,
    /// `ThreadIdentifier`: shared by the messages of one conversation.
    pub thread_identifier: Option<String>,
    /// `MessageIdentifier`: the RFC 5322 Message-ID.
    pub message_identifier: Option<String>,
    /// `ReplyToEmailMessageId`: the message this one answers.
    pub reply_to_email_message_id: Option<SfId>,
    /// `Status` as the API writes it: 0 New, 1 Read, 2 Replied, 3 Sent, 4 Forwarded, 5 Draft.
    pub status: Option<String>,
    /// `TextBody`.
    pub text_body: Option<String>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfEmail {
    const OBJECT: &'static str = "EmailMessage";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            related_to_id: r.id(RELATED_TO_ID)?,
            parent_id: r.id(PARENT_ID)?,
            from_address: r.text(FROM_ADDRESS),
            from_name: r.text(FROM_NAME),
            to_address: r.text(TO_ADDRESS),
            cc_address: r.text(CC_ADDRESS),
            subject: r.text(SUBJECT),
            message_date: r.datetime(MESSAGE_DATE)?,
            incoming: r.boolean(INCOMING)?,
            thread_identifier: r.text(THREAD_IDENTIFIER),
            message_identifier: r.text(MESSAGE_IDENTIFIER),
            reply_to_email_message_id: r.id(REPLY_TO_EMAIL_MESSAGE_ID)?,
            status: r.text(STATUS),
            text_body: r.text(TEXT_BODY),
            created_date: r.datetime(CREATED_DATE)?,
            extra: r.extra(),
        })
    }
}
