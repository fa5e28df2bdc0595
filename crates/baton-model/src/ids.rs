//! Typed record identifiers.
//!
//! Every record has a 64-bit integer id assigned by the database. Wrapping each kind in its own
//! type means a `DealId` can never be passed where a `UserId` is expected.

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        #[schema(value_type = i64)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }
    )*};
}

id_types!(
    /// A user of the organisation.
    UserId,
    /// A team of users with a manager.
    TeamId,
    /// A customer or prospect company.
    AccountId,
    /// A person, usually at an account.
    ContactId,
    /// A sales pipeline.
    PipelineId,
    /// A stage of a pipeline.
    StageId,
    /// A deal (opportunity).
    DealId,
    /// A call, email, meeting, note or task.
    ActivityId,
    /// A quota for a user or team in a period.
    QuotaId,
    /// An admin-defined custom field.
    CustomFieldId,
    /// An API token.
    TokenId,
);
