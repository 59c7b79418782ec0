//! `/admin`: overview, the working-day calendar and the audit log. The three admin roles
//! see different things (三权分立): the system admin maintains data, the audit admin reads
//! the audit log, the security admin neither edits data nor reads the log.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    middleware,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use zc_db::{audit, calendar, reference};
use zc_domain::{CalendarDayKind, Portal, Role};
use zc_services::{
    FieldErrors, ServiceError,
    accounts::Actor,
    calendar::{CalendarDayInput, REGIONS, delete_day, save_day},
};

use crate::extract::ClientIp;
use crate::{
    auth::{SessionUser, require_portal},
    context::PageContext,
    error::{AppError, AppResult},
    pager::Pager,
    state::AppState,
    today::{TodayFacts, today_facts},
    views::{Nav, format_date, format_time, portal_nav},
};

/// Routes of the admin portal.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/calendar", get(calendar_page).post(calendar_save))
        .route("/calendar/delete", post(calendar_delete))
        .route("/audit", get(audit_page))
        .route("/outbox", get(outbox_page))
        .merge(crate::routes::admin_accounts::routes())
        .merge(crate::routes::admin_orgs::routes())
        .merge(crate::routes::admin_recognition::routes())
        .merge(crate::routes::service_ratings::admin_routes())
        .merge(crate::routes::admin_dictionary::routes())
        .merge(crate::routes::admin_slots::routes())
        .route_layer(middleware::from_fn_with_state(
            (state, Portal::Admin),
            require_portal,
        ))
}

/// Any of the three admins: they all read the reference data; what each may change is
/// checked by the service.
pub(crate) fn any_admin(ctx: &PageContext) -> AppResult<SessionUser> {
    user_with(
        ctx,
        &[Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin],
    )
}

fn user_with(ctx: &PageContext, roles: &[Role]) -> AppResult<SessionUser> {
    match &ctx.user {
        Some(u) if roles.contains(&u.role) => Ok(u.clone()),
        _ => Err(AppError::Forbidden),
    }
}

fn actor<'a>(user: &SessionUser, ip: &'a str) -> Actor<'a> {
    Actor {
        account_id: Some(user.id),
        role: Some(user.role),
        ip: Some(ip),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/overview.html")]
struct Overview {
    ctx: PageContext,
    nav: Nav,
    counts: reference::ReferenceCounts,
    committees: Vec<reference::CommitteeRow>,
    facts: std::sync::Arc<TodayFacts>,
}

async fn overview(State(state): State<AppState>, ctx: PageContext) -> AppResult<Overview> {
    let counts = reference::counts(&state.db).await?;
    let committees = reference::committees(&state.db).await?;
    let facts = today_facts(&state).await?;
    let nav = portal_nav(Portal::Admin, &ctx.path);
    Ok(Overview {
        ctx,
        nav,
        counts,
        committees,
        facts,
    })
}

/// Filters of the calendar page.
#[derive(Debug, Deserialize, Default)]
pub struct CalendarQuery {
    pub year: Option<i32>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A calendar row as shown.
pub struct CalendarItem {
    pub date: String,
    pub weekday: &'static str,
    pub kind_label: &'static str,
    pub kind_tag: &'static str,
    pub name: String,
    pub region: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    ctx: PageContext,
    nav: Nav,
    year: i32,
    years: Vec<i32>,
    rows: Vec<CalendarItem>,
    pager: Pager,
    form: CalendarDayInput,
    errors: FieldErrors,
    saved: Option<String>,
    regions: [&'static str; 2],
}

async fn render_calendar(
    state: &AppState,
    ctx: PageContext,
    q: CalendarQuery,
    form: CalendarDayInput,
    errors: FieldErrors,
    saved: Option<String>,
) -> AppResult<CalendarPage> {
    let this_year = state.db.today().year();
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(this_year);
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::NotFound)?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    let total = calendar::count_between(&state.db, from, to).await? as u64;
    let pager = Pager::new(
        total,
        q.page,
        q.per_page,
        "/admin/calendar",
        vec![("year".into(), year.to_string())],
    );
    let rows = calendar::rows_between(
        &state.db,
        from,
        to,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|r| {
        let kind = CalendarDayKind::parse(&r.kind);
        CalendarItem {
            date: format_date(r.day),
            weekday: ["一", "二", "三", "四", "五", "六", "日"]
                [r.day.weekday().num_days_from_monday() as usize],
            kind_label: kind.map(CalendarDayKind::label).unwrap_or("未知"),
            kind_tag: if kind == Some(CalendarDayKind::Holiday) {
                "success"
            } else {
                "warning"
            },
            name: r.name,
            region: r.region,
        }
    })
    .collect();
    let years = (2024..=this_year + 1).collect();
    let nav = portal_nav(Portal::Admin, "/admin/calendar");
    Ok(CalendarPage {
        ctx,
        nav,
        year,
        years,
        rows,
        pager,
        form,
        errors,
        saved,
        regions: REGIONS,
    })
}

async fn calendar_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<CalendarQuery>,
) -> AppResult<CalendarPage> {
    user_with(
        &ctx,
        &[Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin],
    )?;
    let form = CalendarDayInput {
        region: "全国".into(),
        kind: "holiday".into(),
        ..Default::default()
    };
    render_calendar(&state, ctx, q, form, FieldErrors::default(), None).await
}

/// The add/replace form.
#[derive(Debug, Deserialize)]
pub struct CalendarForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub region: String,
}

