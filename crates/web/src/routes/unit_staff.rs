//! `/unit/staff` — the unit administrator adds staff accounts (审核员, 管理员) and disables them.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::units;
use zc_domain::{Portal, Role};
use zc_services::{
    FieldErrors, ServiceError,
    units::{add_staff, disable_staff},
};

use crate::extract::{ClientIp, SignedIn, Staff};
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/unit` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(list).post(add))
        .route("/staff/{id}/disable", post(disable))
}

/// A staff row as shown.
pub struct StaffItem {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: &'static str,
    pub disabled: bool,
    pub is_me: bool,
}

/// The add-staff form.
#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    pub login_name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/staff.html")]
struct StaffPage {
    ctx: PageContext,
    nav: Nav,
    rows: Vec<StaffItem>,
    form: AddForm,
    errors: FieldErrors,
    is_admin: bool,
}

async fn render(
    state: &AppState,
    staff: Staff,
    form: AddForm,
    errors: FieldErrors,
) -> AppResult<StaffPage> {
    let unit_id = staff.org("unit")?;
    let Staff { ctx, user, .. } = staff;
    let rows = units::staff(&state.db, unit_id)
        .await?
        .into_iter()
        .map(|s| StaffItem {
            id: s.id,
            is_me: s.id == user.id,
            login: s.login_name,
            name: s.display_name,
            role: Role::from_code(&s.role).map(Role::name).unwrap_or("未知"),
            disabled: s.disabled,
        })
        .collect();
    let nav = portal_nav(Portal::Unit, "/unit/staff");
    Ok(StaffPage {
        ctx,
        nav,
        rows,
        form,
        errors,
        is_admin: user.role == Role::UnitAdmin,
    })
}

async fn list(State(state): State<AppState>, staff: Staff) -> AppResult<StaffPage> {
    render(&state, staff, AddForm::default(), FieldErrors::default()).await
}

async fn add(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<AddForm>,
) -> AppResult<Response> {
    let user = staff.user.clone();
    if f.password != f.password_confirm {
        let mut errors = FieldErrors::default();
        errors.add("password_confirm", "两次输入的密码不一致");
        return Ok(render(
            &state,
            staff,
            AddForm {
                password: String::new(),
                password_confirm: String::new(),
                ..f
            },
            errors,
        )
        .await?
        .into_response());
    }
    let actor = user.actor(&ip);
    match add_staff(
        &state.db,
        user.id,
        &f.login_name,
        &f.display_name,
        &f.password,
        &f.role,
        actor,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/unit/staff").into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render(
            &state,
            staff,
            AddForm {
                password: String::new(),
                password_confirm: String::new(),
                ..f
            },
            errors,
        )
        .await?
        .into_response()),
        Err(ServiceError::Refused { .. }) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

async fn disable(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let target: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let actor = user.actor(&ip);
    match disable_staff(&state.db, user.id, target, actor).await {
        Ok(()) => Ok(Redirect::to("/unit/staff").into_response()),
        Err(ServiceError::Refused {
            code: "forbidden", ..
        }) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}
