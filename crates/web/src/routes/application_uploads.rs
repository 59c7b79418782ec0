//! `/my/applications/{id}/files` — uploading pictures into a section's slots, the 2-inch
//! photo's crop preview, thumbnails, deletion, and serving a file only to its owner.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::Portal;
use zc_services::{ServiceError, application_files};
use zc_storage::images::{MAX_UPLOAD_BYTES, photo_frame};

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    routes::application_sections::{Scope, ShowQuery, Typed, render},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Files a person may send in one form.
const FILES_PER_POST: usize = 10;

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/applications/{id}/slots/{slot}",
            post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES * 2 + 256 * 1024))
                // Normalising an image costs a core for a moment; a person uploads a few a
                // minute, a script thousands.
                .layer(axum::middleware::from_fn_with_state(
                    crate::middleware::rate_limit::AddressLimit::per_minute("uploads", 60, 30),
                    crate::middleware::rate_limit::limit_writes,
                )),
        )
        .route("/applications/{id}/files/{file}", get(download))
        .route("/applications/{id}/files/{file}/delete", post(delete))
        .route(
            "/applications/{id}/files/{file}/crop",
            get(crop_page).post(crop),
        )
}

fn section_of_slot(section: &str) -> &'static str {
    zc_domain::application::sections::section(section).map_or("basic", |s| s.code)
}

async fn upload(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path((id, slot)): Path<(i64, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let app = zc_services::applications::mine(&state.db, user.id, id).await?;
    let slot_row = application_files::slots(&state.db, &app)
        .await?
        .into_iter()
        .find(|s| s.code == slot)
        .ok_or(AppError::NotFound)?;
    let section = section_of_slot(&slot_row.section);
    let pictures = crate::files::posted_files(&mut multipart, "files", FILES_PER_POST).await?;
    let mut last = None;
    let mut problem = if pictures.is_empty() {
        Some("请选择要上传的图片".to_string())
    } else {
        None
    };
    for bytes in pictures {
        match application_files::upload(&state.db, &state.config.storage, user.id, id, &slot, bytes)
            .await
        {
            Ok(file) => last = Some(file),
            Err(ServiceError::Invalid(errors)) => {
                problem = errors.get("upload").map(str::to_string);
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(message) = problem {
        let typed = Typed {
            upload_error: Some((slot, message)),
            ..Typed::default()
        };
        return render(
            &state,
            ctx,
            Scope::Application(id),
            section,
            typed,
            ShowQuery::default(),
        )
        .await;
    }
    // A new photo goes straight to its crop preview.
    if slot_row.photo
        && let Some(file) = last
    {
        return Ok(
            Redirect::to(&format!("/my/applications/{id}/files/{file}/crop")).into_response(),
        );
    }
    Ok(Redirect::to(&format!(
        "/my/applications/{id}/sections/{section}?saved={slot}#slot-{slot}"
    ))
    .into_response())
}

/// The owner's file; `private, no-store` so a shared computer keeps nothing.
async fn download(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    application_files::file_of_mine(&state.db, user.id, id, file).await?;
    crate::routes::application_views::serve_file(&state, id, file).await
}

async fn delete(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let row = application_files::file_of_mine(&state.db, user.id, id, file).await?;
    application_files::delete(&state.db, &state.config.storage, user.id, id, file).await?;
    let app = zc_services::applications::mine(&state.db, user.id, id).await?;
    let section = application_files::slots(&state.db, &app)
        .await?
        .into_iter()
        .find(|s| s.code == row.slot)
        .map_or("basic", |s| section_of_slot(&s.section));
    Ok(Redirect::to(&format!(
        "/my/applications/{id}/sections/{section}#slot-{}",
        row.slot
    ))
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "my/photo_crop.html")]
struct CropPage {
    ctx: PageContext,
    nav: Nav,
    id: i64,
    file: i64,
    width: u32,
    height: u32,
    frame: (u32, u32, u32, u32),
    /// Where 返回 goes: the section with the photo slot.
    section: &'static str,
}

async fn crop_page(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<CropPage> {
    let row = application_files::file_of_mine(&state.db, user.id, id, file).await?;
    if row.confirmed {
        return Err(AppError::NotFound);
    }
    let (width, height) = (row.width as u32, row.height as u32);
    Ok(CropPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        id,
        file,
        width,
        height,
        frame: photo_frame(width, height, None),
        section: photo_section(&state, user.id, id).await?,
    })
}

/// The chosen frame, in the stored picture's pixels; absent means the centred one.
#[derive(Debug, Deserialize)]
pub struct CropForm {
    x: Option<String>,
    y: Option<String>,
    w: Option<String>,
    h: Option<String>,
}

async fn crop(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path((id, file)): Path<(i64, i64)>,
    Form(f): Form<CropForm>,
) -> AppResult<Response> {
    let num = |v: &Option<String>| v.as_deref().and_then(|s| s.trim().parse::<f64>().ok());
    let frame = match (num(&f.x), num(&f.y), num(&f.w), num(&f.h)) {
        (Some(x), Some(y), Some(w), Some(h)) if x >= 0.0 && y >= 0.0 && w >= 1.0 && h >= 1.0 => {
            Some((x as u32, y as u32, w as u32, h as u32))
        }
        _ => None,
    };
    application_files::confirm_photo(&state.db, &state.config.storage, user.id, id, file, frame)
        .await?;
    let section = photo_section(&state, user.id, id).await?;
    Ok(Redirect::to(&format!(
        "/my/applications/{id}/sections/{section}?saved=photo#slot-photo"
    ))
    .into_response())
}

/// The section whose page holds the application's photo slot (基本信息 for 评审, 资料上传
/// for 认定).
async fn photo_section(state: &AppState, applicant_id: i64, id: i64) -> AppResult<&'static str> {
    let app = zc_services::applications::mine(&state.db, applicant_id, id).await?;
    let slots = application_files::slots(&state.db, &app).await?;
    Ok(slots
        .iter()
        .find(|s| s.photo)
        .map_or("basic", |s| section_of_slot(&s.section)))
}
