//! 机构管理 — `/admin/orgs`: the office tree with its committees; the system admin adds
//! and edits offices and committees. Other admins read it.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use zc_db::{organisations, reference};
use zc_domain::{Portal, Role, TitleLevel, organisation::OfficeKind};
use zc_services::{
    FieldErrors, ServiceError, ServiceResult,
    organisations::{CommitteeInput, OfficeInput},
};

use crate::extract::ClientIp;
use crate::{
    auth::SessionUser,
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/admin` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(tree))
        .route("/orgs/offices", post(office_create))
        .route("/orgs/offices/{id}", get(office_edit).post(office_update))
        .route("/orgs/committees", post(committee_create))
        .route(
            "/orgs/committees/{id}",
            get(committee_edit).post(committee_update),
        )
}

fn admin(ctx: &PageContext) -> AppResult<SessionUser> {
    match &ctx.user {
        Some(u) if u.role.portal() == Portal::Admin => Ok(u.clone()),
        _ => Err(AppError::Forbidden),
    }
}

/// One office in the tree, indented by its depth.
struct TreeOffice {
    office: organisations::OfficeRow,
    depth: usize,
    kind_name: &'static str,
    committees: Vec<reference::CommitteeRow>,
}

/// Orders offices depth-first from the root, so children follow their parent.
fn depth_first(
    offices: Vec<organisations::OfficeRow>,
    committees: &[reference::CommitteeRow],
) -> Vec<TreeOffice> {
    fn visit(
        parent: Option<i64>,
        depth: usize,
        pool: &mut Vec<organisations::OfficeRow>,
        committees: &[reference::CommitteeRow],
        out: &mut Vec<TreeOffice>,
    ) {
        let (children, rest): (Vec<_>, Vec<_>) =
            pool.drain(..).partition(|o| o.parent_id == parent);
        *pool = rest;
        for office in children {
            let id = office.id;
            out.push(TreeOffice {
                kind_name: OfficeKind::from_code(&office.kind).map_or("", OfficeKind::name),
                committees: committees
                    .iter()
                    .filter(|c| c.office_id == id)
                    .cloned()
                    .collect(),
                office,
                depth,
            });
            visit(Some(id), depth + 1, pool, committees, out);
        }
    }
    let mut pool = offices;
    let mut out = Vec::new();
    visit(None, 0, &mut pool, committees, &mut out);
    // Anything left has a parent outside the tree; show it rather than hide it.
    out.extend(pool.into_iter().map(|office| TreeOffice {
        kind_name: OfficeKind::from_code(&office.kind).map_or("", OfficeKind::name),
        committees: Vec::new(),
        office,
        depth: 0,
    }));
    out
}

/// Choices for the forms.
struct Choices {
    kinds: Vec<(&'static str, &'static str)>,
    cities: Vec<organisations::CityChoice>,
    offices: Vec<organisations::OfficeRow>,
    series: Vec<organisations::SeriesChoice>,
    levels: Vec<(i32, &'static str)>,
}

async fn choices(state: &AppState) -> AppResult<Choices> {
    Ok(Choices {
        kinds: OfficeKind::CREATABLE
            .iter()
            .map(|k| (k.code(), k.name()))
            .collect(),
        cities: organisations::cities(&state.db).await?,
        offices: organisations::offices(&state.db).await?,
        series: organisations::series(&state.db).await?,
        levels: TitleLevel::ALL
            .iter()
            .map(|l| (l.rank(), l.name()))
            .collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/orgs.html")]
struct TreePage {
    ctx: PageContext,
    nav: Nav,
    tree: Vec<TreeOffice>,
    can_edit: bool,
    choices: Choices,
    office: OfficeInput,
    office_errors: FieldErrors,
    committee: CommitteeInput,
    committee_errors: FieldErrors,
}

async fn render_tree(
    state: &AppState,
    ctx: PageContext,
    office: OfficeInput,
    office_errors: FieldErrors,
    committee: CommitteeInput,
    committee_errors: FieldErrors,
) -> AppResult<TreePage> {
    let me = admin(&ctx)?;
    let offices = organisations::offices(&state.db).await?;
    let committees = reference::committees(&state.db).await?;
    Ok(TreePage {
        nav: portal_nav(Portal::Admin, "/admin/orgs"),
        ctx,
        tree: depth_first(offices, &committees),
        can_edit: me.role == Role::SystemAdmin,
        choices: choices(state).await?,
        office,
        office_errors,
        committee,
        committee_errors,
    })
}

async fn tree(State(state): State<AppState>, ctx: PageContext) -> AppResult<TreePage> {
    render_tree(
        &state,
        ctx,
        OfficeInput::default(),
        FieldErrors::default(),
        CommitteeInput::default(),
        FieldErrors::default(),
    )
    .await
}

/// Turns a service outcome into a redirect, the form again with its errors, or a refusal.
fn settle<T>(result: ServiceResult<T>) -> AppResult<Result<(), FieldErrors>> {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(ServiceError::Invalid(errors)) => Ok(Err(errors)),
        Err(ServiceError::Refused {
            code: "forbidden", ..
        }) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

async fn office_create(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<OfficeInput>,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let result = zc_services::organisations::create_office(&state.db, me.actor(&ip), &f).await;
    match settle(result)? {
        Ok(()) => Ok(Redirect::to("/admin/orgs").into_response()),
        Err(errors) => Ok(render_tree(
            &state,
            ctx,
            f,
            errors,
            CommitteeInput::default(),
            FieldErrors::default(),
        )
        .await?
        .into_response()),
    }
}

async fn committee_create(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<CommitteeInput>,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let result = zc_services::organisations::create_committee(&state.db, me.actor(&ip), &f).await;
    state.filter_choices.forget();
    match settle(result)? {
        Ok(()) => Ok(Redirect::to("/admin/orgs").into_response()),
        Err(errors) => Ok(render_tree(
            &state,
            ctx,
            OfficeInput::default(),
            FieldErrors::default(),
            f,
            errors,
        )
        .await?
        .into_response()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/office_edit.html")]
struct OfficeEditPage {
    ctx: PageContext,
    nav: Nav,
    id: i64,
    kind_name: &'static str,
    is_root: bool,
    choices: Choices,
    office: OfficeInput,
    office_errors: FieldErrors,
}

async fn render_office(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    form: Option<OfficeInput>,
    errors: FieldErrors,
) -> AppResult<OfficeEditPage> {
    let me = admin(&ctx)?;
    if me.role != Role::SystemAdmin {
        return Err(AppError::Forbidden);
    }
    let row = organisations::office(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = OfficeKind::from_code(&row.kind);
    let office = form.unwrap_or_else(|| OfficeInput {
        name: row.name.clone(),
        kind: row.kind.clone(),
        region_code: row.region_code.clone().unwrap_or_default(),
        parent_id: row.parent_id.map(|p| p.to_string()).unwrap_or_default(),
    });
    Ok(OfficeEditPage {
        nav: portal_nav(Portal::Admin, "/admin/orgs"),
        ctx,
        id,
        kind_name: kind.map_or("", OfficeKind::name),
        is_root: kind == Some(OfficeKind::RegionOffice),
        choices: choices(state).await?,
        office,
        office_errors: errors,
    })
}

async fn office_edit(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<OfficeEditPage> {
    render_office(&state, ctx, id, None, FieldErrors::default()).await
}

async fn office_update(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<OfficeInput>,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let result = zc_services::organisations::update_office(&state.db, me.actor(&ip), id, &f).await;
    match settle(result)? {
        Ok(()) => Ok(Redirect::to("/admin/orgs").into_response()),
        Err(errors) => Ok(render_office(&state, ctx, id, Some(f), errors)
            .await?
            .into_response()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/committee_edit.html")]
struct CommitteeEditPage {
    ctx: PageContext,
    nav: Nav,
    id: i64,
    choices: Choices,
    committee: CommitteeInput,
    committee_errors: FieldErrors,
}

async fn render_committee(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    form: Option<CommitteeInput>,
    errors: FieldErrors,
) -> AppResult<CommitteeEditPage> {
    let me = admin(&ctx)?;
    if me.role != Role::SystemAdmin {
        return Err(AppError::Forbidden);
    }
    let row = organisations::committee(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let committee = form.unwrap_or_else(|| CommitteeInput {
        name: row.name.clone(),
        office_id: row.office_id.to_string(),
        series_id: row.series_id.to_string(),
        level_min: row.level_min.to_string(),
        level_max: row.level_max.to_string(),
        charges_online: row.charges_online.then(|| "on".to_string()),
    });
    Ok(CommitteeEditPage {
        nav: portal_nav(Portal::Admin, "/admin/orgs"),
        ctx,
        id,
        choices: choices(state).await?,
        committee,
        committee_errors: errors,
    })
}

async fn committee_edit(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<CommitteeEditPage> {
    render_committee(&state, ctx, id, None, FieldErrors::default()).await
}

async fn committee_update(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<CommitteeInput>,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let result =
        zc_services::organisations::update_committee(&state.db, me.actor(&ip), id, &f).await;
    state.filter_choices.forget();
    match settle(result)? {
        Ok(()) => Ok(Redirect::to("/admin/orgs").into_response()),
        Err(errors) => Ok(render_committee(&state, ctx, id, Some(f), errors)
            .await?
            .into_response()),
    }
}
