//! `/my/applications/{id}/progress` — 申报进度: the step bar, the history (newest first,
//! the waiting step on top), and, once the case has ended, the 好差评 rating of the
//! service and the office's answer to a 差评.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::applications::EventRow;
use zc_domain::{
    Portal,
    application::{ApplicationStatus, ProgressStep},
    feedback::Grade,
};
use zc_services::{FieldErrors, ServiceError, applications, service_rating};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppResult, field_errors},
    routes::{
        application_views::{HistoryLine, history_lines},
        my_applications::Card,
    },
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/progress", get(progress))
        .route("/applications/{id}/rating", post(rate))
}

/// A step of the bar.
pub struct BarStep {
    pub label: &'static str,
    pub done: bool,
    pub current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_progress.html")]
struct ProgressPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    bar: Vec<BarStep>,
    sentence: String,
    history: Vec<HistoryLine>,
    /// The seed's words after 同意并报送.
    submitted: Option<&'static str>,
    rating: Option<RatingBox>,
}

/// `?submitted=1` after 同意并报送, `?rated=1` after a rating.
#[derive(Debug, Default, Deserialize)]
struct ProgressQuery {
    submitted: Option<String>,
    rated: Option<String>,
}

async fn progress(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<ProgressQuery>,
) -> AppResult<ProgressPage> {
    let rated = q.rated.is_some();
    let mut page = render(
        &state,
        ctx,
        user.id,
        id,
        q,
        RatingForm::default(),
        FieldErrors::default(),
    )
    .await?;
    if let Some(r) = page.rating.as_mut() {
        r.thanked = rated;
    }
    Ok(page)
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    user_id: i64,
    id: i64,
    q: ProgressQuery,
    typed: RatingForm,
    errors: FieldErrors,
) -> AppResult<ProgressPage> {
    let state = state.clone();
    let app = applications::mine(&state.db, user_id, id).await?;
    let open = zc_db::payment_orders::open_of_payer(&state.db, user_id).await?;
    let card = Card::of(&app)
        .with_fee(&open)
        .with_return(&state, &app)
        .await?;
    let kind = app.kind;
    // The 主管部门 step appears once a dossier has passed through one.
    let events: Vec<EventRow> = zc_db::applications::events(&state.db, id).await?;
    let via_department = events
        .iter()
        .any(|e| e.to_status == ApplicationStatus::DepartmentPending.code());
    let now_step = card.status.step();
    let bar = ProgressStep::path(kind, via_department)
        .into_iter()
        .map(|s| BarStep {
            label: s.label(),
            done: s < now_step,
            current: s == now_step,
        })
        .collect();
    let since = events
        .last()
        .map(|e| format_time(e.at))
        .unwrap_or_else(|| card.created.clone());
    let holder = match now_step {
        ProgressStep::Applicant => "您本人".to_string(),
        ProgressStep::Unit => zc_db::reference::org_name(&state.db, "unit", app.unit_id)
            .await?
            .unwrap_or_default(),
        ProgressStep::Office | ProgressStep::Certificate => app.office_name.clone(),
        ProgressStep::Committee | ProgressStep::Publicity => card.committee.clone(),
        ProgressStep::Department => "主管部门".to_string(),
    };
    let sentence = format!(
        "当前状态：{}。目前由{holder}办理，自 {since} 起。",
        card.status.label()
    );
    let mut history = history_lines(events);
    // The step it waits at heads the history, not yet done, as in the seed.
    if !card.status.is_finished() && now_step != ProgressStep::Applicant {
        history.insert(
            0,
            HistoryLine {
                at: since.clone(),
                step: now_step.label().to_string(),
                result: String::new(),
                org: holder.clone(),
                status: card.status.label(),
            },
        );
    }
    let rating = if service_rating::may_rate(app.status) {
        Some(RatingBox::of(
            zc_db::service_ratings::of_application(&state.db, id).await?,
            typed,
            errors,
        ))
    } else {
        None
    };
    Ok(ProgressPage {
        rating,
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card,
        bar,
        sentence,
        history,
        // Only while the dossier waits where it was sent (the unit; the office for 审验),
        // so a stale link says nothing wrong.
        submitted: (q.submitted.is_some()
            && app.status
                == if kind.skips_unit() {
                    ApplicationStatus::OfficePending
                } else {
                    ApplicationStatus::UnitPending
                })
        .then_some(match kind {
            zc_domain::application::ApplicationKind::Recognition => {
                zc_domain::application::recognition::SUBMITTED
            }
            zc_domain::application::ApplicationKind::Reconfirmation => {
                "您的重新确认申报已成功提交，请等待单位工作人员审核。"
            }
            zc_domain::application::ApplicationKind::Replacement => {
                "您的遗失补办申报已成功提交，请等待单位工作人员审核。"
            }
            zc_domain::application::ApplicationKind::Verification => {
                "您的审验申请已成功提交，请等待审验机关审核。"
            }
            zc_domain::application::ApplicationKind::Evaluation => {
                "您的职称评审申报已成功提交，请等待单位工作人员审核。"
            }
        }),
    })
}

