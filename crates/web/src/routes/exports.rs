//! `/exports` — 我的导出: the files a staff member asked for, with their state, and the
//! download of a ready one. Only the person who asked sees or downloads an export.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};

use zc_domain::export_status::ExportStatus;

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// The exports' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/exports", get(list))
        .route("/exports/{id}/download", get(download))
}

/// An export as listed.
pub struct Item {
    pub id: i64,
    pub title: String,
    pub state: &'static str,
    pub ready: bool,
    pub rows: String,
    pub requested: String,
    pub expires: String,
    pub error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "exports.html")]
struct ExportsPage {
    ctx: PageContext,
    nav: Nav,
    items: Vec<Item>,
    /// The 公示表 this desk posts, `(label, address)`.
    sheets: Vec<(&'static str, &'static str)>,
}

/// The 公示表 a staff member's desk may download.
async fn sheets_of(
    state: &AppState,
    user: &crate::auth::SessionUser,
) -> Vec<(&'static str, &'static str)> {
    use zc_domain::Portal;
    match user.role.portal() {
        Portal::Unit => vec![
            ("单位内部公示表（PDF）", "/unit/publicity.pdf"),
            ("单位内部公示表（Excel）", "/unit/publicity.xlsx"),
        ],
        Portal::Committee => vec![("评审结果公示表（PDF）", "/committee/publicity.pdf")],
        Portal::Office => match zc_services::office_review::Desk::of(&state.db, user.id).await {
            Ok(zc_services::office_review::Desk::Office(_)) => {
                vec![("评审结果公示表（PDF）", "/office/publicity.pdf")]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn staff(ctx: &PageContext) -> AppResult<crate::auth::SessionUser> {
    ctx.user
        .clone()
        .filter(|u| u.role.is_staff())
        .ok_or(AppError::Forbidden)
}

async fn list(State(state): State<AppState>, ctx: PageContext) -> AppResult<ExportsPage> {
    let user = staff(&ctx)?;
    let now = state.db.now();
    let items = zc_db::exports::for_account(&state.db, user.id, 50)
        .await?
        .into_iter()
        .map(|e| {
            let expired = e.expires_at < now;
            Item {
                id: e.id,
                title: e.title,
                state: if expired {
                    "已失效"
                } else {
                    e.status.name()
                },
                ready: e.status == ExportStatus::Ready && !expired,
                rows: e.row_count.map(|n| format!("{n}行")).unwrap_or_default(),
                requested: format_time(e.created_at),
                expires: format_time(e.expires_at),
                error: e.error.unwrap_or_default(),
            }
        })
        .collect();
    Ok(ExportsPage {
        nav: portal_nav(user.role.portal(), "/exports"),
        sheets: sheets_of(&state, &user).await,
        ctx,
        items,
    })
}

async fn download(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = staff(&ctx)?;
    let (export, file) =
        zc_services::roster_export::download(&state.db, user.actor(&ip), &state.config.storage, id)
            .await?;
    let (stem, ext, content_type) = if export.kind == "meeting_bundle" {
        ("huicailiao", "zip", "application/zip")
    } else {
        (
            "huamingce",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    let name = format!(
        "{stem}-{}-{}.{ext}",
        export.id,
        export.created_at.format("%Y%m%d")
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (header::CONTENT_LENGTH, file.size.to_string()),
        ],
        // Streamed from the store: a meeting's bundle is never held whole in memory.
        axum::body::Body::from_stream(file.body),
    )
        .into_response())
}
