//! The HubSpot reader: columns under their labels or internal names, ids and id lists, owners
//! however the export names them, times in milliseconds, activity types, and files told apart
//! by name.

use crate::support::read;
use baton_import::hubspot::{
    EngagementKind, HsContact, HsDeal, HsEngagement, HubSpotObject, read_dir,
};
use baton_import::parse::OwnerRef;

#[test]
fn internal_property_names_read_like_labels() {
    let (deals, errors) = read::<HsDeal>(
        "deals.csv",
        "hs_object_id,dealname,dealstage,amount,closedate,hubspot_owner_id,associatedcompanyids,hs_date_entered_closedwon\n\
         9,Big one,closedwon,1000,1767225600000,42,7;8,2026-01-01T00:00:00Z\n",
    );
    assert_eq!(errors, []);
    let d = &deals[0];
    assert_eq!(d.id, "9");
    assert_eq!(d.name.as_deref(), Some("Big one"));
    assert_eq!(d.stage.as_deref(), Some("closedwon"));
    assert_eq!(d.close_date.unwrap().to_string(), "2026-01-01");
    assert_eq!(d.owner, Some(OwnerRef::Id("42".into())));
    assert_eq!(d.companies, ["7", "8"]);
    assert_eq!(d.stages_entered.len(), 1);
    assert_eq!(d.stages_entered[0].stage, "closedwon");
    assert!(
        d.extra.is_empty(),
        "the date-entered column is history, not an extra"
    );
}

#[test]
fn owners_are_ids_emails_names_or_both() {
    assert_eq!(OwnerRef::parse("12345"), OwnerRef::Id("12345".into()));
    assert_eq!(
        OwnerRef::parse("Jane Doe (jane@x.com)"),
        OwnerRef::Email {
            email: "jane@x.com".into(),
            name: Some("Jane Doe".into())
        }
    );
    assert_eq!(
        OwnerRef::parse("jane@x.com"),
        OwnerRef::Email {
            email: "jane@x.com".into(),
            name: None
        }
    );
    assert_eq!(
        OwnerRef::parse("Jane Doe"),
        OwnerRef::Name("Jane Doe".into())
    );
}

#[test]
fn a_bad_id_or_time_rejects_its_row_naming_the_column() {
    let (contacts, errors) = read::<HsContact>(
        "contacts.csv",
        "Record ID,Last Name,Associated Company IDs,Create Date\n\
         1,Ok,2,2026-01-01\n\
         x1,Bad id,,\n\
         3,Bad company,2;abc,\n\
         4,Bad date,,yesterday\n",
    );
    assert_eq!(contacts.len(), 1);
    let fields: Vec<(u64, Option<&str>)> = errors
        .iter()
        .map(|e| (e.line, e.field.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            (3, Some("Record ID")),
            (4, Some("Associated Company IDs")),
            (5, Some("Create Date"))
        ]
    );
    assert!(errors[0].reason.contains("not a HubSpot record id"));
}

#[test]
fn activity_types_read_as_constants_or_labels_and_others_are_refused() {
    let (rows, errors) = read::<HsEngagement>(
        "engagements.csv",
        "Engagement ID,Activity type,Timestamp\n\
         1,INCOMING_EMAIL,1767225600000\n\
         2,Call,2026-01-01\n\
         3,SMS,2026-01-01\n\
         4,,2026-01-01\n",
    );
    let kinds: Vec<Option<EngagementKind>> = rows.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            Some(EngagementKind::IncomingEmail),
            Some(EngagementKind::Call),
            None
        ]
    );
    assert_eq!(
        rows[0].at.unwrap().to_rfc3339(),
        "2026-01-01T00:00:00+00:00"
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 4);
    assert!(
        errors[0]
            .reason
            .contains("\"SMS\" is not an activity Baton keeps")
    );
}

#[test]
fn files_are_told_apart_by_the_word_in_their_name() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "hubspot-crm-exports-all-deals-2026-11-01.csv",
        "all-companies.csv",
        "Contacts.CSV",
        "calls.csv",
        "owners.csv",
        "budget.csv",
        "notes.txt",
    ] {
        std::fs::write(dir.path().join(name), "Record ID\n").unwrap();
    }
    let files = read_dir(dir.path()).unwrap();
    let objects: Vec<HubSpotObject> = files.found.iter().map(|f| f.object).collect();
    assert_eq!(
        objects,
        [
            HubSpotObject::Owners,
            HubSpotObject::Companies,
            HubSpotObject::Contacts,
            HubSpotObject::Deals,
            HubSpotObject::Engagements(Some(EngagementKind::Call)),
        ]
    );
    assert_eq!(
        files.unrecognised.len(),
        1,
        "budget.csv; notes.txt is not a CSV"
    );
}
