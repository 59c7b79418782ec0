//! `/my/certificates` — 证书管理 for the holder: their certificates with status, a
//! printable certificate with photo and QR code, and how often and when it was verified.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::get,
};
use zc_db::certificates::CertificateRow;
use zc_domain::{Portal, TitleLevel};

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/certificates", get(list))
        .route("/certificates/{id}", get(show))
        .route("/certificates/{id}/photo", get(photo))
}

/// A certificate as shown to its holder and on the public page.
pub struct CertificateView {
    pub id: i64,
    pub number: String,
    pub holder_name: String,
    pub id_number_masked: String,
    pub unit_name: String,
    pub qualification: String,
    pub committee_name: String,
    pub way: String,
    pub doc_number: String,
    pub issued_on: String,
    pub status: &'static str,
    pub valid: bool,
    pub view_count: i64,
    /// 来源: 新发 or 审验归集.
    pub source: &'static str,
}

impl CertificateView {
    /// The view of a row.
    pub fn of(c: &CertificateRow) -> CertificateView {
        CertificateView {
            id: c.id,
            number: c.number.clone(),
            holder_name: c.holder_name.clone(),
            id_number_masked: c.id_number_masked.clone(),
            unit_name: c.unit_name.clone(),
            qualification: format!(
                "{}系列 {} {}",
                c.series_name,
                TitleLevel::from_rank(c.level_rank).map_or("", TitleLevel::name),
                c.title_name
            ),
            committee_name: c.committee_name.clone(),
            way: c.way.clone(),
            doc_number: c.doc_number.clone(),
            issued_on: c.issued_on.format("%Y年%m月%d日").to_string(),
            status: c.status.name(),
            valid: c.status.is_valid(),
            view_count: c.view_count,
            source: c.source.name(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/certificates.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    items: Vec<(CertificateView, crate::routes::my_delivery::DeliveryView)>,
}

async fn list(State(state): State<AppState>, ctx: PageContext) -> AppResult<ListPage> {
    let user = ctx.signed_in()?;
    let mut items = Vec::new();
    for c in zc_db::certificates::of_holder(&state.db, user.id).await? {
        let delivery = crate::routes::my_delivery::DeliveryView::of(&state, &c).await?;
        items.push((CertificateView::of(&c), delivery));
    }
    Ok(ListPage {
        nav: portal_nav(Portal::My, "/my/certificates"),
        ctx,
        items,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "my/certificate.html")]
struct ShowPage {
    ctx: PageContext,
    nav: Nav,
    cert: CertificateView,
    qr_svg: String,
    verify_url: String,
    /// 证书签章, for the offline check link.
    seal: Option<String>,
    has_photo: bool,
    views: Vec<(String, &'static str)>,
}

/// The photo file of the application a certificate came from.
async fn photo_file(state: &AppState, c: &CertificateRow) -> AppResult<Option<(i64, i64)>> {
    let Some(app_id) = c.application_id else {
        return Ok(None);
    };
    Ok(zc_db::application_files::for_application(&state.db, app_id)
        .await?
        .into_iter()
        .find(|f| f.slot == "photo" && f.confirmed)
        .map(|f| (app_id, f.id)))
}

async fn show(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<ShowPage> {
    let cert = zc_services::certificates::of_holder(&state.db, user.id, id).await?;
    let verify_url = format!(
        "{}/verify/t/{}",
        state.config.public_url.trim_end_matches('/'),
        cert.token
    );
    // The QR code carries the seal after '#': phones open the online check, offline
    // checkers read the signed data.
    let qr_text = cert.seal.as_deref().map_or_else(
        || verify_url.clone(),
        |seal| zc_domain::certificate_seal::qr_text(&verify_url, seal),
    );
    let qr_svg = zc_docs::qr::svg(&qr_text, 200).unwrap_or_default();
    let views = zc_db::certificates::views(&state.db, cert.id, 50)
        .await?
        .into_iter()
        .map(|(channel, at)| {
            (
                format_time(at),
                if channel == "token" {
                    "扫码查验"
                } else {
                    "编号查验"
                },
            )
        })
        .collect();
    Ok(ShowPage {
        nav: portal_nav(Portal::My, "/my/certificates"),
        has_photo: photo_file(&state, &cert).await?.is_some(),
        cert: CertificateView::of(&cert),
        qr_svg,
        verify_url,
        seal: cert.seal.clone(),
        views,
        ctx,
    })
}

async fn photo(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cert = zc_services::certificates::of_holder(&state.db, user.id, id).await?;
    let (app_id, file) = photo_file(&state, &cert).await?.ok_or(AppError::NotFound)?;
    crate::routes::application_views::serve_file(&state, app_id, file).await
}
