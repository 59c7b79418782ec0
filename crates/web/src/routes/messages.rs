//! `/messages` — 消息中心 for everyone signed in: newest first, paged. Reading the page
//! changes nothing (a GET never writes); 全部标为已读 is a form of its own.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use crate::{
    context::PageContext,
    error::AppResult,
    pager::Pager,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// The message centre's route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/messages", get(page))
        .route("/messages/read", post(mark_all_read))
}

/// A message as listed.
pub struct Item {
    pub title: String,
    pub body: String,
    pub link: String,
    pub unread: bool,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "messages.html")]
struct MessagesPage {
    ctx: PageContext,
    nav: Nav,
    items: Vec<Item>,
    pager: Pager,
    /// Whether 全部标为已读 is offered.
    any_unread: bool,
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Ok(Redirect::to("/login?next=%2Fmessages").into_response());
    };
    let total = zc_db::messages::count(&state.db, user.id).await? as u64;
    let pager = Pager::new(total, q.page, q.per_page, "/messages", Vec::new());
    let items = zc_db::messages::page(
        &state.db,
        user.id,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|m| Item {
        title: m.title,
        body: m.body,
        link: m.link,
        unread: m.read_at.is_none(),
        at: format_time(m.created_at),
    })
    .collect();
    let nav = portal_nav(user.role.portal(), "/messages");
    let any_unread = ctx.unread > 0;
    Ok(MessagesPage {
        ctx,
        nav,
        items,
        pager,
        any_unread,
    }
    .into_response())
}

/// 全部标为已读, then back to the list.
async fn mark_all_read(State(state): State<AppState>, ctx: PageContext) -> AppResult<Response> {
    let Some(user) = ctx.user else {
        return Ok(Redirect::to("/login?next=%2Fmessages").into_response());
    };
    zc_services::messages::mark_all_read(&state.db, user.id).await?;
    Ok(Redirect::to("/messages").into_response())
}
