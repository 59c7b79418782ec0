//! `/my/applications` — 申报职称: the applicant's cards, 我要申报, and the applicant's
//! own transitions (报送, 撤回, 删除) with the 进度 page.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::{
    applications::{ApplicationRow, OpenChoice},
    payment_orders::OrderRow,
};
use zc_domain::{
    Portal, TitleLevel,
    application::{
        ApplicationKind, ApplicationStatus, Event, Party, allows,
        sections::{Missing, sections_for},
    },
    payment::Fen,
};
use zc_services::{FieldErrors, ServiceError, application_submission::Submitted, applications};

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::AppResult,
    state::AppState,
    views::{Nav, cst, format_date, format_time, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list).post(create))
        .route("/applications/{id}/submit", get(submit_page).post(submit))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route("/applications/{id}/delete", post(delete))
        .route("/applications/{id}/change", get(change_page).post(change))
}

/// An application's card.
pub struct Card {
    pub id: i64,
    pub kind: &'static str,
    pub status: ApplicationStatus,
    pub year: i32,
    pub qualification: String,
    pub level: &'static str,
    pub office: String,
    pub committee: String,
    pub created: String,
    /// The fee the dossier waits for (待缴费), with its 去缴费 button.
    pub fee_due: Option<FeeDue>,
    /// What may be done with it now.
    pub may: Actions,
    /// The section 编辑 opens: the first returned one, else the form's first.
    pub first_section: &'static str,
    /// 退回修改 — the open return's sections and reasons, shown until the reviewer
    /// decides again.
    pub returned: Vec<zc_services::application_returns::ReturnedSection>,
}

/// The buttons a dossier's pages offer, each asked of the state machine, so that a page
/// never offers what the rules refuse.
#[derive(Debug, Clone, Copy)]
pub struct Actions {
    /// 撤回 by the applicant.
    pub withdraw: bool,
    /// 报送职改办: another office or level, before the first submission.
    pub change_destination: bool,
    /// The unit's 审核 (forward, return, fail).
    pub unit_decide: bool,
    /// The 职改办's 发文确认.
    pub confirm: bool,
    /// The 职改办 may return it to the unit (not a 审验, which never passed one).
    pub office_returns_to_unit: bool,
}

impl Actions {
    /// The actions of a dossier of `kind` in `status`.
    pub fn of(kind: ApplicationKind, status: ApplicationStatus) -> Actions {
        Actions {
            withdraw: allows(kind, status, Event::Withdraw, Party::Applicant),
            change_destination: status.may_change_destination(),
            unit_decide: allows(
                kind,
                status,
                Event::UnitForward {
                    via_department: false,
                },
                Party::Unit,
            ),
            confirm: allows(kind, status, Event::Confirm, Party::Office),
            office_returns_to_unit: allows(
                kind,
                status,
                Event::OfficeReturn(zc_domain::application::ReturnTo::Unit),
                Party::Office,
            ),
        }
    }
}

/// 待缴费 — an unpaid order of a dossier, as its card shows it.
pub struct FeeDue {
    pub order_id: i64,
    pub item: String,
    pub amount: String,
    pub pay_before: String,
}

impl FeeDue {
    /// The open order of dossier `application_id` among a payer's open orders.
    pub fn find(open: &[OrderRow], application_id: i64) -> Option<FeeDue> {
        open.iter()
            .find(|o| o.application_id == Some(application_id))
            .map(|o| FeeDue {
                order_id: o.id,
                item: o.item_name.clone(),
                amount: Fen(o.amount_fen).yuan(),
                // The window ends at the start of the day after the last day to pay.
                pay_before: format_date(
                    (o.pay_before - chrono::Duration::seconds(1))
                        .with_timezone(&cst())
                        .date_naive(),
                ),
            })
    }
}

