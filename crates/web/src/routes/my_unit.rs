//! `/my/unit` — the applicant picks their unit by part of its name. Plain search with a
//! pager, so it works without JavaScript.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Json, Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use zc_db::{applicants, reference};
use zc_domain::Portal;
use zc_services::{ServiceError, membership::choose_unit};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    pager::Pager,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/unit", get(unit_page).post(unit_choose))
        .merge(
            Router::new()
                .route("/unit/suggest", get(suggest))
                .route_layer(axum::middleware::from_fn_with_state(
                    crate::middleware::rate_limit::AddressLimit::per_minute("unit_search", 120, 30),
                    crate::middleware::rate_limit::limit,
                )),
        )
}

/// LIKE wildcards are dropped: a keyword must name part of a unit, not list them all.
fn clean_keyword(q: Option<String>) -> String {
    q.unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| *c != '%' && *c != '_')
        .take(40)
        .collect()
}

/// One suggestion while typing.
#[derive(Debug, Serialize)]
struct Suggestion {
    id: i64,
    name: String,
    region: String,
}

/// Suggestions while typing.
#[derive(Debug, Serialize)]
struct Suggestions {
    total: i64,
    units: Vec<Suggestion>,
}

/// The first approved units matching what has been typed so far (for the script on
/// `/my/unit`; the page itself works without it).
async fn suggest(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<UnitQuery>,
) -> AppResult<Json<Suggestions>> {
    ctx.user.ok_or(AppError::Forbidden)?;
    let keyword = clean_keyword(q.q);
    if keyword.is_empty() {
        return Ok(Json(Suggestions {
            total: 0,
            units: Vec::new(),
        }));
    }
    let total = reference::count_approved_units(&state.db, &keyword).await?;
    let units = reference::search_approved_units(&state.db, &keyword, 8, 0)
        .await?
        .into_iter()
        .map(|u| Suggestion {
            id: u.id,
            name: u.name,
            region: u.region_name,
        })
        .collect();
    Ok(Json(Suggestions { total, units }))
}

/// Search query.
#[derive(Debug, Deserialize, Default)]
pub struct UnitQuery {
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub saved: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/unit.html")]
struct UnitPage {
    ctx: PageContext,
    nav: Nav,
    current: Option<String>,
    q: String,
    results: Vec<reference::UnitChoice>,
    pager: Pager,
    searched: bool,
    message: Option<String>,
    saved: bool,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    q: UnitQuery,
    message: Option<String>,
) -> AppResult<UnitPage> {
    let user = ctx.signed_in()?;
    let me = applicants::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let current = match me.unit_id {
        Some(id) => reference::org_name(&state.db, "unit", id).await?,
        None => None,
    };
    let keyword = clean_keyword(q.q);
    let searched = !keyword.is_empty();
    let total = if searched {
        reference::count_approved_units(&state.db, &keyword).await? as u64
    } else {
        0
    };
    let params = if searched {
        vec![("q".to_string(), keyword.clone())]
    } else {
        vec![]
    };
    let pager = Pager::new(total, q.page, q.per_page, "/my/unit", params);
    let results = if searched {
        reference::search_approved_units(
            &state.db,
            &keyword,
            pager.per_page as i64,
            pager.offset() as i64,
        )
        .await?
    } else {
        Vec::new()
    };
    // 所在单位 is part of the person's 个人资料.
    let nav = portal_nav(Portal::My, "/my/profile");
    Ok(UnitPage {
        ctx,
        nav,
        current,
        q: keyword,
        results,
        pager,
        searched,
        message,
        saved: q.saved.is_some(),
    })
}

async fn unit_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<UnitQuery>,
) -> AppResult<UnitPage> {
    render(&state, ctx, q, None).await
}

/// The choice.
#[derive(Debug, Deserialize)]
pub struct ChooseForm {
    pub unit_id: String,
    #[serde(default)]
    pub q: String,
}

async fn unit_choose(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<ChooseForm>,
) -> AppResult<Response> {
    let Ok(unit_id) = f.unit_id.trim().parse::<i64>() else {
        let q = UnitQuery {
            q: Some(f.q),
            ..Default::default()
        };
        return Ok(
            render(&state, ctx, q, Some("请从搜索结果中选择单位".into()))
                .await?
                .into_response(),
        );
    };
    match choose_unit(&state.db, user.id, unit_id, &ip).await {
        Ok(_) => Ok(Redirect::to("/my/unit?saved=1").into_response()),
        Err(ServiceError::Refused { message, .. }) => {
            let q = UnitQuery {
                q: Some(f.q),
                ..Default::default()
            };
            Ok(render(&state, ctx, q, Some(message)).await?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}
