//! The forms of the section pages: saving field sets, table rows and their order, the
//! summary, drafts saved by script, and the same forms on the 个人资料 pages.

use std::collections::BTreeMap;

use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::application::sections::{SectionSpec, Values};
use zc_services::{
    FieldErrors, ServiceError,
    application_parts::{self, RowAction},
};

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    routes::application_sections::{Scope, ShowQuery, Typed, render},
    state::AppState,
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/sections/{section}", get(show))
        .route("/applications/{id}/parts/{part}", post(save_single))
        .route("/applications/{id}/parts/{part}/rows", post(save_row))
        .route(
            "/applications/{id}/parts/{part}/rows/{index}/{action}",
            post(row_action),
        )
        .route("/applications/{id}/summary", post(save_summary))
        .route("/applications/{id}/parts/{part}/order", post(reorder))
        .route("/profile/parts/{part}/order", post(archive_reorder))
        .route(
            "/applications/{id}/parts/{part}/archive",
            post(save_to_archive),
        )
        .route(
            "/profile",
            get(|| async { Redirect::to("/my/profile/sections/basic") }),
        )
        .route("/profile/sections/{section}", get(archive_show))
        .route("/profile/parts/{part}", post(archive_save_single))
        .route("/profile/parts/{part}/rows", post(archive_save_row))
        .route(
            "/profile/parts/{part}/rows/{index}/{action}",
            post(archive_row_action),
        )
}

/// The posted fields, without the CSRF token.
fn posted(fields: Vec<(String, String)>) -> Values {
    fields
        .into_iter()
        .filter(|(k, _)| k != "_csrf" && k != "row")
        .collect::<BTreeMap<_, _>>()
}

fn section_of_part(part_code: &str) -> AppResult<&'static SectionSpec> {
    zc_domain::application::sections::part(part_code)
        .map(|(s, _)| s)
        .ok_or(AppError::NotFound)
}

fn saved_redirect(scope: Scope, section: &SectionSpec, part: &str) -> Response {
    Redirect::to(&format!(
        "{}/sections/{}?saved={part}#part-{part}",
        scope.base(),
        section.code
    ))
    .into_response()
}

/// Shows the form again with what was typed, or passes other errors on.
async fn refused(
    state: &AppState,
    ctx: PageContext,
    scope: Scope,
    section: &SectionSpec,
    typed: Typed,
    e: ServiceError,
) -> AppResult<Response> {
    match e {
        ServiceError::Invalid(errors) => {
            let typed = Typed { errors, ..typed };
            render(state, ctx, scope, section.code, typed, ShowQuery::default()).await
        }
        // A rule of the dossier (e.g. 申报信息 frozen by its 遗失公示): said on the page,
        // with what was typed.
        ServiceError::Refused {
            code: "frozen",
            message,
        } => {
            let mut errors = FieldErrors::default();
            errors.add("part", message);
            let typed = Typed { errors, ..typed };
            render(state, ctx, scope, section.code, typed, ShowQuery::default()).await
        }
        other => Err(other.into()),
    }
}

/// A draft saved by the page's script a few seconds after a change (header
/// `X-Autosave: 1`): answered with 204 and the time, or 422 and the messages, never with
/// a page.
fn autosave_answer(
    result: Result<(), ServiceError>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Response> {
    match result {
        Ok(()) => {
            let at = now
                .with_timezone(&crate::views::cst())
                .format("%H:%M")
                .to_string();
            Ok((axum::http::StatusCode::NO_CONTENT, [("x-saved-at", at)]).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(serde_json::json!({ "errors": errors.0 })),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

fn is_autosave(headers: &axum::http::HeaderMap) -> bool {
    headers.get("x-autosave").is_some()
}

async fn do_save_single(
    state: AppState,
    ctx: PageContext,
    scope: Scope,
    part_code: String,
    fields: Vec<(String, String)>,
    autosave: bool,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let section = section_of_part(&part_code)?;
    let values = posted(fields);
    let owner = scope.owner(user.id);
    // Dates of 基本情况 are checked against the birth date in the sealed ID number.
    let birth = if part_code == zc_domain::application::recognition::BASIC_PART {
        zc_services::recognition::birth_of(&state.db, &state.vault, user.id).await?
    } else {
        None
    };
    let result = application_parts::save_single(&state.db, owner, &part_code, &values, birth).await;
    if autosave {
        return autosave_answer(result, state.db.now());
    }
    match result {
        Ok(()) => {
            // 遗失补办: saving 申报信息 leads on to 保存信息确认 once it can be confirmed.
            if let Scope::Application(id) = scope
                && part_code == zc_domain::application::replacement::INFO_PART
            {
                let app = zc_services::applications::mine(&state.db, user.id, id).await?;
                if zc_services::replacement::not_ready(&state.db, &app)
                    .await?
                    .is_none()
                {
                    return Ok(
                        Redirect::to(&format!("/my/applications/{id}/loss-notice")).into_response()
                    );
                }
            }
            Ok(saved_redirect(scope, section, &part_code))
        }
        Err(e) => {
            let typed = Typed {
                part: part_code,
                values,
                ..Typed::default()
            };
            refused(&state, ctx, scope, section, typed, e).await
        }
    }
}

async fn do_save_row(
    state: AppState,
    ctx: PageContext,
    scope: Scope,
    part_code: String,
    fields: Vec<(String, String)>,
    autosave: bool,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let section = section_of_part(&part_code)?;
    let row = fields
        .iter()
        .find(|(k, _)| k == "row")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let values = posted(fields);
    let owner = scope.owner(user.id);
    let result = application_parts::save_row(&state.db, owner, &part_code, row, &values).await;
    if autosave {
        let index = result.as_ref().ok().copied();
        let mut answer = autosave_answer(result.map(|_| ()), state.db.now())?;
        if let Some(i) = index
            && let Ok(v) = axum::http::HeaderValue::from_str(&i.to_string())
        {
            answer.headers_mut().insert("x-row-index", v);
        }
        return Ok(answer);
    }
    match result {
        Ok(_) => Ok(saved_redirect(scope, section, &part_code)),
        Err(e) => {
            let typed = Typed {
                part: part_code,
                values,
                row,
                ..Typed::default()
            };
            refused(&state, ctx, scope, section, typed, e).await
        }
    }
}

async fn do_row_action(
    state: AppState,
    ctx: PageContext,
    scope: Scope,
    part_code: String,
    index: usize,
    action: String,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let section = section_of_part(&part_code)?;
    let action = match action.as_str() {
        "delete" => RowAction::Delete,
        "up" => RowAction::Up,
        "down" => RowAction::Down,
        _ => return Err(AppError::NotFound),
    };
    application_parts::row_action(&state.db, scope.owner(user.id), &part_code, index, action)
        .await?;
    Ok(saved_redirect(scope, section, &part_code))
}

async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, section_code)): Path<(i64, String)>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    render(
        &state,
        ctx,
        Scope::Application(id),
        &section_code,
        Typed::default(),
        q,
    )
    .await
}

async fn save_single(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: axum::http::HeaderMap,
    Path((id, part_code)): Path<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let autosave = is_autosave(&headers);
    do_save_single(
        state,
        ctx,
        Scope::Application(id),
        part_code,
        fields,
        autosave,
    )
    .await
}

async fn save_row(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: axum::http::HeaderMap,
    Path((id, part_code)): Path<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let autosave = is_autosave(&headers);
    do_save_row(
        state,
        ctx,
        Scope::Application(id),
        part_code,
        fields,
        autosave,
    )
    .await
}

async fn row_action(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, part_code, index, action)): Path<(i64, String, usize, String)>,
) -> AppResult<Response> {
    do_row_action(state, ctx, Scope::Application(id), part_code, index, action).await
}

