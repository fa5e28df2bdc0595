//! The signals, kept current: the engine runs over the whole organisation on a schedule
//! (`Store::refresh_signals`), and in between each deal that changes, or whose activities
//! change, is judged again alone within a second (`Store::refresh_changed_deal_signals`).

use baton_store::Store;
use std::time::Duration;

/// How often the audit log is read for deals changed since the last look.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// Refreshes the signals now and then every `every`, for ever (started by the server). A
/// refresh is skipped when another server behind the same database finished one less than
/// nine tenths of `every` ago, so several servers share the work instead of repeating it.
pub async fn refresh_forever(store: Store, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let recent = chrono::TimeDelta::from_std(every.mul_f64(0.9)).unwrap_or(chrono::TimeDelta::MAX);
    loop {
        tick.tick().await;
        if let Ok(Some(last)) = store.last_signal_run().await
            && baton_store::now() - last < recent
        {
            continue;
        }
        // A refresh logs what it did and how long each part took.
        if let Err(e) = store.refresh_signals().await {
            tracing::warn!(error = %e, "cannot refresh the signals");
        }
    }
}

/// Judges again, for ever, each deal changed since the server started (started by the server
/// beside [`refresh_forever`]). A change committed on another server with an earlier audit
/// entry than one already read waits for the next scheduled run.
pub async fn judge_changed_deals_forever(store: Store) {
    let mut after = loop {
        match store.last_audit_entry().await {
            Ok(id) => break id,
            Err(e) => tracing::warn!(error = %e, "cannot read the audit log"),
        }
        tokio::time::sleep(WATCH_EVERY).await;
    };
    let mut tick = tokio::time::interval(WATCH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let started = std::time::Instant::now();
        match store.refresh_changed_deal_signals(after).await {
            Ok((last, judged)) => {
                after = last;
                if judged > 0 {
                    tracing::debug!(
                        deals = judged,
                        ms = started.elapsed().as_millis(),
                        "changed deals judged again"
                    );
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot judge changed deals again"),
        }
    }
}
