//! 好差评 for staff: `/office/ratings` lists the ratings of this 职改办's finished cases
//! with its own tally, the 差评 awaiting a follow-up earliest due first, each answered on
//! `/office/ratings/{id}`; `/admin/ratings` counts every office's ratings.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use zc_db::service_ratings::{OfficeTally, RatingFilter, RatingRow};
use zc_domain::{
    Portal,
    application::ApplicationKind,
    feedback::{Grade, REPLY_MAX},
};
use zc_services::{FieldErrors, service_rating};

use crate::extract::{ClientIp, Staff};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, field_errors},
    pager::Pager,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn office_routes() -> Router<AppState> {
    Router::new()
        .route("/ratings", get(list))
        .route("/ratings/{id}", get(detail).post(answer))
}

/// Routes under `/admin` (the caller adds the portal guard).
pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/ratings", get(all_offices))
}

/// A rating as staff read it.
pub struct RatingView {
    pub application_id: i64,
    pub applicant: String,
    pub service: String,
    pub grade: &'static str,
    pub poor: bool,
    pub reason: String,
    pub created: String,
    pub due: String,
    pub overdue: bool,
    pub answer: String,
    pub answered_at: String,
}

impl RatingView {
    fn of(r: RatingRow, today: chrono::NaiveDate) -> RatingView {
        let grade = Grade::from_value(r.grade);
        let kind = ApplicationKind::from_code(&r.kind).map_or("", ApplicationKind::name);
        RatingView {
            application_id: r.application_id,
            applicant: zc_domain::mask::mask_name(&r.applicant_name),
            service: format!("{kind} · {}", r.title_name),
            grade: grade.map_or("", Grade::label),
            poor: grade.is_some_and(Grade::is_poor),
            reason: r.reason,
            created: format_time(r.created_at),
            due: r.follow_up_due.map(|d| d.to_string()).unwrap_or_default(),
            overdue: r.followed_up_at.is_none() && r.follow_up_due.is_some_and(|d| d < today),
            answer: r.follow_up,
            answered_at: r.followed_up_at.map(format_time).unwrap_or_default(),
        }
    }

    /// The follow-up's state in words.
    pub fn follow_up(&self) -> String {
        if !self.poor {
            String::new()
        } else if !self.answered_at.is_empty() {
            "已回访".into()
        } else if self.overdue {
            format!("已超期（应于{}前答复）", self.due)
        } else {
            format!("待回访（{}前）", self.due)
        }
    }
}

/// A tally as a table row: the counts per level, best first.
pub struct TallyView {
    pub office: String,
    pub counts: [i64; 5],
    pub total: i64,
    /// Share of 满意 and 非常满意, in per cent to one decimal.
    pub satisfied: String,
    pub awaiting: i64,
    pub overdue: i64,
}

impl TallyView {
    fn of(t: OfficeTally) -> TallyView {
        let counts = [t.grade5, t.grade4, t.grade3, t.grade2, t.grade1];
        let total: i64 = counts.iter().sum();
        let satisfied = if total == 0 {
            "—".into()
        } else {
            format!(
                "{:.1}%",
                (t.grade5 + t.grade4) as f64 * 100.0 / total as f64
            )
        };
        TallyView {
            office: t.office_name,
            counts,
            total,
            satisfied,
            awaiting: t.awaiting,
            overdue: t.overdue,
        }
    }
}

/// The level names in the tally's column order.
fn grade_labels() -> [&'static str; 5] {
    Grade::ALL.map(Grade::label)
}

impl ListPage {
    /// The tally's level columns.
    fn grade_labels(&self) -> [&'static str; 5] {
        grade_labels()
    }
}

impl AllOfficesPage {
    /// The tally's level columns.
    fn grade_labels(&self) -> [&'static str; 5] {
        grade_labels()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "office/ratings.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    /// The office's own tally (one row, or none before the first rating).
    tallies: Vec<TallyView>,
    follow_ups_only: bool,
    items: Vec<RatingView>,
    pager: Pager,
}

/// `?show=follow_up` for the 差评 awaiting an answer.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    show: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let office = crate::extract::office_desk(&state, &staff.ctx).await?;
    let today = state.db.today();
    let follow_ups_only = q.show.as_deref() == Some("follow_up");
    let filter = if follow_ups_only {
        RatingFilter::AwaitingFollowUp
    } else {
        RatingFilter::All
    };
    let total = zc_db::service_ratings::count_of_office(&state.db, office, filter).await? as u64;
    let params = if follow_ups_only {
        vec![("show".into(), "follow_up".into())]
    } else {
        Vec::new()
    };
    let pager = Pager::new(total, q.page, q.per_page, "/office/ratings", params);
    let items = zc_db::service_ratings::of_office(
        &state.db,
        office,
        filter,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|r| RatingView::of(r, today))
    .collect();
    let tallies = zc_db::service_ratings::tallies(&state.db, Some(office), today)
        .await?
        .into_iter()
        .map(TallyView::of)
        .collect();
    Ok(ListPage {
        nav: portal_nav(Portal::Office, "/office/ratings"),
        ctx: staff.ctx,
        tallies,
        follow_ups_only,
        items,
        pager,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "office/rating.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    item: RatingView,
    typed: String,
    errors: FieldErrors,
    reply_max: usize,
    answered: bool,
}

async fn render(
    state: &AppState,
    staff: Staff,
    id: i64,
    typed: String,
    errors: FieldErrors,
) -> AppResult<DetailPage> {
    let office = crate::extract::office_desk(state, &staff.ctx).await?;
    let item = zc_db::service_ratings::of_application(&state.db, id)
        .await?
        .filter(|r| r.office_id == office)
        .map(|r| RatingView::of(r, state.db.today()))
        .ok_or(AppError::NotFound)?;
    Ok(DetailPage {
        nav: portal_nav(Portal::Office, "/office/ratings"),
        ctx: staff.ctx,
        item,
        typed,
        errors,
        reply_max: REPLY_MAX,
        answered: false,
    })
}

/// `?answered=1` after an answer.
#[derive(Debug, Default, Deserialize)]
struct DetailQuery {
    answered: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<DetailPage> {
    let mut page = render(&state, staff, id, String::new(), FieldErrors::default()).await?;
    page.answered = q.answered.is_some();
    Ok(page)
}

/// The follow-up answer as typed.
#[derive(Debug, Default, Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

async fn answer(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let errors = match service_rating::answer(&state.db, staff.user.actor(&ip), id, &f.answer).await
    {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/office/ratings/{id}?answered=1")).into_response());
        }
        Err(e) => field_errors(e, "answer")?,
    };
    Ok(render(&state, staff, id, f.answer, errors)
        .await?
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/ratings.html")]
struct AllOfficesPage {
    ctx: PageContext,
    nav: Nav,
    tallies: Vec<TallyView>,
}

async fn all_offices(State(state): State<AppState>, staff: Staff) -> AppResult<AllOfficesPage> {
    let tallies = zc_db::service_ratings::tallies(&state.db, None, state.db.today())
        .await?
        .into_iter()
        .map(TallyView::of)
        .collect();
    Ok(AllOfficesPage {
        nav: portal_nav(Portal::Admin, "/admin/ratings"),
        ctx: staff.ctx,
        tallies,
    })
}
