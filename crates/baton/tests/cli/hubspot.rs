//! `baton import hubspot`: owners resolved by id, email or name, stage history from the deals'
//! `Date entered` columns, activities of every kind with their links, unknown columns kept as
//! custom fields, every bad row reported with its file, line and reason, and a second import
//! changing nothing.

use crate::import::{all, data_dir, open_as_admin};
use crate::support::{baton, text};
use baton_model::activity::{ActivityKind, Direction, MeetingStatus};
use baton_store::{ListQuery, SourceKind, Store};
use std::collections::HashMap;

const EXPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hubspot");

/// Baton ids by HubSpot source id.
async fn ids(store: &Store, kind: SourceKind) -> HashMap<String, i64> {
    store.source_ids(kind, "hs:").await.unwrap()
}

#[test]
fn a_hubspot_export_imports_with_owners_history_and_activities_and_reports_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path(), "data");
    let report = dir.path().join("report.csv");
    let args = [
        "import",
        "hubspot",
        EXPORT,
        "--create-stages",
        "--custom-fields",
        "--report",
        report.to_str().unwrap(),
    ];
    let out = baton(&data, &args);
    let summary = text(&out);
    assert!(out.status.success(), "{summary}");
    assert!(summary.contains("22 rows read, 5 rejected"), "{summary}");
    assert!(
        summary.contains("3 records had no owner and were given to the importing user"),
        "{summary}"
    );
    assert!(
        summary.contains("column \"Region\" kept as the custom field region"),
        "{summary}"
    );
    let rejected = std::fs::read_to_string(&report).unwrap();
    for line in [
        "hubspot-crm-exports-all-companies-2026-11-01.csv,5,Company name,\"is empty, as is the domain\"",
        "hubspot-crm-exports-all-contacts-2026-11-01.csv,5,Associated Company IDs,999 is not a company in this export",
        "hubspot-crm-exports-all-deals-2026-11-01.csv,4,Deal owner,\"owner 555 is not in an owners file",
        "calls.csv,3,Associated Deal IDs,999 is not a deal in this export",
        "hubspot-crm-exports-all-engagements.csv,5,Activity type,\"\"\"LINKEDIN_MESSAGE\"\" is not an activity Baton keeps",
    ] {
        assert!(rejected.contains(line), "{line} not in\n{rejected}");
    }

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (store, admin) = open_as_admin(&data).await;
        // Owners: by the owners file's email, by name (a placeholder address), and the operator.
        let jane = store
            .user_by_email("jane.doe@example.com")
            .await
            .unwrap()
            .expect("owner 101 by the owners file's email");
        assert!(!jane.active, "owners are created inactive");
        let bill = store
            .user_by_email("bill.lumbergh@hubspot.invalid")
            .await
            .unwrap()
            .expect("an owner known only by name");
        assert_eq!(bill.name, "Bill Lumbergh");

        let accounts = ids(&store, SourceKind::Account).await;
        assert_eq!(accounts.len(), 3);
        let all_accounts = store.list_accounts(&admin, &all()).await.unwrap().items;
        let initech = all_accounts.iter().find(|a| a.name == "Initech").unwrap();
        assert_eq!(initech.domain.as_deref(), Some("initech.io"));
        assert_eq!(initech.owner_id, bill.id);
        let globex = all_accounts.iter().find(|a| a.name == "Globex").unwrap();
        assert_eq!(globex.employees, Some(1200));
        assert_eq!(globex.annual_revenue_minor, Some(450_000_000));
        assert_eq!(
            globex.custom_fields.get("region"),
            Some(&serde_json::json!("EMEA")),
            "an unknown column kept as a custom field"
        );
        let umbrella = all_accounts.iter().find(|a| a.name == "Umbrella").unwrap();
        assert_eq!(umbrella.owner_id, admin.user_id);
        assert_eq!(
            umbrella.created_at.to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );

        let contacts = store.list_contacts(&admin, &all()).await.unwrap().items;
        assert_eq!(contacts.len(), 3);
        let peter = contacts.iter().find(|c| c.last_name == "Gibbons").unwrap();
        assert_eq!(
            peter.account_id,
            Some(initech.id),
            "the first company listed"
        );
        let info = contacts
            .iter()
            .find(|c| c.last_name == "info@umbrella.example")
            .expect("a contact with only an email is named by it");
        assert_eq!(info.account_id, Some(umbrella.id));

        let deals = store.list_deals(&admin, &all()).await.unwrap().items;
        assert_eq!(deals.len(), 3);
        let pipeline = store
            .list_pipelines(&admin, &ListQuery::default())
            .await
            .unwrap()
            .items
            .remove(0);
        let names: Vec<&str> = pipeline.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Appointment Scheduled", "Contract Sent", "Closed Won"],
            "internal ids become labels; open stages by probability before the won one"
        );
        let stage = |id| &pipeline.stages.iter().find(|s| s.id == id).unwrap().name;
        let won = deals.iter().find(|d| d.name == "Globex expansion").unwrap();
        assert_eq!(stage(won.stage_id), "Closed Won");
        assert_eq!(won.amount_minor, Some(1_250_000));
        assert_eq!(
            won.closed_at.unwrap().to_rfc3339(),
            "2026-08-14T16:30:00+00:00",
            "closed when it entered Closed Won"
        );
        let history = store.deal_history(&admin, won.id).await.unwrap();
        let stages: Vec<(Option<String>, Option<String>, String)> = history
            .iter()
            .filter(|c| c.field == "stage_id")
            .map(|c| {
                let name = |v: &Option<String>| {
                    v.as_ref()
                        .map(|id| stage(baton_model::StageId(id.parse().unwrap())).clone())
                };
                (
                    name(&c.old_value),
                    name(&c.new_value),
                    c.changed_at.to_rfc3339(),
                )
            })
            .collect();
        assert_eq!(
            stages,
            [
                (
                    None,
                    Some("Appointment Scheduled".to_owned()),
                    "2026-05-01T09:00:00+00:00".to_owned()
                ),
                (
                    Some("Appointment Scheduled".to_owned()),
                    Some("Contract Sent".to_owned()),
                    "2026-07-20T15:00:00+00:00".to_owned()
                ),
                (
                    Some("Contract Sent".to_owned()),
                    Some("Closed Won".to_owned()),
                    "2026-08-14T16:30:00+00:00".to_owned()
                ),
            ]
        );
        let unowned = deals.iter().find(|d| d.name == "Unowned").unwrap();
        assert_eq!(unowned.amount_minor, Some(25_050));
        assert_eq!(unowned.owner_id, admin.user_id);

        let activities = store.list_activities(&admin, &all()).await.unwrap().items;
        let by_subject = |s: &str| {
            activities
                .iter()
                .find(|a| a.subject.as_deref() == Some(s))
                .unwrap_or_else(|| panic!("no activity {s}"))
        };
        assert_eq!(activities.len(), 6);
        let call = by_subject("Discovery call");
        assert_eq!(
            (call.kind, call.direction, call.deal_id),
            (ActivityKind::Call, Some(Direction::Outbound), Some(won.id))
        );
        let reply = by_subject("Re: Proposal");
        assert_eq!(
            (reply.direction, reply.thread_id.as_deref(), reply.owner_id),
            (Some(Direction::Inbound), Some("t-1"), jane.id),
            "an email without an owner is its deal owner's"
        );
        assert_eq!(by_subject("Proposal").direction, Some(Direction::Outbound));
        let meeting = by_subject("Kick-off");
        assert_eq!(
            (
                meeting.kind,
                meeting.meeting_status,
                meeting.occurred_at.to_rfc3339()
            ),
            (
                ActivityKind::Meeting,
                Some(MeetingStatus::Held),
                "2026-07-10T10:00:00+00:00".to_owned()
            )
        );
        let task = by_subject("Send contract");
        assert_eq!(
            (task.kind, task.completed_at, task.owner_id),
            (ActivityKind::Task, None, bill.id)
        );
        assert!(activities.iter().any(|a| a.kind == ActivityKind::Note
            && a.body.as_deref() == Some("They want SSO")));
    });

    // Again: every record is found by its HubSpot id and nothing changes.
    let again = baton(&data, &args);
    let summary = text(&again);
    assert!(again.status.success(), "{summary}");
    for (table, rows) in [
        ("accounts", "3"),
        ("contacts", "3"),
        ("deals", "3"),
        ("activities", "6"),
    ] {
        let line = summary
            .lines()
            .find(|l| l.starts_with(&format!("{table} ")))
            .unwrap();
        assert_eq!(
            line.split_whitespace().collect::<Vec<_>>(),
            [table, "0", "0", rows],
            "{summary}"
        );
    }
}
