//! The account page: firmographics and owner edited in place; its deals and contacts beside it.

use super::{Related, Shown, checked, first_hundred, non_empty, or_dash, owner_choices};
use crate::AppState;
use crate::web::format::money;
use crate::web::forms::{Field, Input};
use baton_model::records::{Account, AccountInput, ActivityInput, FieldChange};
use baton_model::{AccountId, Currency, FieldErrors, Money, UserId};
use baton_store::{Actor, Names, StoreError};

/// An account.
pub struct AccountView(Account);

impl Shown for AccountView {
    type Id = AccountId;
    const PATH: &'static str = "/accounts";
    const NOUN: &'static str = "account";
    const CRUMB: (&'static str, &'static str) = ("/accounts", "Accounts");
    const ALIASES: &'static [(&'static str, &'static str)] =
        &[("annual_revenue_minor", "annual_revenue")];

    async fn load(s: &AppState, actor: &Actor, id: AccountId) -> Result<Self, StoreError> {
        Ok(AccountView(s.store.get_account(actor, id).await?))
    }

    async fn can_edit(s: &AppState, actor: &Actor, id: AccountId) -> Result<bool, StoreError> {
        s.store.can_edit_account(actor, id).await
    }

    fn id(&self) -> AccountId {
        self.0.id
    }

    fn title(&self) -> String {
        self.0.name.clone()
    }

    fn version(&self) -> i64 {
        self.0.version
    }

    fn details(&self, names: &Names) -> Vec<(&'static str, String)> {
        let a = &self.0;
        vec![
            (
                "Owner",
                names.users.get(&a.owner_id).cloned().unwrap_or_default(),
            ),
            ("Domain", or_dash(a.domain.as_ref())),
            ("Industry", or_dash(a.industry.as_ref())),
            ("Employees", or_dash(a.employees)),
            (
                "Annual revenue",
                or_dash(a.annual_revenue_minor.map(|r| money(r, a.currency))),
            ),
            ("Tier", or_dash(a.tier)),
        ]
    }

    fn form(&self, names: &Names) -> Vec<Field> {
        let a = &self.0;
        let revenue = a.annual_revenue_minor.map(|minor| {
            Money {
                minor,
                currency: a.currency,
            }
            .to_major_string()
        });
        let tiers = std::iter::once((String::new(), "none".to_owned()))
            .chain((1..=5).map(|t| (t.to_string(), t.to_string())))
            .collect();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            Field::new("name", "Name", Input::Text, a.name.clone()),
            Field::new(
                "owner_id",
                "Owner",
                Input::Select(owner_choices(names)),
                a.owner_id.to_string(),
            ),
            Field::new("domain", "Domain", Input::Text, text(&a.domain))
                .hint("Such as example.com."),
            Field::new("industry", "Industry", Input::Text, text(&a.industry)),
            Field::new(
                "employees",
                "Employees",
                Input::Text,
                a.employees.map(|e| e.to_string()).unwrap_or_default(),
            ),
            Field::new(
                "annual_revenue",
                "Annual revenue",
                Input::Text,
                revenue.unwrap_or_default(),
            )
            .hint("In the account's currency."),
            Field::new(
                "tier",
                "Tier",
                Input::Select(tiers),
                a.tier.map(|t| t.to_string()).unwrap_or_default(),
            )
            .hint("1 is the most important."),
        ]
    }

    async fn save(
        &self,
        s: &AppState,
        actor: &Actor,
        version: i64,
        fields: &[Field],
    ) -> Result<(), StoreError> {
        let mut input = AccountInput::default();
        let mut errors = FieldErrors::new();
        let number = |errors: &mut FieldErrors, name: &str, v: &str| {
            if v.is_empty() {
                Some(None)
            } else {
                errors
                    .check(
                        name,
                        v.replace(',', "")
                            .parse::<i64>()
                            .map_err(|_| "is not a whole number"),
                    )
                    .map(Some)
            }
        };
        for f in fields.iter().filter(|f| f.changed()) {
            let v = f.value.trim();
            match f.name {
                "name" => input.name = Some(v.to_owned()),
                "owner_id" => {
                    input.owner_id = errors.check(
                        "owner_id",
                        v.parse::<i64>().map(UserId).map_err(|_| "choose an owner"),
                    );
                }
                "domain" => input.domain = Some(non_empty(v)),
                "industry" => input.industry = Some(non_empty(v)),
                "employees" => input.employees = number(&mut errors, "employees", v),
                "annual_revenue" if v.is_empty() => input.annual_revenue_minor = Some(None),
                "annual_revenue" => {
                    input.annual_revenue_minor = errors
                        .check("annual_revenue", Money::parse_major(v, self.0.currency))
                        .map(|m| Some(m.minor));
                }
                "tier" => input.tier = number(&mut errors, "tier", v),
                _ => {}
            }
        }
        let changes = checked(errors, input.validate(false))?;
        s.store
            .update_account(actor, self.0.id, version, changes)
            .await
            .map(|_| ())
    }

    async fn related(
        &self,
        s: &AppState,
        actor: &Actor,
        names: &Names,
    ) -> Result<Vec<Related>, StoreError> {
        let by_account = || ("account_id", self.0.id.to_string());
        let deals = s
            .store
            .list_deals(actor, &first_hundred(by_account(), "-close_date")?)
            .await?;
        let contacts = s
            .store
            .list_contacts(actor, &first_hundred(by_account(), "last_name")?)
            .await?;
        let signals = super::signal_section(s, actor, "account", self.0.id.0).await?;
        let mut sections = vec![
            Related {
                title: "Deals",
                items: deals
                    .items
                    .into_iter()
                    .map(|d| {
                        let stage = names.stages.get(&d.stage_id.0).cloned().unwrap_or_default();
                        let amount = d
                            .amount_minor
                            .map_or_else(|| "no amount".into(), |a| money(a, d.currency));
                        (
                            format!("/deals/{}", d.id),
                            d.name,
                            format!("{stage} · {amount}"),
                        )
                    })
                    .collect(),
                empty: "No deals yet.",
            },
            Related {
                title: "Contacts",
                items: contacts
                    .items
                    .into_iter()
                    .map(|c| {
                        (
                            format!("/contacts/{}", c.id),
                            c.full_name(),
                            c.title.unwrap_or_default(),
                        )
                    })
                    .collect(),
                empty: "No contacts yet.",
            },
        ];
        sections.push(signals);
        Ok(sections)
    }

    async fn history(&self, s: &AppState, actor: &Actor) -> Result<Vec<FieldChange>, StoreError> {
        s.store.account_history(actor, self.0.id).await
    }

    fn currency(&self) -> Currency {
        self.0.currency
    }

    fn activities(&self) -> (&'static str, i64) {
        ("account_id", self.0.id.0)
    }

    fn link(&self, input: &mut ActivityInput) {
        input.account_id = Some(Some(self.0.id));
    }
}
