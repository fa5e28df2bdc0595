//! Pipelines and their stages.

crate::string_enum! {
    /// Where a deal counts in the forecast (Salesforce's forecast categories).
    pub enum ForecastCategory as "forecast category" {
        /// Not counted: disqualified or not yet real.
        Omitted = "omitted",
        /// Early: counted only in the pipeline total.
        Pipeline = "pipeline",
        /// Could close this period if things go well.
        BestCase = "best_case",
        /// The rep commits to closing it this period.
        Commit = "commit",
        /// Won.
        Closed = "closed",
    }
}

crate::string_enum! {
    /// Whether a stage is still being worked, or ends the deal.
    pub enum StageOutcome as "stage outcome" {
        /// The deal is still being worked.
        Open = "open",
        /// The deal is won.
        Won = "won",
        /// The deal is lost.
        Lost = "lost",
    }
}

impl StageOutcome {
    /// Whether a deal in a stage with this outcome is closed.
    pub fn is_closed(self) -> bool {
        !matches!(self, StageOutcome::Open)
    }
}
