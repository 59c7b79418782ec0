//! `/office/feedback` — 意见建议 sent to this 职改办: the open ones oldest first, filtered
//! by status and category, each answered once; the contact shows masked until the
//! staff member asks for it (audited).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::{
    Portal,
    feedback::{FeedbackCategory, FeedbackStatus, REPLY_MAX},
};
use zc_services::{FieldErrors, feedback};

use crate::extract::{ClientIp, Staff};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, field_errors},
    pager::Pager,
    routes::{
        my_feedback::{FeedbackView, serve_picture},
        review_queue::Choice,
    },
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feedback", get(list))
        .route("/feedback/{id}", get(detail))
        .route("/feedback/{id}/reply", post(reply))
        .route("/feedback/{id}/contact", post(contact))
        .route("/feedback/{id}/picture", get(picture))
}

#[derive(Template, WebTemplate)]
#[template(path = "office/feedback_list.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    items: Vec<FeedbackView>,
    pager: Pager,
}

/// The filter: `status` (待回复 by default; `all` for every one) and `category`.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    status: Option<String>,
    category: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let office = crate::extract::office_desk(&state, &staff.ctx).await?;
    let status = match q.status.as_deref() {
        Some("all") => "",
        Some(s) => FeedbackStatus::from_code(s).map_or("open", FeedbackStatus::code),
        None => "open",
    };
    let category = q
        .category
        .as_deref()
        .and_then(FeedbackCategory::from_code)
        .map_or("", FeedbackCategory::code);
    let total = zc_db::feedback::count_of_office(&state.db, office, status, category).await? as u64;
    let shown_status = if status.is_empty() { "all" } else { status };
    let pager = Pager::new(
        total,
        q.page,
        q.per_page,
        "/office/feedback",
        vec![
            ("status".into(), shown_status.into()),
            ("category".into(), category.into()),
        ],
    );
    let items = zc_db::feedback::of_office(
        &state.db,
        office,
        status,
        category,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(FeedbackView::of)
    .collect();
    let statuses = [("open", "待回复"), ("answered", "已回复"), ("all", "全部")]
        .into_iter()
        .map(|(v, l)| Choice {
            selected: v == shown_status,
            value: v.into(),
            label: l.into(),
        })
        .collect();
    let categories = std::iter::once(Choice {
        selected: category.is_empty(),
        value: String::new(),
        label: "全部类别".into(),
    })
    .chain(FeedbackCategory::ALL.into_iter().map(|c| Choice {
        selected: c.code() == category,
        value: c.code().into(),
        label: c.label().into(),
    }))
    .collect();
    Ok(ListPage {
        nav: portal_nav(Portal::Office, "/office/feedback"),
        ctx: staff.ctx,
        statuses,
        categories,
        items,
        pager,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "office/feedback_detail.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    item: FeedbackView,
    /// The full contact, shown once after 查看完整联系方式.
    contact: Option<String>,
    typed: String,
    errors: FieldErrors,
    reply_max: usize,
    replied: bool,
}

/// Feedback sent to the staff member's office; another office's is "not found".
async fn of_my_office(state: &AppState, staff: &Staff, id: i64) -> AppResult<FeedbackView> {
    let office = crate::extract::office_desk(state, &staff.ctx).await?;
    zc_db::feedback::find(&state.db, id)
        .await?
        .filter(|f| f.office_id == office)
        .map(FeedbackView::of)
        .ok_or(AppError::NotFound)
}

async fn render(
    state: &AppState,
    staff: Staff,
    id: i64,
    contact: Option<String>,
    typed: String,
    errors: FieldErrors,
) -> AppResult<DetailPage> {
    let item = of_my_office(state, &staff, id).await?;
    Ok(DetailPage {
        nav: portal_nav(Portal::Office, "/office/feedback"),
        ctx: staff.ctx,
        item,
        contact,
        typed,
        errors,
        reply_max: REPLY_MAX,
        replied: false,
    })
}

/// `?replied=1` after a reply.
#[derive(Debug, Default, Deserialize)]
struct DetailQuery {
    replied: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<DetailPage> {
    let mut page = render(
        &state,
        staff,
        id,
        None,
        String::new(),
        FieldErrors::default(),
    )
    .await?;
    page.replied = q.replied.is_some();
    Ok(page)
}

/// The reply as typed.
#[derive(Debug, Default, Deserialize)]
struct ReplyForm {
    #[serde(default)]
    reply: String,
}

async fn reply(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> AppResult<Response> {
    let errors = match feedback::reply(&state.db, staff.user.actor(&ip), id, &f.reply).await {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/office/feedback/{id}?replied=1")).into_response());
        }
        Err(e) => field_errors(e, "reply")?,
    };
    Ok(render(&state, staff, id, None, f.reply, errors)
        .await?
        .into_response())
}

async fn contact(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<DetailPage> {
    let full = feedback::reveal_contact(&state.db, &state.vault, staff.user.actor(&ip), id).await?;
    render(
        &state,
        staff,
        id,
        Some(full),
        String::new(),
        FieldErrors::default(),
    )
    .await
}

async fn picture(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let office = crate::extract::office_desk(&state, &staff.ctx).await?;
    let row = zc_db::feedback::find(&state.db, id)
        .await?
        .filter(|f| f.office_id == office)
        .ok_or(AppError::NotFound)?;
    serve_picture(&state, row.picture_key.as_deref()).await
}
