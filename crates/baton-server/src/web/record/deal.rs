//! The deal page: stage, amount, close date and forecast edited in place; its account and
//! contacts beside it; stage and amount changes in its timeline.

use super::{Related, Shown, checked, non_empty, or_dash, owner_choices};
use crate::AppState;
use crate::web::format::{day, money};
use crate::web::forms::{Field, Input};
use baton_model::pipeline::ForecastCategory;
use baton_model::records::{ActivityInput, Deal, DealInput, FieldChange, Pipeline};
use baton_model::{Currency, DealId, FieldErrors, Money, StageId, UserId};
use baton_store::{Actor, Names, StoreError};
use chrono::NaiveDate;

/// A deal with its pipeline and account name.
pub struct DealView {
    deal: Deal,
    pipeline: Pipeline,
    account: Option<String>,
}

impl Shown for DealView {
    type Id = DealId;
    const PATH: &'static str = "/deals";
    const NOUN: &'static str = "deal";
    const CRUMB: (&'static str, &'static str) = ("/pipeline", "Pipeline");
    const ALIASES: &'static [(&'static str, &'static str)] = &[("amount_minor", "amount")];

    async fn load(s: &AppState, actor: &Actor, id: DealId) -> Result<Self, StoreError> {
        let deal = s.store.get_deal(actor, id).await?;
        let pipeline = s.store.get_pipeline(actor, deal.pipeline_id).await?;
        let account = match deal.account_id {
            Some(a) => s.store.get_account(actor, a).await.ok().map(|a| a.name),
            None => None,
        };
        Ok(DealView {
            deal,
            pipeline,
            account,
        })
    }

    async fn can_edit(s: &AppState, actor: &Actor, id: DealId) -> Result<bool, StoreError> {
        s.store.can_edit_deal(actor, id).await
    }

    fn id(&self) -> DealId {
        self.deal.id
    }

    fn actions(&self) -> Vec<(String, &'static str)> {
        vec![(
            format!("/calendar?deal={}#find-time", self.deal.id),
            "Find a meeting time",
        )]
    }

    fn title(&self) -> String {
        self.deal.name.clone()
    }

    fn version(&self) -> i64 {
        self.deal.version
    }

    fn details(&self, names: &Names) -> Vec<(&'static str, String)> {
        let d = &self.deal;
        let stage = self.pipeline.stages.iter().find(|s| s.id == d.stage_id);
        let mut fields = vec![
            ("Account", or_dash(self.account.as_ref())),
            (
                "Owner",
                names.users.get(&d.owner_id).cloned().unwrap_or_default(),
            ),
            ("Pipeline", self.pipeline.name.clone()),
            (
                "Stage",
                stage.map_or_else(String::new, |s| format!("{} ({} %)", s.name, s.probability)),
            ),
            (
                "Amount",
                or_dash(d.amount_minor.map(|a| money(a, d.currency))),
            ),
            ("Close date", or_dash(d.close_date.map(day))),
            ("Forecast", d.forecast_category.as_str().replace('_', " ")),
            ("Next step", or_dash(d.next_step.as_ref())),
            ("Source", or_dash(d.source.as_ref())),
        ];
        if let Some(paid) = d.payment_date {
            fields.push(("Paid on", day(paid)));
        }
        if let Some(reason) = &d.lost_reason {
            fields.push(("Lost reason", reason.clone()));
        }
        fields
    }

    fn form(&self, names: &Names) -> Vec<Field> {
        let d = &self.deal;
        let stages = self
            .pipeline
            .stages
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect();
        let forecasts = ForecastCategory::ALL
            .iter()
            .map(|f| (f.as_str().to_owned(), f.as_str().replace('_', " ")))
            .collect();
        let amount = d.amount_minor.map(|minor| {
            Money {
                minor,
                currency: d.currency,
            }
            .to_major_string()
        });
        vec![
            Field::new("name", "Name", Input::Text, d.name.clone()),
            Field::new(
                "stage_id",
                "Stage",
                Input::Select(stages),
                d.stage_id.to_string(),
            ),
            Field::new(
                "owner_id",
                "Owner",
                Input::Select(owner_choices(names)),
                d.owner_id.to_string(),
            ),
            Field::new("amount", "Amount", Input::Text, amount.unwrap_or_default())
                .hint("In the deal's currency, such as 12500 or 12,500.00."),
            Field::new(
                "close_date",
                "Close date",
                Input::Date,
                d.close_date.map(|c| c.to_string()).unwrap_or_default(),
            ),
            Field::new(
                "payment_date",
                "Paid on",
                Input::Date,
                d.payment_date.map(|c| c.to_string()).unwrap_or_default(),
            )
            .hint("When the customer paid; plans that credit on payment count the deal then."),
            Field::new(
                "forecast_category",
                "Forecast",
                Input::Select(forecasts),
                d.forecast_category.as_str(),
            ),
            Field::new(
                "next_step",
                "Next step",
                Input::Text,
                d.next_step.clone().unwrap_or_default(),
            ),
            Field::new(
                "source",
                "Source",
                Input::Text,
                d.source.clone().unwrap_or_default(),
            ),
            Field::new(
                "lost_reason",
                "Lost reason",
                Input::Text,
                d.lost_reason.clone().unwrap_or_default(),
            ),
        ]
    }

