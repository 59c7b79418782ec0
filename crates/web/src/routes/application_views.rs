//! The read-only 详情 of an application (the dossier, printable as the 申报表) and the
//! history lines the progress and review pages share.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, State},
    routing::get,
};
use zc_db::applications::EventRow;
use zc_domain::Portal;
use zc_services::applications;

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    routes::my_applications::Card,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new().route("/applications/{id}", get(detail))
}

/// A line of the history.
pub struct HistoryLine {
    pub at: String,
    pub step: String,
    pub result: String,
    pub org: String,
    pub status: &'static str,
}

/// A part of the dossier, read-only.
pub struct DossierPart {
    pub title: &'static str,
    /// Changed by the resubmission since the last return.
    pub changed: bool,
    pub pairs: Vec<(&'static str, String)>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub summary: Option<String>,
}

/// The titles of the parts a resubmission changed, joined for a sentence.
pub fn changed_titles(parts: &[DossierPart]) -> String {
    parts
        .iter()
        .filter(|p| p.changed)
        .map(|p| p.title)
        .collect::<Vec<_>>()
        .join("、")
}

/// A slot's files in the dossier.
pub struct DossierFiles {
    pub label: String,
    pub ids: Vec<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_detail.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    name: String,
    id_number: String,
    parts: Vec<DossierPart>,
    files: Vec<DossierFiles>,
    files_base: String,
    frozen: bool,
}

/// 详情 and 申报表: the dossier as submitted (or the draft so far), printable on A4.
async fn detail(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<DetailPage> {
    let app = applications::mine(&state.db, user.id, id).await?;
    let (parts, files) = dossier_view(&state, &app).await?;
    let me = zc_db::applicants::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let card = Card::of(&app).with_return(&state, &app).await?;
    Ok(DetailPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        frozen: !card.status.is_editable(),
        files_base: format!("/my/applications/{}/files", card.id),
        ctx,
        card,
        name: me.name,
        id_number: me.id_number_masked,
        parts,
        files,
    })
}

/// The applicant as a reviewer's heading names them: `张三（4501**********1234）`.
pub(crate) async fn applicant_heading(
    state: &AppState,
    app: &zc_db::applications::ApplicationRow,
) -> AppResult<String> {
    Ok(zc_db::applicants::find(&state.db, app.applicant_id)
        .await?
        .map(|a| format!("{}（{}）", a.name, a.id_number_masked))
        .unwrap_or_default())
}

/// The dossier of an application as read-only parts and pictures, for the applicant and
/// for the staff who review it.
pub(crate) async fn dossier_view(
    state: &AppState,
    app: &zc_db::applications::ApplicationRow,
) -> AppResult<(Vec<DossierPart>, Vec<DossierFiles>)> {
    use zc_domain::application::sections::{PartData, PartShape, sections_for};
    let dossier = zc_services::application_parts::dossier(&state.db, app).await?;
    let changed = zc_services::application_parts::changed_since_return(&state.db, app).await?;
    let parts = sections_for(app.kind)
        .iter()
        .flat_map(|s| s.parts.iter())
        .map(|p| {
            let data = dossier.get(p.code).cloned().unwrap_or_default();
            let mut part = DossierPart {
                title: p.title,
                changed: changed.iter().any(|c| c == p.code),
                pairs: Vec::new(),
                headers: p.fields.iter().map(|f| f.label).collect(),
                rows: Vec::new(),
                summary: None,
            };
            match (p.shape, data) {
                (PartShape::Single, PartData::Single(v)) => {
                    part.pairs = p
                        .fields
                        .iter()
                        .map(|f| (f.label, v.get(f.key).cloned().unwrap_or_default()))
                        .collect();
                }
                (PartShape::Rows { .. }, PartData::Rows(rows)) => {
                    part.rows = rows
                        .iter()
                        .map(|r| {
                            p.fields
                                .iter()
                                .map(|f| r.get(f.key).cloned().unwrap_or_default())
                                .collect()
                        })
                        .collect();
                }
                (PartShape::Summary, PartData::Summary { html, .. }) => part.summary = Some(html),
                _ => {}
            }
            part
        })
        .collect();
    let all = zc_db::application_files::for_application(&state.db, app.id).await?;
    let files = zc_services::application_files::slots(&state.db, app)
        .await?
        .into_iter()
        .map(|s| DossierFiles {
            ids: all
                .iter()
                .filter(|f| f.slot == s.code && f.confirmed)
                .map(|f| f.id)
                .collect(),
            label: s.label,
        })
        .filter(|f| !f.ids.is_empty())
        .collect();
    Ok((parts, files))
}

/// The history as the seed shows it: newest first, each recorded step 已办结.
pub(crate) fn history_lines(events: Vec<EventRow>) -> Vec<HistoryLine> {
    events
        .into_iter()
        .rev()
        .map(|e| HistoryLine {
            at: format_time(e.at),
            step: e.step,
            result: if e.opinion.is_empty() {
                e.action
            } else {
                format!("{}：{}", e.action, e.opinion)
            },
            org: e.org_name,
            status: "已办结",
        })
        .collect()
}

/// The history table of an application (the caller has checked who may see it).
pub(crate) async fn history(state: &AppState, id: i64) -> AppResult<Vec<HistoryLine>> {
    Ok(history_lines(
        zc_db::applications::events(&state.db, id).await?,
    ))
}

/// A picture of an application, once the caller has checked who may see it; `private,
/// no-store` so that a shared computer keeps nothing.
pub(crate) async fn serve_file(
    state: &AppState,
    application_id: i64,
    file_id: i64,
) -> AppResult<axum::response::Response> {
    use axum::{http::header, response::IntoResponse};
    let row = zc_db::application_files::find(&state.db, application_id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = crate::files::kept_bytes(&state.config.storage, &row.file_key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        bytes,
    )
        .into_response())
}
