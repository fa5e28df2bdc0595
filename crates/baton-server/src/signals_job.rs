//! The signals, recomputed on a schedule: the engine runs over the whole organisation and the
//! store keeps its findings, win probabilities and forecast (`Store::refresh_signals`).

use baton_store::Store;
use std::time::Duration;

/// Refreshes the signals now and then every `every`, for ever (started by the server).
pub async fn refresh_forever(store: Store, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let started = std::time::Instant::now();
        match store.refresh_signals().await {
            Ok(done) => tracing::info!(
                raised = done.raised,
                updated = done.updated,
                cleared = done.cleared,
                probabilities = done.probabilities,
                ms = started.elapsed().as_millis(),
                "signals refreshed"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot refresh the signals"),
        }
    }
}
