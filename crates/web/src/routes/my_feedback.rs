//! `/my/feedback` — 意见建议: a person writes to a 职改办 (category, text, an optional
//! contact and picture) and reads the replies. Only their own feedback opens.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use zc_domain::{
    Portal,
    feedback::{BODY_MAX, FeedbackCategory, FeedbackStatus},
    organisation::OfficeKind,
};
use zc_services::{
    FieldErrors,
    feedback::{self, FeedbackInput},
};
use zc_storage::images::MAX_UPLOAD_BYTES;

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, field_errors},
    files,
    pager::Pager,
    routes::review_queue::Choice,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feedback", get(list))
        .route(
            "/feedback/new",
            get(new_form)
                .post(send)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/feedback/{id}", get(detail))
        .route("/feedback/{id}/picture", get(picture))
}

/// A piece of feedback as its author and the office read it.
pub struct FeedbackView {
    pub id: i64,
    pub category: &'static str,
    pub office: String,
    pub author: String,
    pub body: String,
    pub contact_masked: String,
    pub has_picture: bool,
    pub answered: bool,
    pub status: &'static str,
    pub reply: String,
    pub replied_at: String,
    pub created: String,
}

impl FeedbackView {
    /// The view of a stored row.
    pub fn of(f: zc_db::feedback::FeedbackRow) -> FeedbackView {
        let status = FeedbackStatus::from_code(&f.status).unwrap_or(FeedbackStatus::Open);
        FeedbackView {
            id: f.id,
            category: FeedbackCategory::from_code(&f.category).map_or("", FeedbackCategory::label),
            office: f.office_name,
            author: f.author_name,
            body: f.body,
            contact_masked: f.contact_masked,
            has_picture: f.picture_key.is_some(),
            answered: status == FeedbackStatus::Answered,
            status: status.label(),
            reply: f.reply,
            replied_at: f.replied_at.map(format_time).unwrap_or_default(),
            created: format_time(f.created_at),
        }
    }

    /// The first line of the text, shortened for a list.
    pub fn gist(&self) -> String {
        let first = self.body.lines().next().unwrap_or_default();
        if first.chars().count() > 40 {
            format!("{}…", first.chars().take(40).collect::<String>())
        } else {
            first.to_string()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/feedback_list.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    items: Vec<FeedbackView>,
    pager: Pager,
    sent: bool,
}

/// `?page=`, `?per_page=` and `?sent=1` after sending.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    page: Option<u64>,
    per_page: Option<u64>,
    sent: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let total = zc_db::feedback::count_of_account(&state.db, user.id).await? as u64;
    let pager = Pager::new(total, q.page, q.per_page, "/my/feedback", Vec::new());
    let items = zc_db::feedback::of_account(
        &state.db,
        user.id,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(FeedbackView::of)
    .collect();
    Ok(ListPage {
        nav: portal_nav(Portal::My, "/my/feedback"),
        ctx,
        items,
        pager,
        sent: q.sent.is_some(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "my/feedback_new.html")]
struct NewPage {
    ctx: PageContext,
    nav: Nav,
    offices: Vec<Choice>,
    categories: Vec<Choice>,
    typed: FeedbackInput,
    errors: FieldErrors,
    /// A picture was chosen but the form came back: it must be chosen again.
    picture_dropped: bool,
    body_max: usize,
}

async fn render_new(
    state: &AppState,
    ctx: PageContext,
    user_id: i64,
    mut typed: FeedbackInput,
    errors: FieldErrors,
    picture_dropped: bool,
) -> AppResult<NewPage> {
    if typed.office_id.is_empty() {
        // The office of the person's latest application answers by default.
        typed.office_id = zc_db::applications::for_applicant(&state.db, user_id)
            .await?
            .first()
            .map(|a| a.office_id.to_string())
            .unwrap_or_default();
    }
    let offices = zc_db::reference::offices(&state.db)
        .await?
        .into_iter()
        .filter(|o| o.kind != OfficeKind::Department.code())
        .map(|o| Choice {
            selected: typed.office_id == o.id.to_string(),
            value: o.id.to_string(),
            label: o.name,
        })
        .collect();
    let categories = FeedbackCategory::ALL
        .into_iter()
        .map(|c| Choice {
            selected: typed.category == c.code(),
            value: c.code().to_string(),
            label: c.label().to_string(),
        })
        .collect();
    Ok(NewPage {
        nav: portal_nav(Portal::My, "/my/feedback"),
        ctx,
        offices,
        categories,
        typed,
        errors,
        picture_dropped,
        body_max: BODY_MAX,
    })
}

async fn new_form(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
) -> AppResult<NewPage> {
    render_new(
        &state,
        ctx,
        user.id,
        FeedbackInput::default(),
        FieldErrors::default(),
        false,
    )
    .await
}

async fn send(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let posted = files::posted_form(&mut multipart, "picture").await?;
    let input = FeedbackInput {
        office_id: posted.text("office_id"),
        category: posted.text("category"),
        body: posted.text("body"),
        contact: posted.text("contact"),
    };
    let had_picture = posted.file.is_some();
    let sent = feedback::send(
        &state.db,
        &state.vault,
        &state.config.storage,
        user.actor(&ip),
        &input,
        posted.file,
    )
    .await;
    let errors = match sent {
        Ok(_) => return Ok(Redirect::to("/my/feedback?sent=1").into_response()),
        Err(e) => field_errors(e, "body")?,
    };
    Ok(render_new(&state, ctx, user.id, input, errors, had_picture)
        .await?
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "my/feedback_detail.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    item: FeedbackView,
}

/// The person's own feedback; anyone else's is "not found".
async fn own(state: &AppState, user_id: i64, id: i64) -> AppResult<zc_db::feedback::FeedbackRow> {
    zc_db::feedback::find(&state.db, id)
        .await?
        .filter(|f| f.account_id == user_id)
        .ok_or(AppError::NotFound)
}

async fn detail(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<DetailPage> {
    let item = FeedbackView::of(own(&state, user.id, id).await?);
    Ok(DetailPage {
        nav: portal_nav(Portal::My, "/my/feedback"),
        ctx,
        item,
    })
}

async fn picture(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let row = own(&state, user.id, id).await?;
    serve_picture(&state, row.picture_key.as_deref()).await
}

/// A feedback picture, once the caller has checked who may see it.
pub(crate) async fn serve_picture(state: &AppState, key: Option<&str>) -> AppResult<Response> {
    let bytes = files::kept_bytes(&state.config.storage, key.ok_or(AppError::NotFound)?).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        bytes,
    )
        .into_response())
}