impl Card {
    /// The card of an application row.
    pub fn of(a: &ApplicationRow) -> Card {
        let level = TitleLevel::from_rank(a.level_rank).map_or("", TitleLevel::name);
        Card {
            id: a.id,
            kind: a.kind.name(),
            status: a.status,
            may: Actions::of(a.kind, a.status),
            first_section: sections_for(a.kind).first().map_or("basic", |s| s.code),
            year: a.year,
            qualification: format!("{}系列/{level}/{}", a.series_name, a.title_name),
            level,
            office: a.office_name.clone(),
            committee: a.committee_name.clone().unwrap_or_default(),
            created: format_time(a.created_at),
            fee_due: None,
            returned: Vec::new(),
        }
    }

    /// The card with its open return, 编辑 opening the first returned section.
    pub async fn with_return(mut self, state: &AppState, a: &ApplicationRow) -> AppResult<Card> {
        self.returned = zc_services::application_returns::open_return(&state.db, a).await?;
        self.first_section = zc_services::application_returns::first_to_fix(a, &self.returned);
        Ok(self)
    }

    /// The card with its open fee, if any, from the payer's open orders.
    pub fn with_fee(mut self, open: &[OrderRow]) -> Card {
        self.fee_due = FeeDue::find(open, self.id);
        self
    }
}

/// An open choice as listed in the create form.
pub struct ChoiceItem {
    pub value: String,
    pub label: String,
    pub committee: String,
    pub office: String,
    pub until: String,
    /// Whether and how much the committee charges online.
    pub fee: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/applications.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    cards: Vec<Card>,
    choices: Vec<ChoiceItem>,
    /// The 职称认定 and 重新确认 parts of 我要申报.
    office_kinds: Vec<RecognitionChoices>,
    typed: CreateForm,
    errors: FieldErrors,
    refusal: Option<String>,
}

impl ListPage {
    /// The error of `field` in the form of `kind` (the other forms stay quiet).
    fn error_of(&self, kind: &str, field: &str) -> Option<&str> {
        (self.typed.kind == kind)
            .then(|| self.errors.get(field))
            .flatten()
    }
}

