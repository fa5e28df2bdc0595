//! Finding export files and rebuilding the stage picklist.

use crate::support::read;
use baton_import::salesforce::{
    SfOpportunity, SfOpportunityHistory, SfUser, StagePicklist, read_dir,
};
use rust_decimal::Decimal;

#[test]
fn export_files_are_found_by_object_name_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["opportunity.CSV", "User.csv", "Invoice__c.csv", "notes.txt"] {
        std::fs::write(dir.path().join(name), "Id\n0055g0000cCeQr2\n").unwrap();
    }
    let files = read_dir(dir.path()).unwrap();
    let objects: Vec<&str> = files.found.iter().map(|(o, _)| *o).collect();
    assert_eq!(objects, ["User", "Opportunity"], "in load order");
    assert_eq!(files.unrecognised.len(), 1);
    assert!(files.path("opportunity").is_some());
    let users: Vec<SfUser> = files
        .open::<SfUser>()
        .unwrap()
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(users[0].id.as_str(), "0055g0000cCeQr2AAF");
    assert!(files.open::<baton_import::salesforce::SfTask>().is_none());
}

#[test]
fn the_stage_picklist_is_rebuilt_in_pipeline_order_with_history_only_stages() {
    let (opps, errors) = read::<SfOpportunity>(
        "Opportunity.csv",
        "Id,StageName,Probability,ForecastCategoryName,IsClosed,IsWon\n\
         006A0000001aaaa,Closed Lost,0,Omitted,true,false\n\
         006A0000001aaab,Negotiation,90,Commit,false,false\n\
         006A0000001aaac,Closed Won,100,Closed,true,true\n\
         006A0000001aaad,Prospecting,10,Pipeline,false,false\n\
         006A0000001aaae,Prospecting,15,Pipeline,false,false\n",
    );
    assert!(errors.is_empty());
    let (history, _) = read::<SfOpportunityHistory>(
        "OpportunityHistory.csv",
        "Id,StageName,Probability,ForecastCategory\n008A0000001aaaa,Discovery,20,Pipeline\n",
    );
    let mut picklist = StagePicklist::new();
    for o in &opps {
        picklist.add_opportunity(o);
    }
    for h in &history {
        picklist.add_history(h);
    }
    let stages = picklist.finish();
    let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Prospecting",
            "Discovery",
            "Negotiation",
            "Closed Won",
            "Closed Lost"
        ]
    );
    let prospecting = &stages[0];
    assert_eq!(prospecting.probability, Some(Decimal::from(10)));
    assert_eq!((prospecting.rows, prospecting.disagreeing_rows), (2, 1));
    assert_eq!(stages[1].is_closed, None, "seen only in history");
    assert_eq!(stages[3].forecast_category.as_deref(), Some("Closed"));
}