async fn archive_show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(section_code): Path<String>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    render(
        &state,
        ctx,
        Scope::Archive,
        &section_code,
        Typed::default(),
        q,
    )
    .await
}

async fn archive_save_single(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: axum::http::HeaderMap,
    Path(part_code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let autosave = is_autosave(&headers);
    do_save_single(state, ctx, Scope::Archive, part_code, fields, autosave).await
}

async fn archive_save_row(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: axum::http::HeaderMap,
    Path(part_code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let autosave = is_autosave(&headers);
    do_save_row(state, ctx, Scope::Archive, part_code, fields, autosave).await
}

async fn archive_row_action(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((part_code, index, action)): Path<(String, usize, String)>,
) -> AppResult<Response> {
    do_row_action(state, ctx, Scope::Archive, part_code, index, action).await
}

/// 保存到个人资料 from an application's part.
async fn save_to_archive(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path((id, part_code)): Path<(i64, String)>,
) -> AppResult<Response> {
    let section = section_of_part(&part_code)?;
    application_parts::save_to_archive(&state.db, user.id, id, &part_code).await?;
    Ok(Redirect::to(&format!(
        "/my/applications/{id}/sections/{}?saved=archive#part-{part_code}",
        section.code
    ))
    .into_response())
}

/// The summary form.
#[derive(Debug, Deserialize)]
pub struct SummaryForm {
    #[serde(default)]
    pub summary: String,
}

async fn save_summary(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<SummaryForm>,
) -> AppResult<Response> {
    let section = section_of_part("summary")?;
    let result = zc_services::application_summary::save_summary(
        &state.db,
        state.config.summary_limits,
        user.id,
        id,
        &f.summary,
    )
    .await;
    if is_autosave(&headers) {
        return autosave_answer(result, state.db.now());
    }
    match result {
        Ok(()) => Ok(saved_redirect(Scope::Application(id), section, "summary")),
        Err(e) => {
            let typed = Typed {
                part: "summary".into(),
                summary: Some(f.summary.clone()),
                ..Typed::default()
            };
            refused(&state, ctx, Scope::Application(id), section, typed, e).await
        }
    }
}

/// The new order of a table's rows, from drag and drop: the current row numbers in their
/// new order, e.g. `2,0,1`.
#[derive(Debug, Deserialize)]
pub struct OrderForm {
    #[serde(default)]
    pub order: String,
}

async fn do_reorder(
    state: AppState,
    ctx: PageContext,
    scope: Scope,
    part_code: String,
    f: OrderForm,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let section = section_of_part(&part_code)?;
    let order: Vec<usize> = f
        .order
        .split(',')
        .map(|n| n.trim().parse())
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::Refused("排序内容无法识别，请刷新页面后重新排序".into()))?;
    application_parts::reorder(&state.db, scope.owner(user.id), &part_code, &order).await?;
    Ok(saved_redirect(scope, section, &part_code))
}

async fn reorder(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, part_code)): Path<(i64, String)>,
    Form(f): Form<OrderForm>,
) -> AppResult<Response> {
    do_reorder(state, ctx, Scope::Application(id), part_code, f).await
}

async fn archive_reorder(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(part_code): Path<String>,
    Form(f): Form<OrderForm>,
) -> AppResult<Response> {
    do_reorder(state, ctx, Scope::Archive, part_code, f).await
}
