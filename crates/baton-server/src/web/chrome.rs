//! What every page shares: the asset URLs, the signed-in user and the navigation their role
//! may use.

use super::session::WebUser;
use baton_model::Role;
use std::sync::LazyLock;

/// URLs of the embedded assets, computed once (they carry content hashes).
pub struct Assets {
    pub css: String,
    pub htmx: String,
    pub app_js: String,
    pub uplot_js: String,
    pub uplot_css: String,
    pub charts_js: String,
    pub sql_js: String,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets {
    css: crate::assets::url("css/app.css"),
    htmx: crate::assets::url("vendor/htmx/htmx.min.js"),
    app_js: crate::assets::url("js/app.js"),
    uplot_js: crate::assets::url("vendor/uplot/uPlot.iife.min.js"),
    uplot_css: crate::assets::url("vendor/uplot/uPlot.min.css"),
    charts_js: crate::assets::url("js/charts.js"),
    sql_js: crate::assets::url("js/sql.js"),
});

/// The asset URLs.
pub fn assets() -> &'static Assets {
    &ASSETS
}

/// A link in the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The frame around every signed-in page.
pub struct Chrome {
    pub assets: &'static Assets,
    pub user_name: String,
    pub role: Role,
    pub csrf_token: String,
    pub nav: Vec<NavItem>,
    /// The page's title, for `<title>` and the heading.
    pub title: String,
}

impl Chrome {
    /// The frame for `user` on the page at `current` (a nav href) titled `title`.
    pub fn new(user: &WebUser, current: &str, title: impl Into<String>) -> Chrome {
        let session = &user.0;
        let role = session.actor.role;
        let mut nav = vec![
            ("/today", "Today"),
            ("/signals", "Signals"),
            ("/dashboard", "Dashboard"),
            ("/pipeline", "Pipeline"),
            ("/deals", "Deals"),
        ];
        if role != Role::Coordinator {
            nav.push(("/commission", "Commission"));
        }
        if role != Role::Finance {
            nav.extend([
                ("/calendar", "Calendar"),
                ("/accounts", "Accounts"),
                ("/contacts", "Contacts"),
                ("/activities", "Activities"),
            ]);
        }
        nav.push(("/reports", "Reports"));
        // Every signed-in user may query the reporting views (each sees their own rows).
        nav.push(("/sql", "SQL"));
        nav.push(if role.is_admin() {
            ("/settings", "Settings")
        } else {
            ("/settings/tokens", "Settings")
        });
        if role.is_admin() || matches!(role, Role::Coordinator) {
            nav.extend([("/import", "Import"), ("/api/v1/docs", "API")]);
        }
        Chrome {
            assets: assets(),
            user_name: session.name.clone(),
            role,
            csrf_token: session.csrf_token.clone(),
            nav: nav
                .into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    current: href == current,
                })
                .collect(),
            title: title.into(),
        }
    }
}
