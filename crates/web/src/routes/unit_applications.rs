//! `/unit/applications` — 申报审核 for unit staff: the queue by status with counts and a
//! keyword, each dossier read-only with its pictures and history, the internal publicity,
//! and the decisions (退回 with a reason per section, 不通过, 审核通过并报送).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::review_queue::QueueScope;
use zc_domain::{Portal, TitleLevel, application::ApplicationStatus};
use zc_services::{
    FieldErrors, ServiceError,
    review_batch::BatchDecision,
    unit_review::{self, UnitDecision},
};

use crate::extract::{ClientIp, Staff};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, shown_on_page},
    routes::review_desk::{ReviewDesk, queue_routes},
    routes::review_form::{Posted, ReviewedDossier},
    routes::review_queue::QueueDesk,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/unit` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    queue_routes::<UnitDesk>()
        .route("/publicity.xlsx", get(publicity_xlsx))
        .route("/publicity.pdf", get(publicity_pdf))
        .route("/publicity", get(publicity_sheet))
        .route("/applications/{id}", get(dossier))
        .route("/applications/{id}/publicity", post(publicity))
        .route("/applications/{id}/decision", post(decision))
        .route("/applications/{id}/files/{file}", get(file))
        .merge(crate::routes::return_templates::routes())
}

/// The tabs of the queue, in the order a unit works.
const TABS: [ApplicationStatus; 5] = [
    ApplicationStatus::UnitPending,
    ApplicationStatus::ReturnedToUnit,
    ApplicationStatus::ReturnedToApplicant,
    ApplicationStatus::OfficePending,
    ApplicationStatus::UnitFailed,
];

/// The unit a staff member works for.
async fn unit_id(state: &AppState, ctx: &PageContext) -> AppResult<i64> {
    Staff::of(state, ctx.clone(), ctx.signed_in()?)
        .await?
        .org("unit")
}

/// The unit's review desk.
pub(crate) struct UnitDesk;

impl ReviewDesk for UnitDesk {
    fn desk(staff: &Staff) -> AppResult<QueueDesk> {
        Ok(QueueDesk {
            nav: portal_nav(Portal::Unit, "/unit/applications"),
            base: "/unit/applications",
            scope: QueueScope::Unit(staff.org("unit")?),
            tabs: &TABS,
            batch_label: Some("审核通过并报送所选申报"),
            may_reveal: QueueDesk::may_reveal(&staff.account),
        })
    }

    /// 批量审核通过并报送: forwarded with the one recommendation; those whose publicity
    /// has not run its 5 working days are skipped and counted.
    fn batch_decision(opinion: String) -> BatchDecision {
        BatchDecision::UnitForward(opinion)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/application.html")]
struct DossierPage {
    ctx: PageContext,
    nav: Nav,
    /// The dossier as every desk shows it.
    d: ReviewedDossier,
    publicity: Option<(String, String)>,
    may_forward: bool,
    /// While the publicity runs: the day forwarding opens.
    forward_opens: Option<String>,
    /// The publicity start date box: today, or what was typed when it was refused.
    starts_on: String,
    errors: FieldErrors,
    message: Option<String>,
    /// What a refused decision form held, to fill it in again.
    typed: Posted,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    errors: FieldErrors,
    message: Option<String>,
) -> AppResult<DossierPage> {
    let staff_id = ctx.signed_in()?.id;
    let app = unit_review::for_unit_staff(&state.db, staff_id, id).await?;
    let d = ReviewedDossier::of(state, staff_id, &app, "/unit/applications").await?;
    let calendar = zc_db::calendar::working_calendar(&state.db, zc_db::seed::GUANGXI).await?;
    let record = zc_db::unit_review::publicity(&state.db, id).await?;
    let may_forward = record.as_ref().is_some_and(|p| {
        zc_domain::application::publicity::may_forward(&calendar, p.starts_on, state.db.today())
    });
    let forward_opens = record.as_ref().map(|p| {
        zc_domain::application::publicity::forward_opens_on(&calendar, p.starts_on).to_string()
    });
    Ok(DossierPage {
        nav: portal_nav(Portal::Unit, "/unit/applications"),
        d,
        publicity: record.map(|p| (p.starts_on.to_string(), p.ends_on.to_string())),
        may_forward,
        forward_opens,
        starts_on: state.db.today().to_string(),
        errors,
        message,
        typed: Posted::default(),
        ctx,
    })
}

async fn dossier(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<DossierPage> {
    render(&state, ctx, id, FieldErrors::default(), None).await
}

/// The publicity form.
#[derive(Debug, Deserialize)]
pub struct PublicityForm {
    #[serde(default)]
    pub starts_on: String,
}

async fn publicity(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<PublicityForm>,
) -> AppResult<Response> {
    let Ok(starts_on) = chrono::NaiveDate::parse_from_str(f.starts_on.trim(), "%Y-%m-%d") else {
        let mut errors = FieldErrors::default();
        errors.add("starts_on", "请填写公示开始日期，例如 2026-03-02");
        let mut page = render(&state, ctx, id, errors, None).await?;
        page.starts_on = f.starts_on;
        return Ok(page.into_response());
    };
    match unit_review::record_publicity(&state.db, ctx.signed_in()?.actor(&ip), id, starts_on).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/unit/applications/{id}#publicity")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let mut page = render(&state, ctx, id, errors, None).await?;
            page.starts_on = f.starts_on;
            Ok(page.into_response())
        }
        Err(ServiceError::Refused { message, .. }) => {
            Ok(
                render(&state, ctx, id, FieldErrors::default(), Some(message))
                    .await?
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn decision(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let value = |k: &str| posted.value(k);
    let decision = match value("decision").as_str() {
        "return" => UnitDecision::Return(posted.section_reasons()),
        "fail" => UnitDecision::Fail(value("fail_reason")),
        "forward" => UnitDecision::Forward(value("opinion")),
        _ => return Err(AppError::NotFound),
    };
    let returned = matches!(decision, UnitDecision::Return(_));
    match unit_review::decide(&state.db, ctx.signed_in()?.actor(&ip), id, &decision).await {
        Ok(_) if returned => {
            Ok(Redirect::to(&format!("/unit/applications?returned={id}")).into_response())
        }
        Ok(_) => Ok(Redirect::to("/unit/applications").into_response()),
        Err(e) => {
            let (errors, message) = shown_on_page(e)?;
            let mut page = render(&state, ctx, id, errors, message).await?;
            page.typed = posted;
            Ok(page.into_response())
        }
    }
}

/// A picture of a dossier in the unit's scope.
async fn file(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let staff_id = ctx.signed_in()?.id;
    unit_review::for_unit_staff(&state.db, staff_id, id).await?;
    crate::routes::application_views::serve_file(&state, id, file).await
}

/// A line of the 公示表 as printed.
pub struct SheetLine {
    pub id: i64,
    pub name: String,
    pub qualification: String,
    pub committee: String,
    pub period: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/publicity.html")]
struct SheetPage {
    ctx: PageContext,
    nav: Nav,
    unit: String,
    lines: Vec<SheetLine>,
}

/// The unit's name and its current 公示表 lines. Names are shown as a unit posts them
/// internally; identity numbers are left out.
async fn sheet_lines(state: &AppState, ctx: &PageContext) -> AppResult<(String, Vec<SheetLine>)> {
    let unit_id = unit_id(state, ctx).await?;
    let unit = zc_db::reference::org_name(&state.db, "unit", unit_id)
        .await?
        .unwrap_or_default();
    let lines = zc_db::unit_review::publicity_sheet(&state.db, unit_id, state.db.today())
        .await?
        .into_iter()
        .map(|l| SheetLine {
            id: l.id,
            name: l.applicant_name,
            qualification: format!(
                "{}系列/{}/{}",
                l.series_name,
                TitleLevel::from_rank(l.level_rank).map_or("", TitleLevel::name),
                l.title_name
            ),
            committee: l.committee_name.unwrap_or_default(),
            period: format!("{} 至 {}", l.starts_on, l.ends_on),
        })
        .collect();
    Ok((unit, lines))
}

/// 单位内部公示表, to print and post.
async fn publicity_sheet(State(state): State<AppState>, ctx: PageContext) -> AppResult<SheetPage> {
    let (unit, lines) = sheet_lines(&state, &ctx).await?;
    Ok(SheetPage {
        nav: portal_nav(Portal::Unit, "/unit/applications"),
        ctx,
        unit,
        lines,
    })
}

/// 单位内部公示表 as a PDF to print and post.
async fn publicity_pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    crate::extract::ClientIp(ip): crate::extract::ClientIp,
) -> AppResult<Response> {
    let (unit, lines) = sheet_lines(&state, &ctx).await?;
    let user = ctx.signed_in()?;
    let unit_id = unit_id(&state, &ctx).await?;
    let rows: Vec<Vec<String>> = lines
        .into_iter()
        .map(|l| {
            vec![
                l.id.to_string(),
                l.name,
                l.qualification,
                l.committee,
                l.period,
            ]
        })
        .collect();
    let count = rows.len();
    let text = zc_services::documents::SheetText {
        title: format!("{unit}职称申报内部公示表"),
        intro: format!("根据职称评审工作要求，现将本单位{count}名职称申报人员的申报信息予以公示。"),
        closing: "公示期间，如对公示对象的申报材料有异议，请向本单位人事部门实名反映。".into(),
        issuer: unit,
    };
    let doc = zc_services::documents::publicity_sheet(
        &state.db,
        user.actor(&ip),
        &format!("unit:{unit_id}"),
        text,
        vec!["申报编号", "姓名", "拟申报资格", "评委会", "公示期"],
        rows,
    )
    .await?;
    Ok(crate::routes::downloads::pdf(doc))
}

/// 单位内部公示表 as .xlsx, with who exported it and when.
async fn publicity_xlsx(State(state): State<AppState>, ctx: PageContext) -> AppResult<Response> {
    let (unit, lines) = sheet_lines(&state, &ctx).await?;
    let user = ctx.user.as_ref().ok_or(AppError::Forbidden)?;
    let watermark = format!(
        "导出人：{}　导出时间：{}",
        user.display_name,
        format_time(state.db.now())
    );
    let mut sheet = zc_docs::Sheet::new(
        "公示表",
        &format!("{unit}职称申报内部公示表"),
        &watermark,
        &["申报编号", "姓名", "拟申报资格", "评委会", "公示期"],
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    for l in &lines {
        sheet
            .push(&[
                l.id.to_string(),
                l.name.clone(),
                l.qualification.clone(),
                l.committee.clone(),
                l.period.clone(),
            ])
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = sheet
        .into_bytes()
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"gongshibiao.xlsx\"",
            ),
            (axum::http::header::CACHE_CONTROL, "private, no-store"),
        ],
        bytes,
    )
        .into_response())
}
