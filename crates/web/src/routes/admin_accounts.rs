//! `/admin/accounts` — staff accounts: the system admin creates, disables and enables
//! them; the security admin unlocks them and resets second factors; the auditor only reads.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::{accounts, reference};
use zc_domain::{Portal, Role, organisation::Duty};
use zc_services::{FieldErrors, ServiceError, accounts::Actor, staff_admin};

use crate::extract::ClientIp;
use crate::{
    auth::SessionUser,
    context::PageContext,
    error::{AppError, AppResult},
    pager::Pager,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/admin` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list).post(create))
        .route("/accounts/{id}/duty", post(change_duty))
        .route("/accounts/{id}/{action}", post(act))
}

/// The change-duty form.
#[derive(Debug, Deserialize)]
pub struct DutyForm {
    #[serde(default)]
    pub duty: String,
}

async fn change_duty(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<DutyForm>,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let actor = Actor {
        account_id: Some(me.id),
        role: Some(me.role),
        ip: Some(&ip),
    };
    match staff_admin::set_duty(&state.db, actor, id, &f.duty).await {
        Ok(()) => Ok(Redirect::to("/admin/accounts").into_response()),
        Err(ServiceError::Refused {
            code: "forbidden", ..
        }) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

fn admin(ctx: &PageContext) -> AppResult<SessionUser> {
    ctx.user
        .clone()
        .filter(|u| u.role.portal() == Portal::Admin)
        .ok_or(AppError::Forbidden)
}

/// Filters of the list.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    pub role: Option<String>,
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// An account row as shown.
pub struct Row {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: &'static str,
    pub org: String,
    pub disabled: bool,
    pub has_totp: bool,
    pub is_me: bool,
    /// The signed-in admin may enable or disable this account.
    pub may_switch: bool,
    /// 岗位 name, if the account holds one.
    pub duty: Option<&'static str>,
    /// 岗位 choices for this account's role (empty for roles without duties).
    pub duty_choices: Vec<(&'static str, &'static str)>,
}

/// The create form.
#[derive(Debug, Deserialize, Default)]
pub struct CreateForm {
    #[serde(default)]
    pub login_name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub duty: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/accounts.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    rows: Vec<Row>,
    pager: Pager,
    role_filter: String,
    q: String,
    roles: Vec<(&'static str, &'static str)>,
    staff_roles: Vec<(&'static str, &'static str)>,
    duties: Vec<(&'static str, &'static str)>,
    offices: Vec<reference::OfficeChoice>,
    committees: Vec<reference::CommitteeRow>,
    form: CreateForm,
    errors: FieldErrors,
    me: SessionUser,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    q: ListQuery,
    form: CreateForm,
    errors: FieldErrors,
) -> AppResult<ListPage> {
    let me = admin(&ctx)?;
    let role_filter = q
        .role
        .filter(|r| Role::from_code(r).is_some_and(Role::is_staff))
        .unwrap_or_default();
    let keyword: String =
        q.q.unwrap_or_default()
            .trim()
            .chars()
            .filter(|c| *c != '%' && *c != '_')
            .take(40)
            .collect();
    let total = accounts::count_staff(&state.db, &role_filter, &keyword).await? as u64;
    let mut params = Vec::new();
    if !role_filter.is_empty() {
        params.push(("role".to_string(), role_filter.clone()));
    }
    if !keyword.is_empty() {
        params.push(("q".to_string(), keyword.clone()));
    }
    let pager = Pager::new(total, q.page, q.per_page, "/admin/accounts", params);
    let rows = accounts::list_staff(
        &state.db,
        &role_filter,
        &keyword,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|a| Row {
        id: a.id,
        is_me: a.id == me.id,
        may_switch: Role::from_code(&a.role).map(Role::account_manager) == Some(me.role),
        login: a.login_name,
        name: a.display_name,
        role: Role::from_code(&a.role).map(Role::name).unwrap_or("未知"),
        org: a.org_name.unwrap_or_default(),
        disabled: a.disabled,
        has_totp: a.has_totp,
        duty: a.duty.as_deref().and_then(Duty::from_code).map(Duty::name),
        duty_choices: Role::from_code(&a.role)
            .map(Duty::for_role)
            .unwrap_or_default()
            .iter()
            .map(|d| (d.code(), d.name()))
            .collect(),
    })
    .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| r.is_staff())
        .map(|r| (r.code(), r.name()))
        .collect();
    let staff_roles = staff_admin::STAFF_ROLES
        .iter()
        .map(|(r, _)| (r.code(), r.name()))
        .collect();
    let nav = portal_nav(Portal::Admin, "/admin/accounts");
    Ok(ListPage {
        ctx,
        nav,
        rows,
        pager,
        role_filter,
        q: keyword,
        roles,
        staff_roles,
        duties: Duty::ALL.iter().map(|d| (d.code(), d.name())).collect(),
        offices: reference::offices(&state.db).await?,
        committees: reference::committees(&state.db).await?,
        form,
        errors,
        me,
    })
}

async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    render(
        &state,
        ctx,
        q,
        CreateForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let keep = |f: CreateForm| CreateForm {
        password: String::new(),
        password_confirm: String::new(),
        ..f
    };
    if f.password != f.password_confirm {
        let mut errors = FieldErrors::default();
        errors.add("password_confirm", "两次输入的密码不一致");
        return Ok(render(&state, ctx, ListQuery::default(), keep(f), errors)
            .await?
            .into_response());
    }
    let actor = Actor {
        account_id: Some(me.id),
        role: Some(me.role),
        ip: Some(&ip),
    };
    let staff = staff_admin::NewStaff {
        login: &f.login_name,
        name: &f.display_name,
        password: &f.password,
        role: &f.role,
        org_id: &f.org_id,
        duty: &f.duty,
    };
    match staff_admin::create_staff(&state.db, actor, &staff).await {
        Ok(_) => Ok(Redirect::to("/admin/accounts").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            Ok(render(&state, ctx, ListQuery::default(), keep(f), errors)
                .await?
                .into_response())
        }
        Err(ServiceError::Refused {
            code: "forbidden", ..
        }) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

async fn act(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path((id, action)): Path<(String, String)>,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let actor = Actor {
        account_id: Some(me.id),
        role: Some(me.role),
        ip: Some(&ip),
    };
    let result = match action.as_str() {
        "disable" => staff_admin::set_disabled(&state.db, actor, id, true).await,
        "enable" => staff_admin::set_disabled(&state.db, actor, id, false).await,
        "unlock" => staff_admin::unlock(&state.db, actor, id).await,
        "reset-totp" => staff_admin::reset_totp(&state.db, actor, id).await,
        _ => return Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/accounts").into_response()),
        Err(ServiceError::Refused {
            code: "forbidden", ..
        }) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}