    async fn save(
        &self,
        s: &AppState,
        actor: &Actor,
        version: i64,
        fields: &[Field],
    ) -> Result<(), StoreError> {
        let mut input = DealInput::default();
        let mut errors = FieldErrors::new();
        for f in fields.iter().filter(|f| f.changed()) {
            let v = f.value.trim();
            match f.name {
                "name" => input.name = Some(v.to_owned()),
                "stage_id" => {
                    input.stage_id = errors.check(
                        "stage_id",
                        v.parse::<i64>().map(StageId).map_err(|_| "choose a stage"),
                    );
                }
                "owner_id" => {
                    input.owner_id = errors.check(
                        "owner_id",
                        v.parse::<i64>().map(UserId).map_err(|_| "choose an owner"),
                    );
                }
                "amount" if v.is_empty() => input.amount_minor = Some(None),
                "amount" => {
                    input.amount_minor = errors
                        .check("amount", Money::parse_major(v, self.deal.currency))
                        .map(|m| Some(m.minor));
                }
                "close_date" => input.close_date = optional_date(&mut errors, f.name, v),
                "payment_date" => input.payment_date = optional_date(&mut errors, f.name, v),
                "forecast_category" => {
                    input.forecast_category = errors.check("forecast_category", v.parse());
                }
                "next_step" => input.next_step = Some(non_empty(v)),
                "source" => input.source = Some(non_empty(v)),
                "lost_reason" => input.lost_reason = Some(non_empty(v)),
                _ => {}
            }
        }
        let changes = checked(errors, input.validate(false))?;
        s.store
            .update_deal(actor, self.deal.id, version, changes)
            .await
            .map(|_| ())
    }

    async fn related(
        &self,
        s: &AppState,
        actor: &Actor,
        _names: &Names,
    ) -> Result<Vec<Related>, StoreError> {
        let account = match (self.deal.account_id, &self.account) {
            (Some(id), Some(name)) => {
                vec![(format!("/accounts/{id}"), name.clone(), String::new())]
            }
            _ => Vec::new(),
        };
        let mut contacts = Vec::new();
        for c in &self.deal.contacts {
            // Contacts the person may not see are left out.
            if let Ok(contact) = s.store.get_contact(actor, c.contact_id).await {
                let role = [
                    c.role.clone().unwrap_or_default(),
                    if c.is_primary {
                        "primary".into()
                    } else {
                        String::new()
                    },
                ]
                .into_iter()
                .filter(|r| !r.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
                contacts.push((
                    format!("/contacts/{}", contact.id),
                    contact.full_name(),
                    role,
                ));
            }
        }
        let mut sections = vec![
            Related {
                title: "Account",
                items: account,
                empty: "Not linked to an account.",
            },
            Related {
                title: "Contacts",
                items: contacts,
                empty: "No contacts on this deal.",
            },
        ];
        // What the signals say: the chance it is won, with what moved it, and its warnings.
        if let Some(odds) = s.store.win_odds(actor, self.deal.id).await? {
            let factors = odds
                .factors
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|f| {
                            let name = f.get("feature")?.as_str()?.replace('_', " ");
                            let effect = f.get("effect")?.as_f64()?;
                            Some(format!(
                                "{name} {}",
                                if effect >= 0.0 {
                                    "raises it"
                                } else {
                                    "lowers it"
                                }
                            ))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let how = if odds.method == "learned" {
                "learned from this organisation's closed deals"
            } else {
                "the stage's probability: too few closed deals to learn from yet"
            };
            sections.push(Related {
                title: "Win probability",
                items: vec![(
                    "/signals".to_owned(),
                    format!("{:.0} %", odds.percent),
                    format!(
                        "{how}{}{factors}",
                        if factors.is_empty() { "" } else { "; " }
                    ),
                )],
                empty: "",
            });
        }
        sections.push(super::signal_section(s, actor, "deal", self.deal.id.0).await?);
        // Refunds and churn claw back commission; finance records them over the API.
        let refunds = s.store.deal_refunds(actor, self.deal.id).await?;
        if !refunds.is_empty() {
            sections.push(Related {
                title: "Refunds and churn",
                items: refunds
                    .iter()
                    .map(|r| {
                        (
                            "/commission".to_owned(),
                            format!(
                                "{} {} on {}",
                                r.kind.as_str(),
                                money(r.amount_minor, r.currency),
                                day(r.on)
                            ),
                            r.note.clone().unwrap_or_default(),
                        )
                    })
                    .collect(),
                empty: "",
            });
        }
        Ok(sections)
    }

    async fn history(&self, s: &AppState, actor: &Actor) -> Result<Vec<FieldChange>, StoreError> {
        s.store.deal_history(actor, self.deal.id).await
    }

    fn currency(&self) -> Currency {
        self.deal.currency
    }

    fn activities(&self) -> (&'static str, i64) {
        ("deal_id", self.deal.id.0)
    }

    fn link(&self, input: &mut ActivityInput) {
        input.deal_id = Some(Some(self.deal.id));
        input.account_id = Some(self.deal.account_id);
    }
}

/// A date field's change: cleared when empty, an error naming the field when not a date.
#[expect(
    clippy::option_option,
    reason = "DealInput's shape: absent, cleared, or set"
)]
fn optional_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
) -> Option<Option<NaiveDate>> {
    if value.is_empty() {
        return Some(None);
    }
    errors
        .check(
            field,
            value.parse::<NaiveDate>().map_err(|_| "is not a date"),
        )
        .map(Some)
}
