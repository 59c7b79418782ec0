//! `/committee/meetings` — 评审会议 for committee staff: create a meeting of a plan, gather
//! its dossiers, draw experts per specialty group (and redraw one who refused), see the
//! draw log checked by running it again, record who is present, close the secret vote
//! (counts only) and publish the passed results.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use zc_domain::{Portal, TitleLevel};
use zc_services::{ServiceError, committee_meetings as meetings, result_publicity};

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::{AppError, AppResult, refusal_message},
    routes::review_form::Posted,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/committee` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list).post(create))
        .route("/meetings/{id}", get(detail))
        .route("/meetings/{id}/{action}", post(act))
}

fn staff(ctx: &PageContext) -> AppResult<crate::auth::SessionUser> {
    ctx.user.clone().ok_or(AppError::Forbidden)
}

/// A meeting as listed.
pub struct MeetingLine {
    pub id: i64,
    pub name: String,
    pub held_on: String,
    pub status: &'static str,
}

fn status_name(code: &str) -> &'static str {
    match code {
        "preparing" => "准备中",
        "drawn" => "已抽取专家",
        "voting" => "表决中",
        "closed" => "表决结束",
        _ => "",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "committee/meetings.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    meetings: Vec<MeetingLine>,
    plans: Vec<(i64, i32)>,
    typed: Posted,
    errors: zc_services::FieldErrors,
    today: String,
}

async fn render_list(
    state: &AppState,
    ctx: PageContext,
    typed: Posted,
    errors: zc_services::FieldErrors,
) -> AppResult<ListPage> {
    let user = staff(&ctx)?;
    let committee = meetings::committee_of(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    let list = zc_db::meetings::of_committee(&state.db, committee)
        .await?
        .into_iter()
        .map(|m| MeetingLine {
            id: m.id,
            name: m.name,
            held_on: m.held_on.to_string(),
            status: status_name(&m.status),
        })
        .collect();
    Ok(ListPage {
        nav: portal_nav(Portal::Committee, "/committee/meetings"),
        meetings: list,
        plans: zc_db::meetings::plans_of_committee(&state.db, committee).await?,
        typed,
        errors,
        today: state.db.today().to_string(),
        ctx,
    })
}

async fn list(State(state): State<AppState>, ctx: PageContext) -> AppResult<ListPage> {
    render_list(&state, ctx, Posted::default(), Default::default()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let user = staff(&ctx)?;
    let posted = Posted(fields);
    let plan = posted.value("plan_id").parse().unwrap_or(0);
    match meetings::create(
        &state.db,
        user.actor(&ip),
        plan,
        &posted.value("name"),
        &posted.value("held_on"),
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/committee/meetings/{id}")).into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render_list(&state, ctx, posted, errors)
            .await?
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A dossier on the agenda.
pub struct AgendaLine {
    pub id: i64,
    pub specialty: String,
    pub applicant: String,
    pub unit: String,
    pub qualification: String,
    pub status: &'static str,
    /// Counts once the vote is open: 同意/不同意/弃权 and the outcome.
    pub tally: String,
}

/// A drawn member.
pub struct MemberLine {
    pub expert_id: i64,
    pub name: String,
    pub specialty: String,
    pub status: &'static str,
    pub refused: bool,
    pub confirmed: bool,
}

/// A logged draw.
pub struct DrawLine {
    pub at: String,
    pub specialty: String,
    pub kind: &'static str,
    pub seed: String,
    pub result: String,
    pub replays: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "committee/meeting.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    id: i64,
    name: String,
    held_on: String,
    status: String,
    status_label: &'static str,
    present: String,
    agenda: Vec<AgendaLine>,
    /// Specialty groups with no experts drawn yet, with their minimum size.
    undrawn: Vec<(String, u32)>,
    members: Vec<MemberLine>,
    draws: Vec<DrawLine>,
    /// The experts' written opinions: dossier, expert, score, opinion.
    opinions: Vec<(i64, String, i32, String)>,
    message: Option<String>,
}

async fn render_detail(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    message: Option<String>,
) -> AppResult<DetailPage> {
    let user = staff(&ctx)?;
    let meeting = meetings::mine(&state.db, user.id, id).await?;
    let results = meetings::results(&state.db, &meeting).await?;
    let rows = zc_db::meetings::agenda(&state.db, id).await?;
    let members_rows = zc_db::meetings::members(&state.db, id).await?;
    let mut undrawn: Vec<(String, u32)> = Vec::new();
    for r in &rows {
        let drawn = members_rows.iter().any(|m| m.specialty == r.specialty);
        if !drawn && !undrawn.iter().any(|(s, _)| *s == r.specialty) {
            let level = rows
                .iter()
                .filter(|x| x.specialty == r.specialty)
                .map(|x| x.level_rank)
                .max()
                .unwrap_or(3);
            undrawn.push((
                r.specialty.clone(),
                state.config.committee_minimums.of(level),
            ));
        }
    }
    let mut opinions = Vec::new();
    for r in &rows {
        for (expert, opinion, score) in
            zc_db::meetings::opinions(&state.db, id, r.application_id).await?
        {
            opinions.push((r.application_id, expert, score, opinion));
        }
    }
    let mut cast = std::collections::HashMap::new();
    if meeting.status == "voting" {
        for r in &rows {
            let n = zc_db::ballots::cast_count(&state.db, id, r.application_id).await?;
            cast.insert(r.application_id, n);
        }
    }
    let agenda = rows
        .into_iter()
        .map(|r| {
            // Counts appear when the box is opened; while voting, only how many voted.
            let tally = results
                .iter()
                .find(|x| x.application_id == r.application_id)
                .filter(|_| meeting.status == "closed")
                .map(|x| {
                    format!(
                        "同意{} 不同意{} 弃权{}{}",
                        x.tally.agree,
                        x.tally.disagree,
                        x.tally.abstain,
                        if meeting.status == "closed" {
                            if x.passed {
                                "（通过）"
                            } else {
                                "（未通过）"
                            }
                        } else {
                            ""
                        }
                    )
                })
                .or_else(|| {
                    cast.get(&r.application_id)
                        .map(|n| format!("已投票{n}人，结束表决后计票"))
                })
                .unwrap_or_default();
            AgendaLine {
                id: r.application_id,
                specialty: r.specialty,
                applicant: r.applicant_name,
                unit: r.unit_name,
                qualification: format!(
                    "{} {}",
                    TitleLevel::from_rank(r.level_rank).map_or("", TitleLevel::name),
                    r.title_name
                ),
                status: zc_domain::application::ApplicationStatus::from_code(&r.status)
                    .map_or("", |s| s.label()),
                tally,
            }
        })
        .collect();
    let members = members_rows
        .into_iter()
        .map(|m| MemberLine {
            refused: m.status == "refused",
            confirmed: m.status == "confirmed",
            status: match m.status.as_str() {
                "invited" => "待确认",
                "confirmed" => "已确认参加",
                "refused" => "拒绝参加",
                "replaced" => "已补抽替换",
                "present" => "出席",
                _ => "",
            },
            expert_id: m.expert_id,
            name: m.name,
            specialty: m.specialty,
        })
        .collect();
    let draws = zc_db::meetings::draws(&state.db, id)
        .await?
        .into_iter()
        .map(|d| DrawLine {
            replays: meetings::replay(&d),
            at: format_time(d.created_at),
            kind: if d.kind == "draw" { "抽取" } else { "补抽" },
            specialty: d.specialty,
            seed: d.seed,
            result: d.result,
        })
        .collect();
    Ok(DetailPage {
        nav: portal_nav(Portal::Committee, "/committee/meetings"),
        id,
        name: meeting.name,
        held_on: meeting.held_on.to_string(),
        status_label: status_name(&meeting.status),
        status: meeting.status,
        present: meeting.present.map(|p| p.to_string()).unwrap_or_default(),
        agenda,
        undrawn,
        members,
        draws,
        opinions,
        message,
        ctx,
    })
}

async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<DetailPage> {
    render_detail(&state, ctx, id, None).await
}

/// Every action on a meeting; a refusal shows the meeting again with its message.
async fn act(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let user = staff(&ctx)?;
    let actor = user.actor(&ip);
    let posted = Posted(fields);
    let db = &state.db;
    let outcome: Result<(), ServiceError> = match action.as_str() {
        "gather" => meetings::gather(db, actor, id).await.map(|_| ()),
        "draw" => {
            let count = posted.value("count").trim().parse().unwrap_or(0);
            meetings::draw_group(
                db,
                actor,
                id,
                &posted.value("specialty"),
                count,
                &state.config.committee_minimums,
            )
            .await
            .map(|_| ())
        }
        "redraw" => {
            let expert = posted.value("expert_id").parse().unwrap_or(0);
            meetings::redraw_one(db, actor, id, expert)
                .await
                .map(|_| ())
        }
        "open-vote" => {
            let present: Vec<i64> = posted
                .all("present")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect();
            meetings::open_vote(db, actor, id, &present).await
        }
        "close-vote" => meetings::close_vote(db, &state.vault, actor, id)
            .await
            .map(|_| ()),
        "publish" => result_publicity::publish(db, actor, id).await.map(|_| ()),
        _ => return Err(AppError::NotFound),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/committee/meetings/{id}")).into_response()),
        Err(e) => {
            let message = refusal_message(e)?;
            Ok(render_detail(&state, ctx, id, Some(message))
                .await?
                .into_response())
        }
    }
}
