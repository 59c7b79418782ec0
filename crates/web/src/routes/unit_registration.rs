//! `/unit/register` — a unit registers itself and its administrator account. The form
//! carries the licence photo, so it is multipart; its CSRF token travels in the query.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, State},
    response::{IntoResponse, Response},
    routing::get,
};
use zc_db::reference;
use zc_services::{
    FieldErrors, ServiceError,
    unit_licence::{self, PostedLicence},
    units::{REVIEW_WORKING_DAYS, UNIT_KINDS, UnitRegistration, register_unit, review_deadline},
};
use zc_storage::images::MAX_UPLOAD_BYTES;

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, format_date, public_nav},
};

/// `/unit/register` (public).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/unit/register",
            get(form)
                .post(submit)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 256 * 1024)),
        )
        // Each submission stores a licence scan: cheap to send, costly to keep.
        .route_layer(axum::middleware::from_fn_with_state(
            crate::middleware::rate_limit::AddressLimit::per_minute("unit_registration", 6, 5),
            crate::middleware::rate_limit::limit_writes,
        ))
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/register.html")]
pub(crate) struct RegisterPage {
    ctx: PageContext,
    nav: Nav,
    form: UnitRegistration,
    errors: FieldErrors,
    counties: Vec<reference::CountyChoice>,
    offices: Vec<reference::OfficeChoice>,
    kinds: [&'static str; 4],
    /// Set when a returned unit corrects its registration: the office's reason.
    return_note: Option<String>,
}

impl RegisterPage {
    /// Whether a county starts a new city group in the select.
    fn city_starts(&self, i: &usize) -> bool {
        *i == 0 || self.counties[*i - 1].city != self.counties[*i].city
    }

    /// Whether a city group ends after this county.
    fn city_ends(&self, i: &usize) -> bool {
        *i + 1 == self.counties.len() || self.counties[*i + 1].city != self.counties[*i].city
    }
}

async fn page(
    state: &AppState,
    ctx: PageContext,
    form: UnitRegistration,
    errors: FieldErrors,
) -> AppResult<RegisterPage> {
    page_for(state, ctx, public_nav("/unit/register"), form, errors, None).await
}

/// The registration form, or (with `return_note`) the correction form of a returned unit.
pub(crate) async fn page_for(
    state: &AppState,
    ctx: PageContext,
    nav: Nav,
    form: UnitRegistration,
    errors: FieldErrors,
    return_note: Option<String>,
) -> AppResult<RegisterPage> {
    Ok(RegisterPage {
        ctx,
        nav,
        return_note,
        form,
        errors,
        counties: reference::counties(&state.db).await?,
        offices: reference::offices(&state.db).await?,
        kinds: UNIT_KINDS,
    })
}

async fn form(State(state): State<AppState>, ctx: PageContext) -> AppResult<RegisterPage> {
    page(
        &state,
        ctx,
        UnitRegistration::default(),
        FieldErrors::default(),
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/registered.html")]
struct DonePage {
    ctx: PageContext,
    nav: Nav,
    office: String,
    deadline: String,
    working_days: u32,
    credit_code_checked: bool,
}

/// The registration form as posted, with its licence photo stored (if one was chosen and
/// it is a picture) or the reason it was refused.
pub(crate) struct PostedUnit {
    pub form: UnitRegistration,
    pub licence: PostedLicence,
}

impl PostedUnit {
    /// Puts the upload's own refusal in place of the service's licence message, and asks
    /// for the picture again when the form comes back for other reasons (browsers never
    /// keep a chosen file). A stored picture of a refused form is removed.
    pub(crate) async fn settle_errors(
        &self,
        state: &AppState,
        errors: &mut FieldErrors,
        picture_required: bool,
    ) {
        unit_licence::discard(&state.config.storage, &self.licence).await;
        if let PostedLicence::Refused(msg) = &self.licence {
            errors.0.retain(|(f, _)| *f != "licence");
            errors.add("licence", msg.clone());
        } else if picture_required && errors.get("licence").is_none() && !errors.is_empty() {
            errors.add("licence", "为保护您的资料，出错后需要重新选择营业执照图片");
        }
    }
}

/// Reads the multipart registration form and normalises and stores its licence photo.
pub(crate) async fn read_posted_unit(
    state: &AppState,
    mut multipart: Multipart,
) -> AppResult<PostedUnit> {
    let mut form = UnitRegistration::default();
    let mut licence: Option<Vec<u8>> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Refused("上传的内容不完整，请重新提交".into()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "licence" {
            let bytes = field.bytes().await.map_err(|_| AppError::PayloadTooLarge)?;
            if !bytes.is_empty() {
                licence = Some(bytes.to_vec());
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match name.as_str() {
            "name" => form.name = value,
            "credit_code" => form.credit_code = value,
            "kind" => form.kind = value,
            "region_code" => form.region_code = value,
            "office_id" => form.office_id = value,
            "address" => form.address = value,
            "contact_name" => form.contact_name = value,
            "contact_phone" => form.contact_phone = value,
            "admin_login" => form.admin_login = value,
            "admin_name" => form.admin_name = value,
            "password" => form.password = value,
            "password_confirm" => form.password_confirm = value,
            _ => {}
        }
    }
    let licence = unit_licence::store(&state.config.storage, licence).await?;
    Ok(PostedUnit { form, licence })
}

async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    multipart: Multipart,
) -> AppResult<Response> {
    let posted = read_posted_unit(&state, multipart).await?;
    let result = register_unit(
        &state.db,
        &state.vault,
        &posted.form,
        posted.licence.key(),
        &ip,
    )
    .await;
    match result {
        Ok(done) => {
            let office = reference::org_name(
                &state.db,
                "office",
                posted.form.office_id.trim().parse().unwrap_or(0),
            )
            .await?
            .unwrap_or_default();
            let cal = zc_db::calendar::working_calendar(&state.db, zc_db::seed::GUANGXI).await?;
            let deadline = format_date(review_deadline(&cal, state.db.today()));
            let nav = public_nav("/unit/register");
            Ok(DonePage {
                ctx,
                nav,
                office,
                deadline,
                working_days: REVIEW_WORKING_DAYS,
                credit_code_checked: done.credit_code_checked,
            }
            .into_response())
        }
        Err(ServiceError::Invalid(mut errors)) => {
            posted.settle_errors(&state, &mut errors, true).await;
            let mut form = posted.form;
            form.password.clear();
            form.password_confirm.clear();
            Ok(page(&state, ctx, form, errors).await?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}
