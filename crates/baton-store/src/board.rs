//! The pipeline board's column totals: how many deals, and how much, in each stage.

use crate::db::built_query;
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store};
use baton_model::{Currency, PipelineId, StageId, UserId};
use chrono::{Datelike, NaiveDate};

/// How many of the actor's visible deals sit in one stage, and their total in one currency.
#[derive(Debug, Clone)]
pub struct StageTotal {
    pub stage_id: StageId,
    pub currency: Currency,
    pub count: i64,
    pub total_minor: i64,
}

/// Which deals a board shows.
#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    /// Only deals owned by these users.
    pub owners: Option<Vec<UserId>>,
    /// Only deals closing in `[from, until)`, both the first of a month.
    pub closing: Option<(NaiveDate, NaiveDate)>,
}

impl BoardFilter {
    /// The filter as list parameters (`owner_id_in`, `close_date_gte`, `close_date_lt`).
    pub fn list_params(&self) -> Vec<(String, String)> {
        let mut params = Vec::new();
        if let Some(owners) = &self.owners {
            let ids: Vec<String> = owners.iter().map(ToString::to_string).collect();
            params.push((
                "owner_id_in".to_owned(),
                if ids.is_empty() {
                    "0".to_owned()
                } else {
                    ids.join(",")
                },
            ));
        }
        if let Some((from, until)) = self.closing {
            params.push(("close_date_gte".to_owned(), from.to_string()));
            params.push(("close_date_lt".to_owned(), until.to_string()));
        }
        params
    }
}

impl Store {
    /// Count and total amount per stage (and currency) of the live deals of `pipeline` that the
    /// actor may see and `filter` selects, summed from the trigger-kept `deal_totals` (per stage,
    /// owner, currency and close month) rather than from the deals. That works because a deal's
    /// visibility depends on its owner alone, and because a closing range is whole months.
    pub async fn board_totals(
        &self,
        actor: &Actor,
        pipeline: PipelineId,
        filter: &BoardFilter,
    ) -> Result<Vec<StageTotal>> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        let mut conditions = vec![
            scope.visible(Entity::Deal, "t"),
            "s.pipeline_id = $1".to_owned(),
        ];
        let mut args = vec![crate::db::Arg::from(pipeline)];
        if let Some(owners) = &filter.owners {
            let ids: Vec<String> = owners.iter().map(|u| u.0.to_string()).collect();
            // Ids from the database, not from the request: safe to write inline.
            conditions.push(format!(
                "t.owner_id IN ({})",
                if ids.is_empty() {
                    "0".into()
                } else {
                    ids.join(", ")
                }
            ));
        }
        if let Some((from, until)) = filter.closing {
            debug_assert!(
                from.day() == 1 && until.day() == 1,
                "a closing range is whole months"
            );
            args.push(from.format("%Y-%m").to_string().into());
            args.push(until.format("%Y-%m").to_string().into());
            conditions.push(format!(
                "t.close_month >= ${} AND t.close_month < ${}",
                args.len() - 1,
                args.len()
            ));
        }
        let rows = conn
            .fetch_all(
                built_query(format!(
                    "SELECT t.stage_id, t.currency, CAST(SUM(t.deals) AS BIGINT) AS count, \
                     CAST(SUM(t.amount_minor) AS BIGINT) AS total \
                     FROM deal_totals t JOIN stages s ON s.id = t.stage_id WHERE {} \
                     GROUP BY t.stage_id, t.currency HAVING SUM(t.deals) > 0",
                    conditions.join(" AND ")
                ))
                .bind_all(args),
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StageTotal {
                    stage_id: r.get("stage_id")?,
                    currency: r.parse("currency")?,
                    count: r.get("count")?,
                    total_minor: r.get("total")?,
                })
            })
            .collect()
    }
}
