//! Word lists: the names, titles, subjects and weighted choices records are drawn from.

use baton_model::activity::{ActivityKind, MeetingStatus};

/// Early, middle and late in a deal.
pub(super) type Phased = [&'static [&'static str]; 3];

#[rustfmt::skip]
pub(super) const INDUSTRIES: [&str; 10] = [
    "Software", "Manufacturing", "Healthcare", "Retail", "Financial Services", "Logistics",
    "Education", "Energy", "Media", "Professional Services",
];

/// Typical annual revenue per employee by industry (as [`INDUSTRIES`]), in major units.
#[rustfmt::skip]
pub(super) const REVENUE_PER_EMPLOYEE: [f64; 10] = [
    260_000.0, 300_000.0, 180_000.0, 220_000.0, 450_000.0, 250_000.0, 90_000.0, 700_000.0,
    230_000.0, 170_000.0,
];

#[rustfmt::skip]
pub(super) const PREFIXES: &[&str] = &[
    "Northwind", "Bluepeak", "Ironclad", "Silverline", "Brightwater", "Redwood", "Summit",
    "Cedarway", "Harborview", "Granite", "Evergreen", "Lakeshore", "Keystone", "Riverbend",
    "Oakridge", "Pinecrest", "Stonebridge", "Clearpath", "Meridian", "Apex", "Beacon", "Bluebird",
    "Cobalt", "Copperleaf", "Crescent", "Driftwood", "Eastgate", "Emberly", "Falcon", "Fernhill",
    "Foxglove", "Frontier", "Goldcrest", "Greenfield", "Highland", "Horizon", "Juniper", "Kestrel",
    "Lighthouse", "Lumen", "Maplewood", "Mosaic", "Newbury", "Northstar", "Oakmont", "Orchard",
    "Pacifica", "Paragon", "Pioneer", "Quarry", "Radiant", "Ridgeline", "Sagebrush", "Sandstone",
    "Sapphire", "Seabright", "Sierra", "Skyline", "Solstice", "Southport", "Sparrow", "Starling",
    "Sterling", "Stillwater", "Sunridge", "Tidewater", "Timberline", "Trailhead", "Trident",
    "Upland", "Vantage", "Vertex", "Westbrook", "Whitestone", "Wildflower", "Willowbrook",
    "Windward", "Wolfpine", "Zenith", "Amberfield",
];

/// Industry nouns with the index of their industry in [`INDUSTRIES`]; more nouns make an industry
/// more common.
#[rustfmt::skip]
pub(super) const SUFFIXES: &[(&str, usize)] = &[
    ("Analytics", 0), ("Software", 0), ("Systems", 0), ("Labs", 0), ("Cloud", 0), ("Data", 0),
    ("Digital", 0), ("Networks", 0), ("Technologies", 0), ("AI", 0),
    ("Manufacturing", 1), ("Industries", 1), ("Fabrication", 1), ("Components", 1),
    ("Machining", 1), ("Materials", 1),
    ("Health", 2), ("Medical", 2), ("Diagnostics", 2), ("Care", 2), ("Biotech", 2),
    ("Retail", 3), ("Outfitters", 3), ("Market", 3), ("Goods", 3), ("Brands", 3),
    ("Capital", 4), ("Financial", 4), ("Payments", 4), ("Insurance", 4), ("Credit", 4),
    ("Logistics", 5), ("Freight", 5), ("Shipping", 5), ("Transport", 5), ("Supply", 5),
    ("Learning", 6), ("Academy", 6), ("Education", 6),
    ("Energy", 7), ("Power", 7), ("Solar", 7), ("Utilities", 7),
    ("Media", 8), ("Studios", 8), ("Publishing", 8),
    ("Consulting", 9), ("Advisory", 9), ("Partners", 9), ("Associates", 9),
];

#[rustfmt::skip]
pub(super) const QUALIFIERS: &[&str] = &[
    "Group", "Holdings", "International", "Global", "USA", "Europe", "West", "East", "Worldwide",
    "Solutions", "Services", "Enterprises", "Ventures", "Collective", "Works", "Inc", "LLC", "Ltd",
    "Corp", "Company", "Alliance", "United",
];

