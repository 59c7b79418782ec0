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
use zc_domain::{
    Portal, TitleLevel,
    committee::meeting::{MeetingEvent, SeatEvent},
};
use zc_services::{
    ServiceError, committee_meetings as meetings,
    meeting_overview::{self, AgendaEntry, VoteView},
    result_publicity,
};

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
            status: m.status.name(),
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
    /// Refused while experts may still be drawn: offers 补抽.
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
    status_label: &'static str,
    /// What the meeting's state machine allows now: each offers its form.
    may_gather: bool,
    may_draw: bool,
    may_open_vote: bool,
    may_close_vote: bool,
    may_publish: bool,
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
    let o = meeting_overview::overview(&state.db, user.id, id, &state.config.committee_minimums)
        .await?;
    let status = o.meeting.status;
    let agenda = o.agenda.into_iter().map(agenda_line).collect();
    let members = o
        .members
        .into_iter()
        .map(|m| MemberLine {
            refused: status.allows(MeetingEvent::Draw)
                && m.status.after(SeatEvent::Replace).is_some(),
            confirmed: m.status.after(SeatEvent::CheckIn).is_some(),
            status: m.status.name(),
            expert_id: m.expert_id,
            name: m.name,
            specialty: m.specialty,
        })
        .collect();
    let draws = o
        .draws
        .into_iter()
        .map(|c| DrawLine {
            replays: c.replays,
            at: format_time(c.draw.created_at),
            kind: if c.draw.kind == "draw" {
                "抽取"
            } else {
                "补抽"
            },
            specialty: c.draw.specialty,
            seed: c.draw.seed,
            result: c.draw.result,
        })
        .collect();
    Ok(DetailPage {
        nav: portal_nav(Portal::Committee, "/committee/meetings"),
        id,
        name: o.meeting.name,
        held_on: o.meeting.held_on.to_string(),
        status_label: status.name(),
        may_gather: status.allows(MeetingEvent::Gather),
        may_draw: status.allows(MeetingEvent::Draw),
        may_open_vote: status.allows(MeetingEvent::OpenVote),
        may_close_vote: status.allows(MeetingEvent::CloseVote),
        may_publish: status.publishes_results(),
        present: o.meeting.present.map(|p| p.to_string()).unwrap_or_default(),
        agenda,
        undrawn: o
            .undrawn
            .into_iter()
            .map(|g| (g.specialty, g.minimum))
            .collect(),
        members,
        draws,
        opinions: o
            .opinions
            .into_iter()
            .map(|x| (x.application_id, x.expert_name, x.score, x.opinion))
            .collect(),
        message,
        ctx,
    })
}

/// A dossier's line: counts once the box is opened; while voting, only how many voted.
fn agenda_line(e: AgendaEntry) -> AgendaLine {
    let r = e.dossier;
    let tally = match e.vote {
        VoteView::Counted { tally, passed } => format!(
            "同意{} 不同意{} 弃权{}{}",
            tally.agree,
            tally.disagree,
            tally.abstain,
            if passed {
                "（通过）"
            } else {
                "（未通过）"
            }
        ),
        VoteView::Cast(n) => format!("已投票{n}人，结束表决后计票"),
        VoteView::Nothing => String::new(),
    };
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
        status: r.status.label(),
        tally,
    }
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
        "bundle" => {
            return match zc_services::meeting_bundle::request(db, actor, id).await {
                Ok(_) => Ok(Redirect::to("/exports").into_response()),
                Err(e) => {
                    let message = refusal_message(e)?;
                    Ok(render_detail(&state, ctx, id, Some(message))
                        .await?
                        .into_response())
                }
            };
        }
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
