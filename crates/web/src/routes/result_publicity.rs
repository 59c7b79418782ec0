//! 评审结果公示 — `/publicity` on the public site (the results under publicity, names
//! masked, and an objection form under a real name), and `/committee/publicity` for the
//! committee's staff (their results, the objections to resolve, and 公示期满).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::NaiveDate;
use serde::Deserialize;
use zc_db::result_publicity::PublicLine;
use zc_domain::{Portal, TitleLevel, mask::mask_name};
use zc_services::{
    FieldErrors, ServiceError,
    result_publicity::{self, ObjectionInput},
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, refusal_message},
    pager::Pager,
    routes::review_form::Posted,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Public routes (objections are rate-limited per address by the caller's layer).
pub fn public_routes() -> Router<AppState> {
    Router::new().route("/publicity", get(public_list)).route(
        "/publicity/{id}/objection",
        get(objection_form).post(objection),
    )
}

/// Routes under `/committee` (the caller adds the portal guard).
pub fn committee_routes() -> Router<AppState> {
    Router::new()
        .route("/publicity", get(committee_page))
        .route("/publicity.pdf", get(committee_sheet))
        .route("/publicity/{id}/end", post(end))
        .route("/objections/{id}/resolve", post(resolve))
}

/// A published result as the public sees it.
pub struct ResultLine {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub series: String,
    pub level: &'static str,
    pub title: String,
    pub period: String,
    pub status: &'static str,
    pub ended: bool,
}

impl ResultLine {
    /// The line of a published result; `masked` hides all but the surname.
    pub(crate) fn of(l: PublicLine, masked: bool, today: NaiveDate) -> ResultLine {
        ResultLine {
            id: l.application_id,
            name: if masked {
                mask_name(&l.applicant_name)
            } else {
                l.applicant_name
            },
            unit: l.unit_name,
            series: l.series_name,
            level: TitleLevel::from_rank(l.level_rank).map_or("", TitleLevel::name),
            title: l.title_name,
            period: format!("{} 至 {}", l.starts_on, l.ends_on),
            status: zc_domain::application::ApplicationStatus::from_code(&l.status)
                .map_or("", |s| s.label()),
            ended: today > l.ends_on,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/publicity.html")]
struct PublicPage {
    ctx: PageContext,
    nav: Nav,
    lines: Vec<ResultLine>,
    /// 证书遗失公示 is the list shown (`?list=lost`), else 评审结果公示.
    lost: Option<Vec<LossLine>>,
    /// How many lines each list holds, for the tabs.
    counts: (i64, i64),
    pager: Pager,
}

/// A 遗失公示 line as the public reads it.
pub struct LossLine {
    pub name: String,
    pub number: String,
    pub title: String,
    pub issuer: String,
    pub obtained: String,
    pub period: String,
}

impl LossLine {
    fn of(n: zc_db::loss_notices::NoticeRow) -> LossLine {
        LossLine {
            name: n.holder_masked,
            number: if n.cert_number.is_empty() {
                "（未提供）".into()
            } else {
                n.cert_number
            },
            title: n.title_name,
            issuer: n.issuer,
            obtained: n.obtained,
            period: format!("{} 至 {}", n.starts_on, n.ends_on),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    page: Option<u64>,
    per_page: Option<u64>,
    #[serde(default)]
    list: String,
}

async fn public_list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<PageQuery>,
) -> AppResult<PublicPage> {
    let today = state.db.today();
    let results = zc_db::result_publicity::current_count(&state.db).await?;
    let losses = zc_db::loss_notices::running_count(&state.db, today).await?;
    let nav = crate::views::public_nav(&ctx.path);
    if q.list == "lost" {
        let params = vec![("list".to_string(), "lost".to_string())];
        let pager = Pager::new(losses as u64, q.page, q.per_page, "/publicity", params);
        let lost = zc_db::loss_notices::running(
            &state.db,
            today,
            pager.per_page as i64,
            pager.offset() as i64,
        )
        .await?
        .into_iter()
        .map(LossLine::of)
        .collect();
        return Ok(PublicPage {
            ctx,
            nav,
            lines: Vec::new(),
            lost: Some(lost),
            counts: (results, losses),
            pager,
        });
    }
    let pager = Pager::new(results as u64, q.page, q.per_page, "/publicity", Vec::new());
    let lines =
        zc_db::result_publicity::current(&state.db, pager.per_page as i64, pager.offset() as i64)
            .await?
            .into_iter()
            .map(|l| ResultLine::of(l, true, today))
            .collect();
    Ok(PublicPage {
        ctx,
        nav,
        lines,
        lost: None,
        counts: (results, losses),
        pager,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/objection.html")]
struct ObjectionPage {
    ctx: PageContext,
    nav: Nav,
    line: ResultLine,
    typed: Posted,
    errors: FieldErrors,
    message: Option<String>,
    done: bool,
}

async fn render_objection(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    typed: Posted,
    errors: FieldErrors,
    message: Option<String>,
    done: bool,
) -> AppResult<ObjectionPage> {
    let line = zc_db::result_publicity::find(&state.db, id)
        .await?
        .filter(|l| l.status == "in_publicity")
        .ok_or(AppError::NotFound)?;
    let nav = crate::views::public_nav(&ctx.path);
    Ok(ObjectionPage {
        ctx,
        nav,
        line: ResultLine::of(line, true, state.db.today()),
        typed,
        errors,
        message,
        done,
    })
}

async fn objection_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<ObjectionPage> {
    render_objection(
        &state,
        ctx,
        id,
        Posted::default(),
        FieldErrors::default(),
        None,
        false,
    )
    .await
}

async fn objection(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let input = ObjectionInput {
        name: posted.value("name"),
        phone: posted.value("phone"),
        body: posted.value("body"),
    };
    match result_publicity::object(&state.db, &state.vault, id, &input).await {
        Ok(_) => Ok(render_objection(
            &state,
            ctx,
            id,
            Posted::default(),
            FieldErrors::default(),
            None,
            true,
        )
        .await?
        .into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render_objection(
            &state, ctx, id, posted, errors, None, false,
        )
        .await?
        .into_response()),
        Err(ServiceError::Refused { message, .. }) => Ok(render_objection(
            &state,
            ctx,
            id,
            posted,
            FieldErrors::default(),
            Some(message),
            false,
        )
        .await?
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// An objection as staff see it.
pub struct ObjectionLine {
    pub id: i64,
    pub application_id: i64,
    pub name: String,
    pub body: String,
    pub open: bool,
    pub outcome: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "committee/publicity.html")]
struct CommitteePage {
    ctx: PageContext,
    nav: Nav,
    lines: Vec<ResultLine>,
    objections: Vec<ObjectionLine>,
    message: Option<String>,
}

async fn render_committee(
    state: &AppState,
    ctx: PageContext,
    message: Option<String>,
) -> AppResult<CommitteePage> {
    let user = ctx.signed_in()?;
    let committee = zc_services::committee_meetings::committee_of(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    let lines = zc_db::result_publicity::of_committee(&state.db, committee)
        .await?
        .into_iter()
        .map(|l| ResultLine::of(l, false, state.db.today()))
        .collect();
    let objections = zc_db::result_publicity::objections_of_committee(&state.db, committee)
        .await?
        .into_iter()
        .map(|o| ObjectionLine {
            open: o.status == "open",
            outcome: match o.status.as_str() {
                "upheld" => format!("异议成立：{}", o.resolution.unwrap_or_default()),
                "dismissed" => format!("异议不成立：{}", o.resolution.unwrap_or_default()),
                _ => "待处理".into(),
            },
            id: o.id,
            application_id: o.application_id,
            name: o.name,
            body: o.body,
        })
        .collect();
    Ok(CommitteePage {
        nav: portal_nav(Portal::Committee, "/committee/publicity"),
        lines,
        objections,
        message,
        ctx,
    })
}

async fn committee_page(
    State(state): State<AppState>,
    ctx: PageContext,
) -> AppResult<CommitteePage> {
    render_committee(&state, ctx, None).await
}

/// 评审结果公示表 of the committee's results now in publicity, with full names, to post.
async fn committee_sheet(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
) -> AppResult<Response> {
    let committee = zc_services::committee_meetings::committee_of(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    let name = zc_db::reference::org_name(&state.db, "committee", committee)
        .await?
        .unwrap_or_default();
    let lines = zc_db::result_publicity::of_committee(&state.db, committee).await?;
    crate::routes::downloads::results_sheet(
        &state,
        &user,
        &ip,
        format!("committee:{committee}"),
        name,
        lines,
    )
    .await
}

async fn after(
    state: &AppState,
    ctx: PageContext,
    outcome: Result<(), ServiceError>,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to("/committee/publicity").into_response()),
        Err(e) => {
            let message = refusal_message(e)?;
            Ok(render_committee(state, ctx, Some(message))
                .await?
                .into_response())
        }
    }
}

async fn end(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let outcome = result_publicity::end(&state.db, user.actor(&ip), id).await;
    after(&state, ctx, outcome).await
}

async fn resolve(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let upheld = posted.value("upheld") == "1";
    let outcome = result_publicity::resolve(
        &state.db,
        user.actor(&ip),
        id,
        upheld,
        &posted.value("resolution"),
    )
    .await;
    after(&state, ctx, outcome).await
}