async fn calendar_save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<CalendarForm>,
) -> AppResult<Response> {
    let user = user_with(&ctx, &[Role::SystemAdmin])?;
    let input = CalendarDayInput {
        date: f.date,
        kind: f.kind,
        name: f.name,
        region: f.region,
    };
    match save_day(&state.db, &input, actor(&user, &ip)).await {
        Ok(day) => {
            state.today.forget();
            let q = CalendarQuery {
                year: Some(day.date.year()),
                ..Default::default()
            };
            let saved = Some(format!(
                "已保存：{} {}（{}）",
                format_date(day.date),
                day.kind.label(),
                day.name
            ));
            let blank = CalendarDayInput {
                region: input.region,
                kind: input.kind,
                ..Default::default()
            };
            Ok(
                render_calendar(&state, ctx, q, blank, FieldErrors::default(), saved)
                    .await?
                    .into_response(),
            )
        }
        Err(ServiceError::Invalid(errors)) => {
            let q = CalendarQuery::default();
            Ok(render_calendar(&state, ctx, q, input, errors, None)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The delete form.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    pub date: String,
}

async fn calendar_delete(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<DeleteForm>,
) -> AppResult<Response> {
    let user = user_with(&ctx, &[Role::SystemAdmin])?;
    let date = delete_day(&state.db, &f.date, actor(&user, &ip)).await?;
    state.today.forget();
    Ok(Redirect::to(&format!("/admin/calendar?year={}", date.year())).into_response())
}

/// Filters of the audit log.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// An audit row as shown.
pub struct AuditItem {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub result: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: PageContext,
    nav: Nav,
    action: String,
    rows: Vec<AuditItem>,
    pager: Pager,
}

async fn audit_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<AuditQuery>,
) -> AppResult<AuditPage> {
    user_with(&ctx, &[Role::AuditAdmin])?;
    let action: String = q
        .action
        .unwrap_or_default()
        .trim()
        .chars()
        .take(40)
        .collect();
    let total = audit::count(&state.db, &action).await? as u64;
    let params = if action.is_empty() {
        vec![]
    } else {
        vec![("action".to_string(), action.clone())]
    };
    let pager = Pager::new(total, q.page, q.per_page, "/admin/audit", params);
    let rows = audit::page(
        &state.db,
        &action,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|r| AuditItem {
        at: format_time(r.at),
        actor: match (
            r.actor_id,
            r.actor_role.as_deref().and_then(Role::from_code),
        ) {
            (Some(id), Some(role)) => format!("#{id} {}", role.name()),
            (Some(id), None) => format!("#{id}"),
            _ => "系统".to_string(),
        },
        action: r.action,
        object: r.object,
        result: if r.result == "ok" {
            "成功".into()
        } else {
            "拒绝".into()
        },
        detail: r.detail,
        ip: r.ip.unwrap_or_default(),
    })
    .collect();
    let nav = portal_nav(Portal::Admin, &ctx.path);
    Ok(AuditPage {
        ctx,
        nav,
        action,
        rows,
        pager,
    })
}

/// Paging of the SMS outbox.
#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A message as shown.
pub struct OutboxItem {
    pub at: String,
    pub phone: String,
    pub template: String,
    pub body: String,
    pub provider: String,
    pub status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    ctx: PageContext,
    nav: Nav,
    rows: Vec<OutboxItem>,
    pager: Pager,
    /// The newest e-mails: `(time, to, subject, body)`.
    mails: Vec<(String, String, String, String)>,
}

/// `/admin/outbox`: the SMS outbox, readable by the system admin in demo mode only (the
/// messages hold live codes).
async fn outbox_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<OutboxQuery>,
) -> AppResult<OutboxPage> {
    if !state.config.demo {
        return Err(AppError::NotFound);
    }
    user_with(&ctx, &[Role::SystemAdmin])?;
    let total = zc_db::sms::outbox_count(&state.db).await? as u64;
    let pager = Pager::new(total, q.page, q.per_page, "/admin/outbox", vec![]);
    let rows = zc_db::sms::outbox_page(&state.db, pager.per_page as i64, pager.offset() as i64)
        .await?
        .into_iter()
        .map(|m| OutboxItem {
            at: format_time(m.created_at),
            phone: m.phone_masked,
            template: m.template,
            body: m.body,
            provider: m.provider,
            status: m.status,
        })
        .collect();
    let mails = zc_db::mail::outbox_recent(&state.db, 10)
        .await?
        .into_iter()
        .map(|m| (format_time(m.created_at), m.to_address, m.subject, m.body))
        .collect();
    let nav = portal_nav(Portal::Admin, &ctx.path);
    Ok(OutboxPage {
        ctx,
        nav,
        rows,
        pager,
        mails,
    })
}
