//! The reporting views' columns as the SQL page lists them beside the editor. They are asked of
//! the database itself, through the console (`SELECT * FROM rpt_x LIMIT 0`), so the list is
//! what a query can really read and cannot drift from the views' definitions; the meaning of
//! each column is in `docs/reporting-schema.md`.

use crate::AppState;
use baton_store::sql_console::allow::VIEWS;
use baton_store::{Actor, SqlError, SqlLimits};
use std::sync::Arc;

/// One reporting view and its columns, in order.
pub struct ViewColumns {
    pub name: &'static str,
    pub columns: Vec<String>,
}

/// The columns of every reporting view, asked once per server (views change only with a
/// migration, which needs a restart) and kept in [`AppState`].
pub async fn reporting_views(s: &AppState, actor: &Actor) -> Result<Arc<[ViewColumns]>, SqlError> {
    s.reporting_views
        .get_or_try_init(|| async {
            let mut views = Vec::with_capacity(VIEWS.len());
            for name in VIEWS {
                let query = format!("SELECT * FROM {name} LIMIT 0");
                let table = s.store.run_sql(actor, &query, SqlLimits::default()).await?;
                views.push(ViewColumns {
                    name,
                    columns: table.columns,
                });
            }
            Ok(views.into())
        })
        .await
        .cloned()
}
