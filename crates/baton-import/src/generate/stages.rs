//! The generated org's stage picklist.

/// A stage of the generated org's picklist.
pub(crate) struct Stage {
    pub name: &'static str,
    pub probability: u8,
    /// `ForecastCategoryName` on the opportunity.
    pub forecast_name: &'static str,
    /// `ForecastCategory` in the history (the API value).
    pub forecast_api: &'static str,
}

/// Salesforce's sample sales process, with probabilities a real org would tune.
pub(crate) const STAGES: [Stage; 8] = [
    stage("Prospecting", 10, "Pipeline", "Pipeline"),
    stage("Qualification", 20, "Pipeline", "Pipeline"),
    stage("Needs Analysis", 30, "Pipeline", "Pipeline"),
    stage("Value Proposition", 50, "Pipeline", "Pipeline"),
    stage("Proposal/Price Quote", 70, "Best Case", "BestCase"),
    stage("Negotiation/Review", 90, "Commit", "Forecast"),
    stage("Closed Won", 100, "Closed", "Closed"),
    stage("Closed Lost", 0, "Omitted", "Omitted"),
];

const fn stage(
    name: &'static str,
    probability: u8,
    forecast_name: &'static str,
    forecast_api: &'static str,
) -> Stage {
    Stage {
        name,
        probability,
        forecast_name,
        forecast_api,
    }
}

/// Index of Closed Won in [`STAGES`].
pub(crate) const WON: u8 = 6;
/// Index of Closed Lost in [`STAGES`].
pub(crate) const LOST: u8 = 7;