/// ASCII only, so they make valid email addresses as they are.
#[rustfmt::skip]
pub(super) const FIRST_NAMES: &[&str] = &[
    "Aaliyah", "Adrian", "Ahmed", "Aiko", "Alejandro", "Amara", "Ana", "Andrea", "Arjun", "Astrid",
    "Ayesha", "Benjamin", "Bianca", "Carlos", "Chen", "Chiara", "Chloe", "Daniel", "David",
    "Deepa", "Diego", "Elena", "Emeka", "Emily", "Fatima", "Felix", "Gabriel", "Grace", "Hana",
    "Hassan", "Ines", "Ingrid", "Isaac", "Ivan", "Jamal", "James", "Jasmine", "Javier", "Jin",
    "Joao", "Julia", "Kenji", "Kofi", "Kwame", "Lars", "Laura", "Leila", "Liam", "Lucia", "Mai",
    "Malik", "Marcus", "Maria", "Mateo", "Mei", "Mohammed", "Nadia", "Naomi", "Nikhil", "Noah",
    "Olga", "Omar", "Oscar", "Priya", "Rafael", "Rahul", "Rosa", "Sakura", "Samuel", "Sara",
    "Sean", "Sofia", "Tariq", "Thomas", "Valentina", "Wei", "Yara", "Yusuf", "Zainab", "Zoe",
];

#[rustfmt::skip]
pub(super) const LAST_NAMES: &[&str] = &[
    "Abbott", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bauer", "Becker", "Bennett", "Brooks",
    "Campbell", "Castillo", "Chen", "Cohen", "Costa", "Das", "Diaz", "Dubois", "Edwards",
    "Eriksson", "Fischer", "Flores", "Foster", "Garcia", "Gonzalez", "Gupta", "Hansen", "Hayes",
    "Hernandez", "Hughes", "Ibrahim", "Ito", "Jensen", "Johnson", "Kaur", "Khan", "Kim",
    "Kowalski", "Kumar", "Larsen", "Lee", "Lopez", "Martin", "Mendes", "Meyer", "Morales",
    "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Ortiz", "Patel", "Perez",
    "Petrov", "Ramirez", "Reyes", "Rossi", "Russo", "Sato", "Schmidt", "Shah", "Silva", "Singh",
    "Sokolov", "Suzuki", "Tanaka", "Taylor", "Torres", "Tran", "Turner", "Vargas", "Walsh", "Wang",
    "Watanabe", "Weber", "Williams", "Wong", "Yamamoto", "Zhang",
];

#[rustfmt::skip]
pub(super) const AREA_CODES: &[&str] = &[
    "206", "212", "303", "312", "404", "415", "470", "503", "512", "602", "617", "619", "646",
    "702", "713", "718", "720", "781", "917", "972",
];

/// Titles of an account's first contact: who a deal is usually signed by.
#[rustfmt::skip]
pub(super) const SENIOR_TITLES: &[&str] = &[
    "CEO", "CFO", "COO", "CTO", "VP Sales", "VP Operations", "VP Engineering",
    "Chief Revenue Officer",
];

#[rustfmt::skip]
pub(super) const TITLES: &[&str] = &[
    "Head of IT", "Procurement Manager", "Operations Director", "IT Manager", "Finance Manager",
    "Director of Engineering", "Sales Operations Manager", "Product Manager", "Security Lead",
    "Marketing Director", "Data Analyst", "Office Manager",
];

#[rustfmt::skip]
pub(super) const ROLES: [&str; 5] = [
    "Champion", "Decision Maker", "Economic Buyer", "Technical Evaluator", "Influencer",
];

#[rustfmt::skip]
pub(super) const SOURCES: &[(&str, u32)] = &[
    ("Inbound", 35), ("Outbound", 33), ("Partner", 10), ("Referral", 12), ("Event", 10),
];

/// Why deals are lost; "Went dark" stays last (short deals cannot go dark).
#[rustfmt::skip]
pub(super) const LOST_REASONS: &[(&str, u32)] = &[
    ("Price", 20), ("Competitor", 22), ("No decision", 20), ("Timing", 12), ("Budget", 12),
    ("Went dark", 14),
];

#[rustfmt::skip]
pub(super) const PRODUCTS: &[&str] = &[
    "Platform license", "Enterprise plan", "Team plan", "Pilot", "Analytics add-on",
    "Integration package", "Premium support", "Seat expansion", "Multi-year agreement",
    "Onboarding services", "Data migration", "Expansion",
];

pub(super) const RENEWALS: &[&str] = &["Annual renewal", "Renewal", "Renewal and expansion"];

