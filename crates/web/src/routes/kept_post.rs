//! `/my/resume` — a form that arrived after the session had expired was kept; once the
//! person has signed in again it is shown here, filled in, to be sent with one click.

use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, routing::get};
use tower_sessions::Session;
use zc_domain::Portal;

use crate::{
    auth::{KEPT_POST_KEY, KeptPost},
    context::PageContext,
    error::AppResult,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<crate::state::AppState> {
    Router::new().route("/resume", get(resume))
}

#[derive(Template, WebTemplate)]
#[template(path = "my/resume.html")]
struct ResumePage {
    ctx: PageContext,
    nav: Nav,
    kept: Option<KeptPost>,
    /// `(label, value)` of what was typed, for the person to recognise it.
    shown: Vec<(String, String)>,
}

async fn resume(ctx: PageContext, session: Session) -> AppResult<ResumePage> {
    let kept: Option<KeptPost> = session.remove(KEPT_POST_KEY).await.ok().flatten();
    let part = kept.as_ref().and_then(|k| {
        let segments: Vec<&str> = k.path.split('/').collect();
        segments
            .iter()
            .position(|s| *s == "parts")
            .and_then(|i| segments.get(i + 1))
            .and_then(|code| zc_domain::application::sections::part(code))
            .map(|(_, p)| p)
    });
    let shown = kept
        .as_ref()
        .map(|k| {
            k.fields
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(key, v)| {
                    let label = part
                        .and_then(|p| p.fields.iter().find(|f| f.key == key))
                        .map_or_else(
                            || {
                                if key == "summary" {
                                    "专业技术工作总结".to_string()
                                } else {
                                    key.clone()
                                }
                            },
                            |f| f.label.to_string(),
                        );
                    (label, v.clone())
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ResumePage {
        nav: portal_nav(Portal::My, "/my"),
        ctx,
        kept,
        shown,
    })
}
