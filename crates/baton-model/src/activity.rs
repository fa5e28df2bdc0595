//! Kinds of activity and their qualifiers.

crate::string_enum! {
    /// What sort of activity a record is.
    pub enum ActivityKind as "activity kind" {
        /// A phone or video call.
        Call = "call",
        /// An email sent or received.
        Email = "email",
        /// A meeting.
        Meeting = "meeting",
        /// A free-text note.
        Note = "note",
        /// Something to do, with a due date.
        Task = "task",
    }
}

crate::string_enum! {
    /// Which way an email went.
    pub enum Direction as "direction" {
        /// From the customer to us.
        Inbound = "inbound",
        /// From us to the customer.
        Outbound = "outbound",
    }
}

crate::string_enum! {
    /// What became of a meeting.
    pub enum MeetingStatus as "meeting status" {
        /// Planned, not yet held.
        Scheduled = "scheduled",
        /// Took place.
        Held = "held",
        /// Called off by us.
        Canceled = "canceled",
        /// Declined by the customer.
        Declined = "declined",
        /// The customer did not show up.
        NoShow = "no_show",
    }
}