#[rustfmt::skip]
pub(super) const NEXT_STEPS: Phased = [
    &["Book discovery call", "Confirm budget and timeline", "Send intro deck"],
    &["Schedule technical demo", "Answer security questionnaire", "Set up trial workspace"],
    &["Send revised proposal", "Get contract signed", "Confirm procurement steps"],
];

#[rustfmt::skip]
pub(super) const RENEWAL_NEXT_STEPS: &[&str] = &[
    "Send renewal quote", "Review usage with champion", "Confirm renewal terms",
];

/// The mix of activity kinds; an email stands for a whole thread.
#[rustfmt::skip]
pub(super) const ACTIVITY_MIX: &[(ActivityKind, u32)] = &[
    (ActivityKind::Email, 34), (ActivityKind::Call, 22), (ActivityKind::Meeting, 14),
    (ActivityKind::Note, 12), (ActivityKind::Task, 18),
];

#[rustfmt::skip]
pub(super) const CALLS: Phased = [
    &["Intro call", "Discovery call", "Qualification call", "Follow-up call"],
    &["Technical deep dive", "Demo follow-up call", "Requirements call", "Check-in call"],
    &["Pricing call", "Negotiation call", "Legal sync", "Close plan call"],
];

#[rustfmt::skip]
pub(super) const MEETINGS: Phased = [
    &["Discovery meeting", "Intro meeting", "Kickoff", "Needs analysis"],
    &["Product demo", "Technical evaluation", "Security review", "Solution workshop"],
    &["Proposal review", "Executive sponsor meeting", "Contract review", "Negotiation meeting"],
];

#[rustfmt::skip]
pub(super) const EMAILS: Phased = [
    &["Intro", "Following up on our call", "Resources you asked for", "Next steps"],
    &["Demo recording", "Security questionnaire", "Integration question", "Pricing question"],
    &["Proposal", "Revised proposal", "Order form", "Contract redlines"],
];

#[rustfmt::skip]
pub(super) const TASKS: Phased = [
    &["Send follow-up email", "Research account", "Book discovery call", "Find the economic buyer"],
    &["Follow up on security questionnaire", "Send demo recording", "Set up trial", "Prepare demo"],
    &["Send revised proposal", "Send contract", "Chase signature", "Prepare order form"],
];

/// What becomes of a meeting on a deal that goes well.
#[rustfmt::skip]
pub(super) const MEETING_OUTCOMES: &[(MeetingStatus, u32)] = &[
    (MeetingStatus::Held, 91), (MeetingStatus::Declined, 3), (MeetingStatus::Canceled, 4),
    (MeetingStatus::NoShow, 2),
];

/// On deals that will be lost or stall, customers decline, cancel and fail to show up more.
#[rustfmt::skip]
pub(super) const TROUBLED_MEETINGS: &[(MeetingStatus, u32)] = &[
    (MeetingStatus::Held, 72), (MeetingStatus::Declined, 9), (MeetingStatus::Canceled, 8),
    (MeetingStatus::NoShow, 11),
];

/// Emails customers start threads with.
#[rustfmt::skip]
pub(super) const INBOUND_OPENERS: &[&str] = &[
    "Question about pricing", "Quick question", "Procurement requirements",
    "Can we move our meeting?",
];

pub(super) const RENEWAL_CALLS: &[&str] = &["Renewal check-in", "Usage review call"];
pub(super) const RENEWAL_MEETINGS: &[&str] = &["Quarterly business review", "Renewal planning"];
pub(super) const RENEWAL_EMAILS: &[&str] = &["Renewal quote", "Usage report", "Renewal terms"];
pub(super) const RENEWAL_TASKS: &[&str] = &[
    "Send renewal quote",
    "Review usage",
    "Update renewal forecast",
];

#[rustfmt::skip]
pub(super) const CALL_NOTES: &[&str] = &[
    "Good conversation; agreed next steps.", "Walked through pricing.",
    "They need more time internally.", "Champion is pushing for a decision this quarter.",
];

#[rustfmt::skip]
pub(super) const NOTE_SUBJECTS: &[&str] = &[
    "Call notes", "Meeting notes", "Account research", "Internal sync",
];

#[rustfmt::skip]
pub(super) const NOTE_BODIES: &[&str] = &[
    "Budget confirmed for this quarter.", "Champion is keen; procurement is slow.",
    "They are also evaluating a competitor.", "Need sign-off from the CFO.",
    "Security review is the main blocker.", "Asked for a discount on a multi-year term.",
];
