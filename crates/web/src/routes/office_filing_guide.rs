//! `/office/filing-guide` — 填报说明: a 职改办 writes the guide its applicants read before
//! 报送, per year, and links the policy documents of every series or of one.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_services::{FieldErrors, ServiceError, filing_guide};

use crate::extract::{ClientIp, Staff};
use crate::{
    error::AppResult,
    routes::review_queue::Choice,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/filing-guide", get(page).post(save))
        .route("/filing-guide/links", post(add_link))
        .route("/filing-guide/links/{id}/delete", post(remove_link))
}

/// A link as listed.
pub struct LinkItem {
    pub id: i64,
    pub series: String,
    pub title: String,
    pub url: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/filing_guide.html")]
struct GuidePage {
    ctx: crate::context::PageContext,
    nav: Nav,
    year: i32,
    this_year: i32,
    body: String,
    links: Vec<LinkItem>,
    series: Vec<Choice>,
    typed_link: LinkForm,
    errors: FieldErrors,
    saved: bool,
}

impl GuidePage {
    /// The years an office may write for, the shown one selected.
    fn years(&self) -> Vec<(i32, bool)> {
        (self.this_year - 1..=self.this_year + 1)
            .map(|y| (y, y == self.year))
            .collect()
    }
}

/// `?year=` (this year by default) and `?saved=1`.
#[derive(Debug, Default, Deserialize)]
struct GuideQuery {
    year: Option<i32>,
    saved: Option<String>,
}

fn this_year(state: &AppState) -> i32 {
    use chrono::Datelike;
    state.db.today().year()
}

/// Years an office may write for: last, this and next; anything else is this year.
fn year_in_range(state: &AppState, year: Option<i32>) -> i32 {
    let this = this_year(state);
    year.filter(|y| (this - 1..=this + 1).contains(y))
        .unwrap_or(this)
}

async fn render(
    state: &AppState,
    staff: Staff,
    ip: &str,
    year: i32,
    typed_body: Option<String>,
    typed_link: LinkForm,
    errors: FieldErrors,
) -> AppResult<GuidePage> {
    let (body, links) = filing_guide::for_editor(&state.db, staff.user.actor(ip), year).await?;
    let series = std::iter::once(Choice {
        value: String::new(),
        label: "所有系列".into(),
        selected: typed_link.series_id.is_empty(),
    })
    .chain(
        zc_db::organisations::series(&state.db)
            .await?
            .into_iter()
            .map(|s| Choice {
                selected: typed_link.series_id == s.id.to_string(),
                value: s.id.to_string(),
                label: s.name,
            }),
    )
    .collect();
    Ok(GuidePage {
        nav: portal_nav(staff.user.role.portal(), "/office/filing-guide"),
        ctx: staff.ctx,
        year,
        this_year: this_year(state),
        body: typed_body.unwrap_or(body),
        links: links
            .into_iter()
            .map(|l| LinkItem {
                id: l.id,
                series: l.series_name.unwrap_or_else(|| "所有系列".into()),
                title: l.title,
                url: l.url,
            })
            .collect(),
        series,
        typed_link,
        errors,
        saved: false,
    })
}

async fn page(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Query(q): Query<GuideQuery>,
) -> AppResult<GuidePage> {
    let year = year_in_range(&state, q.year);
    let mut page = render(
        &state,
        staff,
        &ip,
        year,
        None,
        LinkForm::default(),
        FieldErrors::default(),
    )
    .await?;
    page.saved = q.saved.is_some();
    Ok(page)
}

/// The guide's text.
#[derive(Debug, Deserialize)]
struct BodyForm {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    body: String,
}

fn back(year: i32) -> Response {
    Redirect::to(&format!("/office/filing-guide?year={year}&saved=1")).into_response()
}

async fn save(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<BodyForm>,
) -> AppResult<Response> {
    let year = year_in_range(&state, f.year);
    match filing_guide::save(&state.db, staff.user.actor(&ip), year, &f.body).await {
        Ok(()) => Ok(back(year)),
        Err(ServiceError::Invalid(errors)) => Ok(render(
            &state,
            staff,
            &ip,
            year,
            Some(f.body),
            LinkForm::default(),
            errors,
        )
        .await?
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A policy link.
#[derive(Debug, Default, Deserialize)]
struct LinkForm {
    #[serde(default)]
    year: i32,
    #[serde(default)]
    series_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

async fn add_link(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let year = year_in_range(&state, Some(f.year));
    // A series that is not a number is "every series" only when left empty.
    let series_id = match f.series_id.trim() {
        "" => Ok(None),
        s => s.parse::<i64>().map(Some),
    };
    let result = match series_id {
        Ok(series_id) => {
            filing_guide::add_link(
                &state.db,
                staff.user.actor(&ip),
                year,
                series_id,
                &f.title,
                &f.url,
            )
            .await
        }
        Err(_) => Err(FieldErrors::one("series_id", "请选择适用的系列")),
    };
    match result {
        Ok(_) => Ok(back(year)),
        Err(ServiceError::Invalid(errors)) => Ok(render(&state, staff, &ip, year, None, f, errors)
            .await?
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// The year to go back to after removing a link (this year when absent).
#[derive(Debug, Default, Deserialize)]
struct YearForm {
    #[serde(default)]
    year: Option<i32>,
}

async fn remove_link(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<YearForm>,
) -> AppResult<Response> {
    filing_guide::remove_link(&state.db, staff.user.actor(&ip), id).await?;
    Ok(back(year_in_range(&state, f.year)))
}
