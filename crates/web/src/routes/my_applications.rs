//! `/my/applications` — 申报职称: the applicant's cards, 我要申报 and 报送职改办 (changing
//! a draft's destination). The applicant's own moves are in `application_actions`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use zc_db::applications::OpenChoice;
use zc_domain::{
    Portal, TitleLevel,
    application::{ApplicationKind, sections::sections_for},
};
use zc_services::{FieldErrors, ServiceError, applications};

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::AppResult,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

pub use crate::routes::application_card::{Actions, Card, FeeDue};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list).post(create))
        .route("/applications/{id}/change", get(change_page).post(change))
        .merge(crate::routes::application_actions::routes())
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
    /// 系统消息 after 撤回, in the seed's words.
    withdrawn: Option<String>,
    /// The platform's 填报说明, as the seed shows it above 我要申报.
    guide: Vec<&'static str>,
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
        withdrawn: None,
        guide: zc_domain::filing_guide::paragraphs(zc_domain::filing_guide::DEFAULT_GUIDE),
    })
}

/// `?withdrawn=<id>` after 撤回.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    withdrawn: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> AppResult<ListPage> {
    let mut page = render_list(
        &state,
        ctx,
        CreateForm::default(),
        FieldErrors::default(),
        None,
    )
    .await?;
    // Said only while the dossier named is one of the person's, back in their hands.
    page.withdrawn = q.withdrawn.and_then(|id| {
        page.cards
            .iter()
            .find(|c| c.id == id && c.status.is_editable())
            .map(|c| format!("您的{}申报已成功撤回!", c.kind))
    });
    Ok(page)
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
