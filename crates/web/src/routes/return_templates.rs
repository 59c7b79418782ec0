//! `/unit/return-templates` and `/office/return-templates` — 退回理由模板: the reviewing
//! organisation's reusable return reasons, listed, added and removed.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{OriginalUri, Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::application::sections::{SECTIONS, section};
use zc_services::{
    FieldErrors, ServiceError,
    return_templates::{self, TemplateOwner},
};

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    routes::review_queue::Choice,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under a reviewing portal (`/unit` or `/office`; the caller adds the guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/return-templates", get(page).post(add))
        .route("/return-templates/{id}/delete", post(remove))
}

/// A template as listed.
pub struct Item {
    pub id: i64,
    pub section: &'static str,
    pub body: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/return_templates.html")]
struct TemplatesPage {
    ctx: PageContext,
    nav: Nav,
    base: String,
    items: Vec<Item>,
    sections: Vec<Choice>,
    body: String,
    errors: FieldErrors,
}

/// `/unit` or `/office`, from the address the request came to (before nesting).
fn portal_base(uri: &OriginalUri) -> &'static str {
    if uri.path().starts_with("/unit") {
        "/unit"
    } else {
        "/office"
    }
}

/// The signed-in staff member and the organisation whose templates they keep.
async fn owner_of(
    state: &AppState,
    ctx: &PageContext,
) -> AppResult<(crate::auth::SessionUser, TemplateOwner)> {
    let user = ctx.signed_in()?;
    let owner = TemplateOwner::of(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    Ok((user, owner))
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    base: &'static str,
    typed: &TemplateForm,
    errors: FieldErrors,
) -> AppResult<TemplatesPage> {
    let (user, owner) = owner_of(state, &ctx).await?;
    let items = return_templates::list(&state.db, owner)
        .await?
        .into_iter()
        .map(|t| Item {
            id: t.id,
            section: section(&t.section).map_or("所有栏目", |s| s.title),
            body: t.body,
        })
        .collect();
    let sections = std::iter::once(Choice {
        value: String::new(),
        label: "所有栏目".into(),
        selected: typed.section.is_empty(),
    })
    .chain(SECTIONS.iter().map(|s| Choice {
        value: s.code.into(),
        label: s.title.into(),
        selected: typed.section == s.code,
    }))
    .collect();
    Ok(TemplatesPage {
        nav: portal_nav(user.role.portal(), &format!("{base}/return-templates")),
        base: base.to_string(),
        items,
        sections,
        body: typed.body.clone(),
        errors,
        ctx,
    })
}

async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    uri: OriginalUri,
) -> AppResult<TemplatesPage> {
    render(
        &state,
        ctx,
        portal_base(&uri),
        &TemplateForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// The add form.
#[derive(Debug, Default, Deserialize)]
struct TemplateForm {
    #[serde(default)]
    section: String,
    #[serde(default)]
    body: String,
}

async fn add(
    State(state): State<AppState>,
    ctx: PageContext,
    uri: OriginalUri,
    ClientIp(ip): ClientIp,
    Form(f): Form<TemplateForm>,
) -> AppResult<Response> {
    let base = portal_base(&uri);
    let (user, owner) = owner_of(&state, &ctx).await?;
    match return_templates::add(&state.db, user.actor(&ip), owner, f.section.trim(), &f.body).await
    {
        Ok(_) => Ok(Redirect::to(&format!("{base}/return-templates")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            Ok(render(&state, ctx, base, &f, errors).await?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove(
    State(state): State<AppState>,
    ctx: PageContext,
    uri: OriginalUri,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let base = portal_base(&uri);
    let (user, owner) = owner_of(&state, &ctx).await?;
    return_templates::remove(&state.db, user.actor(&ip), owner, id).await?;
    Ok(Redirect::to(&format!("{base}/return-templates")).into_response())
}
