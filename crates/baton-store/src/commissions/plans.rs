//! Plans: saved from the TOML finance writes, who is on which from when, and a draft tried on a
//! past period beside the plan in force.

use super::{ensure_finance, load_inputs, load_plans, period_named};
use crate::audit::write_audit;
use crate::db::query;
use crate::{Actor, Result, Store, StoreError, now};
use baton_comp::Plan;
use baton_model::FieldErrors;
use baton_model::records::{CompAssignment, CompPlan, PlanComparison};
use chrono::NaiveDate;

/// A plan file's problems as field errors: each names its line, column and field.
fn plan_errors(errors: &baton_comp::PlanErrors) -> StoreError {
    StoreError::Invalid(FieldErrors(
        errors
            .0
            .iter()
            .map(|e| baton_model::FieldError {
                field: "source".into(),
                message: e.to_string(),
            })
            .collect(),
    ))
}

pub(super) fn plan_record(
    plan: &Plan,
    source: String,
    created_at: chrono::DateTime<chrono::Utc>,
) -> CompPlan {
    CompPlan {
        plan_id: plan.id.clone(),
        version: i64::from(plan.version),
        name: plan.name.clone(),
        currency: plan.currency,
        quota_period: plan.quota_period,
        effective_from: plan.effective_from,
        effective_to: plan.effective_to,
        source,
        created_at,
    }
}

impl Store {
    /// Saves a plan version from its TOML text (finance and admins). A plan that does not load
    /// is refused with every problem, each naming its line, column and field; a version that
    /// exists already is a conflict (issue a new version instead).
    pub async fn save_comp_plan(&self, actor: &Actor, source: &str) -> Result<CompPlan> {
        ensure_finance(actor, "save commission plans")?;
        let plan = Plan::from_toml(source).map_err(|e| plan_errors(&e))?;
        let mut tx = self.begin().await?;
        let taken = tx
            .conn()
            .fetch_optional(
                query("SELECT id FROM comp_plans WHERE plan_key = $1 AND version = $2")
                    .bind(plan.id.as_str())
                    .bind(i64::from(plan.version)),
            )
            .await?
            .is_some();
        if taken {
            return Err(StoreError::Conflict(format!(
                "plan {} version {} exists; save the change as version {}",
                plan.id,
                plan.version,
                plan.version + 1
            )));
        }
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_plans (plan_key, version, name, source, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(plan.id.as_str())
                .bind(i64::from(plan.version))
                .bind(plan.name.as_str())
                .bind(source)
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        let record = plan_record(&plan, source.to_owned(), at);
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_plan",
            id,
            None,
            Some(&record),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Every plan version, by plan and version.
    pub async fn comp_plans(&self, _actor: &Actor) -> Result<Vec<CompPlan>> {
        Ok(load_plans(&mut self.reader())
            .await?
            .into_iter()
            .map(|(plan, source, at)| plan_record(&plan, source, at))
            .collect())
    }

    /// Puts a person on a plan from a day (finance and admins); the plan must exist.
    pub async fn assign_comp_plan(
        &self,
        actor: &Actor,
        assignment: CompAssignment,
    ) -> Result<CompAssignment> {
        ensure_finance(actor, "assign commission plans")?;
        if assignment.to.is_some_and(|to| to < assignment.from) {
            return Err(StoreError::field("to", "must not be before from"));
        }
        let mut tx = self.begin().await?;
        if !crate::refs::user_exists(&mut tx.conn(), assignment.user_id).await? {
            return Err(StoreError::field("user_id", "no such user"));
        }
        let exists = tx
            .conn()
            .fetch_optional(
                query("SELECT id FROM comp_plans WHERE plan_key = $1")
                    .bind(assignment.plan_id.as_str()),
            )
            .await?
            .is_some();
        if !exists {
            return Err(StoreError::field(
                "plan_id",
                format!("no plan {:?}", assignment.plan_id),
            ));
        }
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_assignments (user_id, plan_key, from_date, to_date, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(assignment.user_id)
                .bind(assignment.plan_id.as_str())
                .bind(assignment.from)
                .bind(assignment.to)
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_assignment",
            id,
            None,
            Some(&assignment),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(assignment)
    }

    /// What a draft plan would have cost in a past period, person by person, beside the plan in
    /// force (finance and admins): everyone on a plan with the draft's id, with the draft's
    /// dates ignored. Nothing is saved.
    pub async fn compare_comp_plan(
        &self,
        actor: &Actor,
        source: &str,
        period: &str,
    ) -> Result<Vec<PlanComparison>> {
        ensure_finance(actor, "compare commission plans")?;
        let mut draft = Plan::from_toml(source).map_err(|e| plan_errors(&e))?;
        draft.effective_from = NaiveDate::MIN;
        draft.effective_to = None;
        let mut conn = self.reader();
        let period = period_named(&mut conn, period).await?;
        let inputs = load_inputs(&mut conn, period).await?;
        let mut rows = Vec::new();
        for (&user, assignments) in &inputs.assignments {
            if assignments.last().is_none_or(|a| a.plan_id != draft.id) {
                continue;
            }
            let (Some(now), Some(then)) = (
                inputs.statement(user, &[])?,
                inputs.statement_under(user, &[], Some(&draft))?,
            ) else {
                continue;
            };
            rows.push(PlanComparison {
                user_id: user,
                user_name: inputs.name(user),
                currency: draft.currency,
                in_force_minor: now.total,
                draft_minor: then.total,
            });
        }
        if rows.is_empty() {
            return Err(StoreError::field(
                "source",
                format!("no one is on plan {} in {period}", draft.id),
            ));
        }
        Ok(rows)
    }
}