impl ChangePage {
    /// The error of `field`; the page has one form.
    fn error_of(&self, _kind: &str, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

/// 职称认定 or 重新确认 in 我要申报: the 职改办 accepting it and the qualifications it can
/// grant.
struct RecognitionChoices {
    /// The kind's code, which also keeps the two forms' field ids apart.
    kind: &'static str,
    /// The kind's name, e.g. 职称认定.
    name: &'static str,
    /// Who may apply, in a sentence.
    hint: &'static str,
    offices: Vec<(String, String)>,
    qualifications: Vec<(String, String)>,
}

impl RecognitionChoices {
    async fn load(state: &AppState, kind: ApplicationKind) -> AppResult<RecognitionChoices> {
        let open = zc_services::recognition::choices(&state.db, kind, state.db.now()).await?;
        Ok(RecognitionChoices {
            kind: kind.code(),
            name: kind.name(),
            hint: match kind {
                ApplicationKind::Replacement => zc_domain::application::replacement::WHO_DECIDES,
                ApplicationKind::Verification => zc_domain::application::verification::WHO_DECIDES,
                ApplicationKind::Reconfirmation => {
                    "在外省或其他系统取得专业技术资格、现在广西工作的，可申请重新确认。请选择原资格对应的级别及报送职改办。"
                }
                _ => {
                    "毕业后从事专业技术工作满规定年限的，可申请认定员级、助理级或中级职称。请选择申报级别及报送职改办。"
                }
            },
            offices: open
                .offices
                .iter()
                .map(|o| {
                    (
                        o.office_id.to_string(),
                        // 遗失补办 is received all year round.
                        if matches!(
                            kind,
                            ApplicationKind::Replacement | ApplicationKind::Verification
                        ) {
                            o.office_name.clone()
                        } else {
                            format!("{}（受理至 {}）", o.office_name, format_time(o.apply_until))
                        },
                    )
                })
                .collect(),
            qualifications: open
                .qualifications
                .iter()
                .map(|q| {
                    (
                        zc_services::recognition::qualification_value(q),
                        format!(
                            "{}系列/{}/{}",
                            q.series_name,
                            TitleLevel::from_rank(q.level_rank).map_or("", TitleLevel::name),
                            q.title_name
                        ),
                    )
                })
                .collect(),
        })
    }
}

/// The open choices as listed.
async fn choice_items(state: &AppState) -> AppResult<Vec<ChoiceItem>> {
    Ok(applications::open_choices(&state.db, state.db.now())
        .await?
        .iter()
        .map(|c: &OpenChoice| ChoiceItem {
            value: applications::choice_value(c),
            label: format!(
                "{}系列/{}/{}",
                c.series_name,
                TitleLevel::from_rank(c.level_rank).map_or("", TitleLevel::name),
                c.title_name
            ),
            committee: c.committee_name.clone(),
            office: c.office_name.clone(),
            until: format_time(c.apply_until),
            fee: zc_domain::payment::fee_notice(c.charges_online, c.fee_fen),
        })
        .collect())
}

async fn render_list(
    state: &AppState,
    ctx: PageContext,
    typed: CreateForm,
    errors: FieldErrors,
    refusal: Option<String>,
) -> AppResult<ListPage> {
    let user = ctx.signed_in()?;
    let open = zc_db::payment_orders::open_of_payer(&state.db, user.id).await?;
    let mut cards = Vec::new();
    for a in zc_db::applications::for_applicant(&state.db, user.id).await? {
        cards.push(Card::of(&a).with_fee(&open).with_return(state, &a).await?);
    }
    let choices = choice_items(state).await?;
    Ok(ListPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        cards,
        choices,
        office_kinds: vec![
            RecognitionChoices::load(state, ApplicationKind::Recognition).await?,
            RecognitionChoices::load(state, ApplicationKind::Reconfirmation).await?,
            RecognitionChoices::load(state, ApplicationKind::Replacement).await?,
            RecognitionChoices::load(state, ApplicationKind::Verification).await?,
        ],
        typed,
        errors,
        refusal,
    })
}

async fn list(State(state): State<AppState>, ctx: PageContext) -> AppResult<ListPage> {
    render_list(
        &state,
        ctx,
        CreateForm::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// 我要申报: a 评审 choice, or (`kind=recognition`) a 认定 office and qualification.
#[derive(Debug, Default, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub choice: String,
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub qualification: String,
}

impl CreateForm {
    fn picked(&self, kind: ApplicationKind) -> zc_services::recognition::Picked<'_> {
        zc_services::recognition::Picked {
            kind,
            office: &self.office,
            qualification: &self.qualification,
        }
    }
}

async fn create(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let now = state.db.now();
    let kind = ApplicationKind::from_code(&f.kind).unwrap_or(ApplicationKind::Evaluation);
    let created = match kind {
        ApplicationKind::Evaluation => {
            applications::create_evaluation(&state.db, user.id, &f.choice, now).await
        }
        _ => zc_services::recognition::create(&state.db, user.id, f.picked(kind), now).await,
    };
    match created {
        Ok(id) => {
            let first = sections_for(kind).first().map_or("basic", |s| s.code);
            Ok(Redirect::to(&format!("/my/applications/{id}/sections/{first}")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok(render_list(&state, ctx, f, errors, None)
            .await?
            .into_response()),
        Err(ServiceError::Refused { message, .. }) => {
            Ok(
                render_list(&state, ctx, f, FieldErrors::default(), Some(message))
                    .await?
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_submit.html")]
struct SubmitPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    missing: Vec<(Missing, &'static str)>,
    pledge: &'static str,
    token: String,
    errors: FieldErrors,
    /// Returned sections the draft leaves unchanged (报送 then asks for a 报送说明).
    unanswered: Vec<&'static str>,
    /// The form as sent, when it was refused.
    typed: SubmitForm,
    note_max: usize,
}

async fn render_submit(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    errors: FieldErrors,
    typed: SubmitForm,
) -> AppResult<SubmitPage> {
    let user = ctx.signed_in()?;
    let app = applications::mine(&state.db, user.id, id).await?;
    let missing = zc_services::application_submission::missing_items(&state.db, id)
        .await?
        .into_iter()
        .map(|m| {
            let title = zc_domain::application::sections::section_in(app.kind, m.section)
                .map_or("", |s| s.title);
            (m, title)
        })
        .collect();
    let unanswered = if app.status.is_editable() {
        zc_services::application_returns::unanswered(&state.db, &app).await?
    } else {
        Vec::new()
    };
    Ok(SubmitPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card: Card::of(&app).with_return(state, &app).await?,
        unanswered,
        typed,
        note_max: zc_services::application_submission::NOTE_MAX,
        missing,
        pledge: match app.kind {
            ApplicationKind::Recognition | ApplicationKind::Reconfirmation => {
                zc_domain::application::recognition::PLEDGE
            }
            ApplicationKind::Replacement => zc_domain::application::replacement::PLEDGE,
            ApplicationKind::Verification => zc_domain::application::verification::PLEDGE,
            ApplicationKind::Evaluation => zc_domain::application::sections::PLEDGE,
        },
        token: format!("{:032x}", rand::random::<u128>()),
        errors,
    })
}

async fn submit_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<SubmitPage> {
    render_submit(
        &state,
        ctx,
        id,
        FieldErrors::default(),
        SubmitForm::default(),
    )
    .await
}

/// 同意并报送.
#[derive(Debug, Default, Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    pub pledge: Option<String>,
    #[serde(default)]
    pub token: String,
    /// 报送说明, e.g. why a returned section needed no change.
    #[serde(default)]
    pub note: String,
}

async fn submit(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<SubmitForm>,
) -> AppResult<Response> {
    match zc_services::application_submission::submit(
        &state.db,
        user.id,
        id,
        f.pledge.is_some(),
        &f.token,
        &f.note,
    )
    .await
    {
        Ok(Submitted::Now | Submitted::Already) => Ok(Redirect::to(&format!(
            "/my/applications/{id}/progress?submitted=1"
        ))
        .into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render_submit(&state, ctx, id, errors, f)
            .await?
            .into_response()),
        Err(ServiceError::Refused {
            code: "incomplete",
            message,
        }) => {
            let mut errors = FieldErrors::default();
            errors.add("missing", message);
            Ok(render_submit(&state, ctx, id, errors, f)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn withdraw(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    applications::withdraw(&state.db, user.id, id).await?;
    Ok(Redirect::to("/my/applications").into_response())
}

async fn delete(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    applications::delete(&state.db, user.id, id).await?;
    Ok(Redirect::to("/my/applications").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_change.html")]
struct ChangePage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    /// 评审: the open committees; 认定: the offices and qualifications.
    choices: Vec<ChoiceItem>,
    recognition: Option<RecognitionChoices>,
    typed: CreateForm,
    errors: FieldErrors,
}

async fn render_change(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    typed: Option<CreateForm>,
    errors: FieldErrors,
) -> AppResult<ChangePage> {
    let user = ctx.signed_in()?;
    let app = applications::mine(&state.db, user.id, id).await?;
    // What the draft points at now, as the form's values.
    let current = CreateForm {
        kind: app.kind.code().to_string(),
        choice: app
            .committee_id
            .map(|c| format!("{c}:{}:{}", app.level_rank, app.title_name))
            .unwrap_or_default(),
        office: app.office_id.to_string(),
        qualification: format!("{}:{}:{}", app.series_id, app.level_rank, app.title_name),
    };
    let recognition = match app.kind {
        ApplicationKind::Evaluation => None,
        kind => Some(RecognitionChoices::load(state, kind).await?),
    };
    Ok(ChangePage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card: Card::of(&app),
        choices: choice_items(state).await?,
        recognition,
        typed: typed.unwrap_or(current),
        errors,
    })
}

async fn change_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<ChangePage> {
    render_change(&state, ctx, id, None, FieldErrors::default()).await
}

async fn change(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let now = state.db.now();
    let kind = ApplicationKind::from_code(&f.kind).unwrap_or(ApplicationKind::Evaluation);
    let changed = match kind {
        ApplicationKind::Evaluation => {
            applications::change_choice(&state.db, user.id, id, &f.choice, now).await
        }
        _ => zc_services::recognition::change(&state.db, user.id, id, f.picked(kind), now).await,
    };
    match changed {
        Ok(()) => Ok(Redirect::to("/my/applications").into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render_change(&state, ctx, id, Some(f), errors)
            .await?
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
