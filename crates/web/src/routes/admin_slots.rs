//! `/admin/dictionary/slots` — 数据字典 · 上传材料: the province-wide upload slots of each
//! application type (name, required or not, how many pictures, how large, how sharp),
//! kept by the system administrator. A committee's own slots stay the committee's.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use zc_db::dictionary::SlotRow;
use zc_domain::{Portal, Role, application::ApplicationKind};
use zc_services::{FieldErrors, dictionary};

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::{AppError, AppResult, field_errors},
    routes::admin::any_admin,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/admin` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dictionary/slots", get(list))
        .route("/dictionary/slots/{id}", get(edit).post(save))
}

/// A slot as listed, with its application type's name.
pub struct SlotLine {
    pub kind: &'static str,
    pub slot: SlotRow,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/dictionary_slots.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    slots: Vec<SlotLine>,
    saved: bool,
}

/// `?saved=1` after a change.
#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<SavedQuery>,
) -> AppResult<ListPage> {
    any_admin(&ctx)?;
    let slots = zc_db::dictionary::slots(&state.db)
        .await?
        .into_iter()
        .map(|slot| SlotLine {
            kind: ApplicationKind::from_code(&slot.kind).map_or("", ApplicationKind::name),
            slot,
        })
        .collect();
    Ok(ListPage {
        nav: portal_nav(Portal::Admin, "/admin/dictionary"),
        ctx,
        slots,
        saved: q.saved.is_some(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/dictionary_slot.html")]
struct EditPage {
    ctx: PageContext,
    nav: Nav,
    line: SlotLine,
    typed: SlotForm,
    errors: FieldErrors,
    may_edit: bool,
}

/// A slot as typed.
#[derive(Debug, Default, Deserialize)]
struct SlotForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    required: Option<String>,
    #[serde(default)]
    min_count: String,
    #[serde(default)]
    max_count: String,
    #[serde(default)]
    max_kb: String,
    #[serde(default)]
    min_px: String,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    typed: Option<SlotForm>,
    errors: FieldErrors,
) -> AppResult<EditPage> {
    let user = any_admin(&ctx)?;
    let slot = zc_db::dictionary::slots(&state.db)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let typed = typed.unwrap_or_else(|| SlotForm {
        label: slot.label.clone(),
        required: slot.required.then(|| "on".into()),
        min_count: slot.min_count.to_string(),
        max_count: slot.max_count.to_string(),
        max_kb: slot.max_kb.to_string(),
        min_px: slot.min_px.to_string(),
    });
    Ok(EditPage {
        nav: portal_nav(Portal::Admin, "/admin/dictionary"),
        ctx,
        line: SlotLine {
            kind: ApplicationKind::from_code(&slot.kind).map_or("", ApplicationKind::name),
            slot,
        },
        typed,
        errors,
        may_edit: user.role == Role::SystemAdmin,
    })
}

async fn edit(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<EditPage> {
    render(&state, ctx, id, None, FieldErrors::default()).await
}

async fn save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<SlotForm>,
) -> AppResult<Response> {
    let user = any_admin(&ctx)?;
    let input = dictionary::SlotInput {
        label: f.label.clone(),
        required: f.required.is_some(),
        min_count: f.min_count.clone(),
        max_count: f.max_count.clone(),
        max_kb: f.max_kb.clone(),
        min_px: f.min_px.clone(),
    };
    match dictionary::update_slot(&state.db, user.actor(&ip), id, &input).await {
        Ok(()) => Ok(Redirect::to("/admin/dictionary/slots?saved=1").into_response()),
        Err(e) => {
            let errors = field_errors(e, "label")?;
            Ok(render(&state, ctx, id, Some(f), errors)
                .await?
                .into_response())
        }
    }
}
