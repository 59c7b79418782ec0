//! `/my/expert` — the 评审专家 desk of an applicant who is in the expert pool: their
//! membership, the meetings they were drawn for (confirm or refuse), the dossiers of their
//! own specialty group (read-only, with an opinion and a score each), and the secret
//! ballot while the vote is open.

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
    committee::{
        meeting::{MeetingStatus, SeatEvent, SeatStatus},
        vote::Choice,
    },
};
use zc_services::{FieldErrors, ServiceError, expert_work};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, refusal_message},
    routes::{
        application_views::{DossierFiles, DossierPart, dossier_view},
        review_form::Posted,
    },
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/expert", get(desk))
        .route("/expert/meetings/{m}/answer", post(answer))
        .route("/expert/meetings/{m}/ballot", post(ballot))
        .route(
            "/expert/meetings/{m}/dossiers/{a}",
            get(dossier).post(opinion),
        )
        .route("/expert/meetings/{m}/dossiers/{a}/files/{f}", get(file))
}

/// A dossier of the expert's group.
pub struct GroupDossier {
    pub id: i64,
    pub applicant: String,
    pub qualification: String,
    pub voted: bool,
}

/// A meeting the expert was drawn for.
pub struct Seat {
    pub id: i64,
    pub name: String,
    pub held_on: String,
    pub committee: String,
    pub specialty: String,
    pub status: String,
    pub invited: bool,
    pub serving: bool,
    pub can_vote: bool,
    pub dossiers: Vec<GroupDossier>,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/expert.html")]
struct DeskPage {
    ctx: PageContext,
    nav: Nav,
    expert: zc_db::experts::ExpertRow,
    seats: Vec<Seat>,
    choices: Vec<(&'static str, &'static str)>,
    message: Option<String>,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    message: Option<String>,
) -> AppResult<DeskPage> {
    let user = ctx.signed_in()?;
    let expert = zc_services::experts::serving(&state.db, user.id, state.db.today())
        .await?
        .ok_or_else(|| {
            AppError::Refused(
                "您目前不是评审专家库成员（或聘期已结束），无法进入评审专家工作台".into(),
            )
        })?;
    let mut seats = Vec::new();
    for seat in zc_db::meetings::of_expert(&state.db, user.id).await? {
        let (m, status, specialty) = (seat.meeting, seat.seat, seat.seat_specialty);
        let serving = status.serves();
        let voted = zc_db::ballots::voted_by(&state.db, m.id, user.id).await?;
        let dossiers = if serving {
            zc_db::meetings::agenda(&state.db, m.id)
                .await?
                .into_iter()
                .filter(|d| d.specialty == specialty)
                .map(|d| GroupDossier {
                    voted: voted.contains(&d.application_id),
                    id: d.application_id,
                    applicant: d.applicant_name,
                    qualification: format!(
                        "{} {}",
                        TitleLevel::from_rank(d.level_rank).map_or("", TitleLevel::name),
                        d.title_name
                    ),
                })
                .collect()
        } else {
            Vec::new()
        };
        seats.push(Seat {
            can_vote: m.status == MeetingStatus::Voting && status.may_vote(),
            invited: status.after(SeatEvent::Accept).is_some(),
            serving,
            // Said to the expert themself, so in the second person where it differs.
            status: match status {
                SeatStatus::Invited => "待您确认",
                SeatStatus::Refused => "已拒绝参加",
                SeatStatus::Replaced => "已由其他专家替换",
                other => other.name(),
            }
            .to_string(),
            id: m.id,
            name: m.name,
            held_on: m.held_on.to_string(),
            committee: m.committee_name,
            specialty,
            dossiers,
        });
    }
    Ok(DeskPage {
        nav: portal_nav(Portal::My, "/my/expert"),
        expert,
        seats,
        choices: Choice::ALL.iter().map(|c| (c.code(), c.name())).collect(),
        message,
        ctx,
    })
}

async fn desk(State(state): State<AppState>, ctx: PageContext) -> AppResult<DeskPage> {
    render(&state, ctx, None).await
}

async fn after(
    state: &AppState,
    ctx: PageContext,
    outcome: Result<(), ServiceError>,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to("/my/expert").into_response()),
        Err(e) => {
            let message = refusal_message(e)?;
            Ok(render(state, ctx, Some(message)).await?.into_response())
        }
    }
}

async fn answer(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(m): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let accept = Posted(fields).value("accept") == "1";
    let outcome = expert_work::answer(&state.db, user.actor(&ip), m, accept).await;
    after(&state, ctx, outcome).await
}

async fn ballot(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(m): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let choices: Vec<(i64, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("choice_")?.parse().ok()?, v.clone())))
        .collect();
    let outcome = expert_work::vote(&state.db, &state.vault, user.actor(&ip), m, &choices)
        .await
        .map(|_| ());
    after(&state, ctx, outcome).await
}

#[derive(Template, WebTemplate)]
#[template(path = "my/expert_dossier.html")]
struct DossierPage {
    ctx: PageContext,
    nav: Nav,
    meeting_id: i64,
    id: i64,
    parts: Vec<DossierPart>,
    files: Vec<DossierFiles>,
    files_base: String,
    opinion: String,
    score: String,
    errors: FieldErrors,
    saved: bool,
}

async fn render_dossier(
    state: &AppState,
    ctx: PageContext,
    m: i64,
    a: i64,
    typed: Option<(String, String)>,
    errors: FieldErrors,
) -> AppResult<DossierPage> {
    let user = ctx.signed_in()?;
    let app = expert_work::assigned(&state.db, user.id, m, a).await?;
    let (parts, files) = dossier_view(state, &app).await?;
    let stored = zc_db::meetings::opinion(&state.db, m, a, user.id).await?;
    let saved = stored.is_some() && typed.is_none();
    let (opinion, score) = typed
        .or_else(|| stored.map(|(o, s)| (o, s.to_string())))
        .unwrap_or_default();
    Ok(DossierPage {
        nav: portal_nav(Portal::My, "/my/expert"),
        meeting_id: m,
        id: a,
        parts,
        files,
        files_base: format!("/my/expert/meetings/{m}/dossiers/{a}/files"),
        opinion,
        score,
        errors,
        saved,
        ctx,
    })
}

async fn dossier(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((m, a)): Path<(i64, i64)>,
) -> AppResult<DossierPage> {
    render_dossier(&state, ctx, m, a, None, FieldErrors::default()).await
}

async fn opinion(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path((m, a)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let (text, score) = (posted.value("opinion"), posted.value("score"));
    match expert_work::save_opinion(&state.db, user.actor(&ip), m, a, &text, &score).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/my/expert/meetings/{m}/dossiers/{a}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok(
                render_dossier(&state, ctx, m, a, Some((text, score)), errors)
                    .await?
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn file(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path((m, a, f)): Path<(i64, i64, i64)>,
) -> AppResult<Response> {
    expert_work::assigned(&state.db, user.id, m, a).await?;
    crate::routes::application_views::serve_file(&state, a, f).await
}