/// The 好差评 box of a finished case: the form until rated, then the rating and, for a
/// 差评, the office's answer or the day it is due.
pub struct RatingBox {
    pub given: Option<GivenRating>,
    pub typed: RatingForm,
    pub errors: FieldErrors,
    pub thanked: bool,
}

/// A rating as given.
pub struct GivenRating {
    pub label: &'static str,
    pub reason: String,
    pub poor: bool,
    pub due: String,
    pub answer: String,
    pub answered_at: String,
}

impl RatingBox {
    fn of(
        row: Option<zc_db::service_ratings::RatingRow>,
        typed: RatingForm,
        errors: FieldErrors,
    ) -> RatingBox {
        RatingBox {
            given: row.map(|r| {
                let grade = Grade::from_value(r.grade);
                GivenRating {
                    label: grade.map_or("", Grade::label),
                    reason: r.reason,
                    poor: grade.is_some_and(Grade::is_poor),
                    due: r.follow_up_due.map(|d| d.to_string()).unwrap_or_default(),
                    answer: r.follow_up,
                    answered_at: r.followed_up_at.map(format_time).unwrap_or_default(),
                }
            }),
            typed,
            errors,
            thanked: false,
        }
    }

    /// The five levels, the typed one checked.
    pub fn grades(&self) -> Vec<(i32, &'static str, bool)> {
        Grade::ALL
            .into_iter()
            .map(|g| {
                (
                    g.value(),
                    g.label(),
                    self.typed.grade.trim() == g.value().to_string(),
                )
            })
            .collect()
    }

    /// Working days the office has to answer a 差评.
    pub fn follow_up_days(&self) -> u32 {
        zc_domain::feedback::FOLLOW_UP_WORKING_DAYS
    }
}

/// A rating as posted.
#[derive(Debug, Default, Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub reason: String,
}

async fn rate(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<RatingForm>,
) -> AppResult<Response> {
    let grade = f.grade.trim().parse::<i32>().ok();
    let errors = match service_rating::rate(&state.db, user.actor(&ip), id, grade, &f.reason).await
    {
        Ok(()) => {
            let to = format!("/my/applications/{id}/progress?rated=1#rating");
            return Ok(Redirect::to(&to).into_response());
        }
        // Nothing to rate yet: the refusal page says why.
        Err(
            e @ ServiceError::Refused {
                code: "rating_not_finished",
                ..
            },
        ) => return Err(e.into()),
        Err(e) => field_errors(e, "grade")?,
    };
    Ok(render(
        &state,
        ctx,
        user.id,
        id,
        ProgressQuery::default(),
        f,
        errors,
    )
    .await?
    .into_response())
}
