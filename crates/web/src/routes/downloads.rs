//! 报表下载 — the PDFs a person may download: the applicant's 申报表 of each application
//! and each certificate (`/my/downloads`), and the 申报表 of a dossier on a reviewer's
//! desk. Each route checks the object as the dossier's own pages do, so no id in a URL
//! opens someone else's document; the service audits every download.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use zc_domain::{Portal, TitleLevel};
use zc_services::documents::{self, Document};

use crate::{
    context::PageContext,
    error::AppResult,
    extract::{ClientIp, SignedIn},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn my_routes() -> Router<AppState> {
    Router::new()
        .route("/downloads", get(my_downloads))
        .route("/applications/{id}/form.pdf", get(my_form))
        .route("/certificates/{id}/certificate.pdf", get(my_certificate))
}

/// Routes under `/unit`.
pub fn unit_routes() -> Router<AppState> {
    Router::new().route("/applications/{id}/form.pdf", get(unit_form))
}

/// Routes under `/office`.
pub fn office_routes() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/form.pdf", get(office_form))
        .route("/publicity.pdf", get(office_publicity))
}

/// A PDF response that the browser saves, never caches.
pub(crate) fn pdf(doc: Document) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", doc.file_name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        doc.bytes,
    )
        .into_response()
}

/// A line of the download list.
pub struct DownloadLine {
    pub what: String,
    pub detail: String,
    pub href: String,
    pub id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/downloads.html")]
struct DownloadsPage {
    ctx: PageContext,
    nav: Nav,
    forms: Vec<DownloadLine>,
    certificates: Vec<DownloadLine>,
}

async fn my_downloads(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
) -> AppResult<DownloadsPage> {
    let forms = zc_db::applications::for_applicant(&state.db, user.id)
        .await?
        .into_iter()
        .map(|a| DownloadLine {
            what: a.kind.form_title().to_string(),
            detail: format!(
                "{}年 {} {}（{}）· {}",
                a.year,
                a.series_name,
                a.title_name,
                TitleLevel::from_rank(a.level_rank).map_or("", TitleLevel::name),
                a.status.label()
            ),
            href: format!("/my/applications/{}/form.pdf", a.id),
            id: format!("form-{}", a.id),
        })
        .collect();
    let certificates = zc_db::certificates::of_holder(&state.db, user.id)
        .await?
        .into_iter()
        .map(|c| DownloadLine {
            what: "专业技术资格证书".to_string(),
            detail: format!(
                "{} · 证书编号 {} · {}",
                c.title_name,
                c.number,
                c.status.name()
            ),
            href: format!("/my/certificates/{}/certificate.pdf", c.id),
            id: format!("certificate-{}", c.id),
        })
        .collect();
    Ok(DownloadsPage {
        nav: portal_nav(Portal::My, "/my/downloads"),
        ctx,
        forms,
        certificates,
    })
}

async fn my_form(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let app = zc_services::applications::mine(&state.db, user.id, id).await?;
    form_of(&state, &user, &ip, &app).await
}

/// The 申报表 of a dossier the caller has been checked to see.
async fn form_of(
    state: &AppState,
    user: &crate::auth::SessionUser,
    ip: &str,
    app: &zc_db::applications::ApplicationRow,
) -> AppResult<Response> {
    let doc =
        documents::application_form(&state.db, user.actor(ip), &state.config.storage, app).await?;
    Ok(pdf(doc))
}

async fn my_certificate(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cert = zc_services::certificates::of_holder(&state.db, user.id, id).await?;
    let verify_url = format!(
        "{}/verify/t/{}",
        state.config.public_url.trim_end_matches('/'),
        cert.token
    );
    let doc = documents::certificate(
        &state.db,
        user.actor(&ip),
        &state.config.storage,
        &cert,
        &verify_url,
    )
    .await?;
    Ok(pdf(doc))
}

async fn unit_form(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let app = zc_services::unit_review::for_unit_staff(&state.db, user.id, id).await?;
    form_of(&state, &user, &ip, &app).await
}

async fn office_form(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let desk = zc_services::office_review::Desk::of(&state.db, user.id)
        .await
        .map_err(|_| crate::error::AppError::Forbidden)?;
    let app = zc_services::office_review::in_scope(&state.db, desk, id).await?;
    form_of(&state, &user, &ip, &app).await
}

/// The 职改办's 评审结果公示表: its dossiers' results under publicity now.
async fn office_publicity(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let office = match zc_services::office_review::Desk::of(&state.db, user.id).await {
        Ok(zc_services::office_review::Desk::Office(id)) => id,
        _ => return Err(crate::error::AppError::Forbidden),
    };
    let name = zc_db::reference::org_name(&state.db, "office", office)
        .await?
        .unwrap_or_default();
    let lines = zc_db::result_publicity::in_publicity_of_office(&state.db, office).await?;
    results_sheet(&state, &user, &ip, format!("office:{office}"), name, lines).await
}

/// A 评审结果公示表 PDF of `lines` still in publicity, published by `issuer`.
pub(crate) async fn results_sheet(
    state: &AppState,
    user: &crate::auth::SessionUser,
    ip: &str,
    object: String,
    issuer: String,
    lines: Vec<zc_db::result_publicity::PublicLine>,
) -> AppResult<Response> {
    let today = state.db.today();
    let rows: Vec<Vec<String>> = lines
        .into_iter()
        .filter(|l| l.status == "in_publicity")
        .map(|l| crate::routes::result_publicity::ResultLine::of(l, false, today))
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.name,
                l.unit,
                format!("{}系列/{}/{}", l.series, l.level, l.title),
                l.period,
            ]
        })
        .collect();
    let text = zc_services::documents::SheetText {
        title: format!("{issuer}评审结果公示表"),
        intro: format!(
            "经评审委员会评审，以下{}名同志通过评审，现予公示。",
            rows.len()
        ),
        closing:
            "公示期间如有异议，请在平台“评审结果公示”页面实名提出，或向评审委员会办事机构反映。"
                .into(),
        issuer,
    };
    let doc = zc_services::documents::publicity_sheet(
        &state.db,
        user.actor(ip),
        &object,
        text,
        vec!["序号", "姓名", "工作单位", "资格名称", "公示期"],
        rows,
    )
    .await?;
    Ok(pdf(doc))
}
