//! `/office/delivery` — 证书领取与邮寄 at a 职改办: switching mailing on with its postage,
//! the desk that records who collected a certificate, and the mailing list (EMS tracking
//! numbers, and the .xlsx for EMS).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::{Portal, delivery::DeliveryState, payment::Fen};
use zc_services::{FieldErrors, ServiceError, delivery, delivery_desk};

use crate::{
    context::PageContext,
    error::AppResult,
    extract::{ClientIp, Staff},
    pager::Pager,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/delivery", get(page))
        .route("/delivery/mailing", post(set_mailing))
        .route("/delivery/hand-over", post(hand_over))
        .route("/delivery/{id}/sent", post(sent))
        // A POST: the export is audited, and a GET never writes.
        .route("/delivery/export.xlsx", post(export))
}

/// A line of the mailing list.
struct MailLine {
    id: i64,
    number: String,
    holder: String,
    to: String,
    state: &'static str,
    may_send: bool,
    tracking_no: String,
    sent_at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/delivery.html")]
struct DeliveryPage {
    ctx: PageContext,
    nav: Nav,
    enabled: bool,
    postage: String,
    lines: Vec<MailLine>,
    pager: Pager,
    /// What a refused form held, by field.
    typed: Typed,
    errors: FieldErrors,
    /// A confirmation or a refusal not tied to a field.
    message: Option<String>,
}

/// Every form of the page, as posted.
#[derive(Debug, Default, Deserialize)]
struct Typed {
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    postage: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    collected_by: String,
    #[serde(default)]
    tracking_no: String,
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    page: Option<u64>,
    per_page: Option<u64>,
    done: Option<String>,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    ctx: PageContext,
    q: PageQuery,
    typed: Typed,
    errors: FieldErrors,
    message: Option<String>,
) -> AppResult<Response> {
    let office = staff.org("office")?;
    let mailing = zc_db::deliveries::mailing(&state.db, office).await?;
    let total = zc_db::deliveries::mail_count(&state.db, office).await? as u64;
    let pager = Pager::new(total, q.page, q.per_page, "/office/delivery", Vec::new());
    let lines = zc_db::deliveries::mail_list(
        &state.db,
        office,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|d| {
        let s = delivery::state_of(&d);
        MailLine {
            id: d.id,
            to: format!(
                "{} {} {}{}{}",
                d.recipient, d.phone, d.province, d.city, d.address
            ),
            number: d.number,
            holder: d.holder_name,
            state: s.label(),
            may_send: s == DeliveryState::ToSend,
            tracking_no: d.tracking_no.unwrap_or_default(),
            sent_at: d.sent_at.map(format_time).unwrap_or_default(),
        }
    })
    .collect();
    let message = message.or_else(|| q.done.as_deref().and_then(confirmation));
    Ok(DeliveryPage {
        nav: portal_nav(Portal::Office, "/office/delivery"),
        ctx,
        enabled: mailing.enabled,
        postage: Fen(mailing.postage_fen).to_string(),
        lines,
        pager,
        typed,
        errors,
        message,
    }
    .into_response())
}

async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let ctx = staff.ctx.clone();
    render(
        &state,
        &staff,
        ctx,
        q,
        Typed::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// Shows a refusal on the page with what was typed, or passes other errors on.
async fn refused(
    state: &AppState,
    staff: &Staff,
    typed: Typed,
    e: ServiceError,
) -> AppResult<Response> {
    let ctx = staff.ctx.clone();
    match e {
        ServiceError::Invalid(errors) => {
            render(state, staff, ctx, PageQuery::default(), typed, errors, None).await
        }
        ServiceError::Refused { message, .. } => {
            let q = PageQuery::default();
            render(
                state,
                staff,
                ctx,
                q,
                typed,
                FieldErrors::default(),
                Some(message),
            )
            .await
        }
        e => Err(e.into()),
    }
}

/// Back to the page with a confirmation; the query names it by code, so a crafted link
/// cannot put words on the page.
fn done(code: &str) -> Response {
    Redirect::to(&format!("/office/delivery?done={code}")).into_response()
}

/// The confirmation a `done` code stands for.
fn confirmation(code: &str) -> Option<String> {
    match code {
        "mailing" => Some("邮寄设置已保存".into()),
        "handed" => Some("已登记现场领取，申报进度已更新为已领取".into()),
        "sent" => Some("已登记寄出，持证人可在证书管理中查看运单号".into()),
        _ => None,
    }
}

async fn set_mailing(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<Typed>,
) -> AppResult<Response> {
    let actor = staff.user.actor(&ip);
    match delivery_desk::set_mailing(&state.db, actor, f.enabled.is_some(), &f.postage).await {
        Ok(()) => Ok(done("mailing")),
        Err(e) => refused(&state, &staff, f, e).await,
    }
}

async fn hand_over(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<Typed>,
) -> AppResult<Response> {
    let actor = staff.user.actor(&ip);
    match delivery_desk::hand_over(&state.db, actor, &f.number, &f.collected_by).await {
        Ok(_) => Ok(done("handed")),
        Err(e) => refused(&state, &staff, f, e).await,
    }
}

async fn sent(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<Typed>,
) -> AppResult<Response> {
    let actor = staff.user.actor(&ip);
    match delivery_desk::send(&state.db, actor, id, &f.tracking_no).await {
        Ok(()) => Ok(done("sent")),
        Err(e) => refused(&state, &staff, f, e).await,
    }
}

async fn export(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let bytes = delivery_desk::mailing_sheet(&state.db, staff.user.actor(&ip)).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mailing.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
