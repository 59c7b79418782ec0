//! `/office/certificates` — 证书发放: the certificates this 职改办 issued, newest first,
//! each with its status, and 撤销 with a reason.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::Portal;

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppResult, refusal_message},
    pager::Pager,
    routes::my_certificates::CertificateView,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/certificates", get(list))
        .route("/certificates/{id}/revoke", post(revoke))
}

#[derive(Template, WebTemplate)]
#[template(path = "office/certificates.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    items: Vec<CertificateView>,
    pager: Pager,
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    q: ListQuery,
    message: Option<String>,
) -> AppResult<ListPage> {
    let office = crate::extract::office_desk(state, &ctx).await?;
    let total = zc_db::certificates::count_of_office(&state.db, office).await? as u64;
    let pager = Pager::new(
        total,
        q.page,
        q.per_page,
        "/office/certificates",
        Vec::new(),
    );
    let items = zc_db::certificates::of_office(
        &state.db,
        office,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .iter()
    .map(CertificateView::of)
    .collect();
    Ok(ListPage {
        nav: portal_nav(Portal::Office, "/office/certificates"),
        ctx,
        items,
        pager,
        message,
    })
}

async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    render(&state, ctx, q, None).await
}

/// The revoke form.
#[derive(Debug, Deserialize)]
struct RevokeForm {
    #[serde(default)]
    reason: String,
}

async fn revoke(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<RevokeForm>,
) -> AppResult<Response> {
    match zc_services::certificates::revoke(&state.db, user.actor(&ip), id, &f.reason).await {
        Ok(()) => Ok(Redirect::to("/office/certificates").into_response()),
        Err(e) => {
            let message = refusal_message(e)?;
            Ok(render(&state, ctx, ListQuery::default(), Some(message))
                .await?
                .into_response())
        }
    }
}
