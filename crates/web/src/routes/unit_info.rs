//! `/unit/info` — 单位信息: the unit's registered details as its staff read them, its
//! change requests and their outcome, and for its administrator the form that asks the
//! reviewing office for a change.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::{reference, unit_changes::ChangeRow, units::UnitRow};
use zc_domain::Portal;
use zc_services::{
    FieldErrors,
    unit_change::{self, ChangeInput},
    units::UNIT_KINDS,
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppResult, field_errors},
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/unit` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/info", get(page))
        .route("/info/change", post(request))
}

/// A change request as listed.
pub struct ChangeView {
    pub id: i64,
    pub created: String,
    pub status: &'static str,
    pub pending: bool,
    pub note: String,
    pub decided: String,
    /// `(field, from, to)` for each detail the request changes.
    pub changes: Vec<(&'static str, String, String)>,
}

impl ChangeView {
    /// The view of a stored request.
    pub fn of(c: &ChangeRow) -> ChangeView {
        let pairs = [
            ("单位名称", &c.current_name, &c.name),
            ("单位类型", &c.current_kind, &c.kind),
            ("所在地", &c.current_region_name, &c.region_name),
            ("单位地址", &c.current_address, &c.address),
            ("联系人", &c.current_contact_name, &c.contact_name),
            (
                "联系电话",
                &c.current_contact_phone_masked,
                &c.contact_phone_masked,
            ),
        ];
        ChangeView {
            id: c.id,
            created: format_time(c.created_at),
            status: match c.status.as_str() {
                "approved" => "已通过",
                "refused" => "未通过",
                _ => "待审核",
            },
            pending: c.status == "pending",
            note: c.decision_note.clone(),
            decided: c.decided_at.map(format_time).unwrap_or_default(),
            changes: pairs
                .into_iter()
                // Decided requests compare with today's details, so show every asked value.
                .filter(|(_, from, to)| from != to || c.status != "pending")
                .map(|(f, from, to)| (f, from.clone(), to.clone()))
                .collect(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/info.html")]
struct InfoPage {
    ctx: PageContext,
    nav: Nav,
    unit: UnitRow,
    office_name: String,
    requests: Vec<ChangeView>,
    /// The change form, for the administrator while nothing waits.
    form: Option<ChangeInput>,
    counties: Vec<reference::CountyChoice>,
    kinds: [&'static str; 4],
    errors: FieldErrors,
    sent: bool,
}

impl InfoPage {
    /// Whether a county starts a new city group in the select.
    fn city_starts(&self, i: &usize) -> bool {
        *i == 0 || self.counties[*i - 1].city != self.counties[*i].city
    }

    /// Whether a city group ends after this county.
    fn city_ends(&self, i: &usize) -> bool {
        *i + 1 == self.counties.len() || self.counties[*i + 1].city != self.counties[*i].city
    }
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    user_id: i64,
    typed: Option<ChangeInput>,
    errors: FieldErrors,
) -> AppResult<InfoPage> {
    let (unit, form) = unit_change::unit_page(&state.db, &state.vault, user_id).await?;
    let requests: Vec<ChangeView> = zc_db::unit_changes::of_unit(&state.db, unit.id, 20)
        .await?
        .iter()
        .map(ChangeView::of)
        .collect();
    let waiting = requests.iter().any(|r| r.pending);
    let office_name = reference::org_name(&state.db, "office", unit.office_id)
        .await?
        .unwrap_or_default();
    Ok(InfoPage {
        nav: portal_nav(Portal::Unit, "/unit/info"),
        ctx,
        office_name,
        form: form.filter(|_| !waiting).map(|f| typed.unwrap_or(f)),
        unit,
        requests,
        counties: reference::counties(&state.db).await?,
        kinds: UNIT_KINDS,
        errors,
        sent: false,
    })
}

/// `?sent=1` after a request.
#[derive(Debug, Default, Deserialize)]
struct InfoQuery {
    sent: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Query(q): Query<InfoQuery>,
) -> AppResult<InfoPage> {
    let mut page = render(&state, ctx, user.id, None, FieldErrors::default()).await?;
    page.sent = q.sent.is_some();
    Ok(page)
}

/// The change as posted.
#[derive(Debug, Default, Deserialize)]
struct ChangeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    reason: String,
}

async fn request(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<ChangeForm>,
) -> AppResult<Response> {
    let input = ChangeInput {
        name: f.name,
        kind: f.kind,
        region_code: f.region_code,
        address: f.address,
        contact_name: f.contact_name,
        contact_phone: f.contact_phone,
        reason: f.reason,
    };
    let errors = match unit_change::request(&state.db, &state.vault, user.actor(&ip), &input).await
    {
        Ok(_) => return Ok(Redirect::to("/unit/info?sent=1").into_response()),
        Err(e) => field_errors(e, "reason")?,
    };
    Ok(render(&state, ctx, user.id, Some(input), errors)
        .await?
        .into_response())
}
