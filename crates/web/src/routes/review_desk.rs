//! The queue routes every review desk has (unit, 主管部门, 职改办): the list, 生成花名册
//! (rate limited) and 批量办理. A desk says only which queue is the signed-in person's and
//! how it decides one dossier of a batch.

use axum::{
    Form, Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use zc_services::review_batch::{self, BatchDecision};

use crate::{
    error::AppResult,
    extract::{ClientIp, Staff},
    routes::{
        review_form::Posted,
        review_queue::{
            QueueDesk, QueuePage, QueueQuery, back_to_queue, batch_ids, queue_page, roster_request,
        },
    },
    state::AppState,
};

/// A review desk's own part.
pub(crate) trait ReviewDesk: Send + Sync + 'static {
    /// The signed-in staff member's queue (403 for staff of another kind).
    fn desk(staff: &Staff) -> AppResult<QueueDesk>;

    /// What its 批量办理 does to each dossier, with the posted opinion.
    fn batch_decision(opinion: String) -> BatchDecision;
}

/// `/applications`, `/applications/batch` and `/applications/roster` for desk `D`.
pub(crate) fn queue_routes<D: ReviewDesk>() -> Router<AppState> {
    Router::new()
        .route("/applications", get(queue::<D>))
        .route("/applications/batch", post(batch::<D>))
        .route(
            "/applications/roster",
            post(roster::<D>).layer(axum::middleware::from_fn_with_state(
                crate::middleware::rate_limit::AddressLimit::per_minute("roster_export", 10, 5),
                crate::middleware::rate_limit::limit_writes,
            )),
        )
}

async fn queue<D: ReviewDesk>(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> AppResult<QueuePage> {
    let d = D::desk(&staff)?;
    queue_page(&state, staff.ctx, d, q).await
}

/// 生成花名册 of the filtered queue.
async fn roster<D: ReviewDesk>(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let d = D::desk(&staff)?;
    roster_request(&state, staff.ctx, &ip, d, Posted(fields)).await
}

/// 批量办理: the rows chosen, or every dossier matching the filter when the count the
/// person confirmed is still the count now; each dossier is its own decision, and one
/// that moved on meanwhile (or waits, as for the unit's publicity) is skipped and counted.
async fn batch<D: ReviewDesk>(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let d = D::desk(&staff)?;
    let posted = Posted(fields);
    let ids = batch_ids(&state, d.scope, d.tabs, &posted).await?;
    let actor = staff.user.actor(&ip);
    let decision = D::batch_decision(posted.value("opinion"));
    let tally = review_batch::decide_each(ids, |id| {
        review_batch::decide_one(&state.db, actor, id, &decision)
    })
    .await?;
    Ok(back_to_queue(&tally, d.base, d.tabs[0]))
}
