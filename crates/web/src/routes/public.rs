//! The public site: home with notices, notice pages and the certificate-check entry.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, Query, State},
    routing::get,
};
use serde::Deserialize;
use zc_db::reference;
use zc_services::FieldErrors;

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, format_time, public_nav},
};

/// Public routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/notices/{id}", get(notice))
        .route("/guide/verification", get(verification_guide))
        .route("/guide/accounts", get(account_guide))
        .merge(
            // Certificate lookups invite enumeration: a person checks a few, a script many.
            Router::new()
                .route("/verify", get(verify))
                .route("/verify/t/{token}", get(verify_token))
                .merge(crate::routes::result_publicity::public_routes())
                .route_layer(axum::middleware::from_fn_with_state(
                    crate::middleware::rate_limit::AddressLimit::per_minute("lookups", 20, 10),
                    crate::middleware::rate_limit::limit,
                )),
        )
}

/// A notice as listed.
pub struct NoticeItem {
    pub id: i64,
    pub title: String,
    pub date: String,
    pub body: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/home.html")]
struct HomePage {
    ctx: PageContext,
    nav: Nav,
    notices: Vec<NoticeItem>,
}

async fn home(State(state): State<AppState>, ctx: PageContext) -> AppResult<HomePage> {
    let notices = reference::latest_notices(&state.db, 6)
        .await?
        .into_iter()
        .map(|n| NoticeItem {
            id: n.id,
            title: n.title,
            date: format_time(n.published_at)[..10].to_string(),
            body: n.body,
        })
        .collect();
    let nav = public_nav(&ctx.path);
    Ok(HomePage { ctx, nav, notices })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/notice.html")]
struct NoticePage {
    ctx: PageContext,
    nav: Nav,
    notice: NoticeItem,
}

async fn notice(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> AppResult<NoticePage> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let n = reference::notice(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = NoticeItem {
        id: n.id,
        title: n.title,
        date: format_time(n.published_at),
        body: n.body,
    };
    let nav = public_nav(&ctx.path);
    Ok(NoticePage { ctx, nav, notice })
}

/// 《系统帐户身份说明》 — which account is whose, linked from the login pages as in the
/// seed: who registers here and who signs in elsewhere.
#[derive(Template, WebTemplate)]
#[template(path = "public/account_guide.html")]
struct AccountGuide {
    ctx: PageContext,
    nav: Nav,
}

async fn account_guide(ctx: PageContext) -> AccountGuide {
    AccountGuide {
        nav: public_nav(&ctx.path),
        ctx,
    }
}

/// 审验操作说明 — the steps of a 审验, for anyone before they sign in.
#[derive(Template, WebTemplate)]
#[template(path = "public/verification_guide.html")]
struct VerificationGuide {
    ctx: PageContext,
    nav: Nav,
    who: &'static str,
    slots: Vec<String>,
}

async fn verification_guide(
    State(state): State<AppState>,
    ctx: PageContext,
) -> AppResult<VerificationGuide> {
    // The pictures asked for are the configured slots, so the guide and the form agree.
    let slots = zc_db::application_files::slots(
        &state.db,
        zc_domain::application::ApplicationKind::Verification.code(),
        None,
    )
    .await?
    .into_iter()
    .map(|s| {
        format!(
            "{}：{}至{}张，每张不超过{}KB，jpg格式",
            s.label, s.min_count, s.max_count, s.max_kb
        )
    })
    .collect();
    let nav = public_nav(&ctx.path);
    Ok(VerificationGuide {
        ctx,
        nav,
        who: zc_domain::application::verification::WHO_DECIDES,
        slots,
    })
}

/// The query of the certificate check.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyQuery {
    pub number: Option<String>,
    pub name: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/verify.html")]
struct VerifyPage {
    ctx: PageContext,
    nav: Nav,
    number: String,
    name: String,
    errors: FieldErrors,
    searched: bool,
    /// The certificate found, with masked personal data.
    found: Option<PublicCertificate>,
}

/// A certificate as the public sees it: the name masked, no identity number.
pub struct PublicCertificate {
    pub number: String,
    pub name: String,
    pub unit: String,
    pub qualification: String,
    /// 取得方式: 评审, 认定 …
    pub way: String,
    /// 重新确认: the certificate issued elsewhere that this one confirms; 遗失补办: the
    /// voided certificate this one replaces.
    pub original: Option<String>,
    /// How `original` is labelled: 确认的原证书 or 补发说明.
    pub original_label: &'static str,
    /// 来源: 新发 or 审验归集.
    pub source: &'static str,
    /// A voided certificate of ours: the number of its replacement.
    pub replaced_by: Option<String>,
    pub committee: String,
    pub doc_number: String,
    pub issued_on: String,
    pub status: &'static str,
    pub valid: bool,
    pub views: i64,
}

impl PublicCertificate {
    fn of(c: &zc_db::certificates::CertificateRow) -> PublicCertificate {
        let v = crate::routes::my_certificates::CertificateView::of(c);
        PublicCertificate {
            number: v.number,
            name: zc_domain::mask::mask_name(&v.holder_name),
            unit: v.unit_name,
            qualification: v.qualification,
            way: v.way,
            original: c.original_ref.clone(),
            original_label: if c.way == zc_domain::application::ApplicationKind::Replacement.name()
            {
                "补发说明"
            } else if c.source == zc_domain::certificate::CertificateSource::Verified {
                "归集说明"
            } else {
                "确认的原证书"
            },
            source: v.source,
            replaced_by: c.replaced_by.clone(),
            committee: v.committee_name,
            doc_number: v.doc_number,
            issued_on: v.issued_on,
            status: v.status,
            valid: v.valid,
            views: v.view_count,
        }
    }
}

/// Validates the two lookup fields; certificate numbers are digits only.
pub fn validate_verify(number: &str, name: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if number.is_empty() {
        errors.add("number", "请填写证书编号");
    } else if !number.chars().all(|c| c.is_ascii_digit()) || !(6..=30).contains(&number.len()) {
        errors.add("number", "证书编号应为6–30位数字，请核对证书上的编号");
    }
    let name_len = name.chars().count();
    if name_len == 0 {
        errors.add("name", "请填写持证人姓名");
    } else if name_len > 30 {
        errors.add("name", "姓名不能超过30个字");
    }
    errors
}

async fn verify(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<VerifyQuery>,
) -> AppResult<VerifyPage> {
    let searched = q.number.is_some() || q.name.is_some();
    let number = q.number.unwrap_or_default().trim().to_string();
    let name = q.name.unwrap_or_default().trim().to_string();
    let errors = if searched {
        validate_verify(&number, &name)
    } else {
        FieldErrors::default()
    };
    let found = if searched && errors.is_empty() {
        zc_services::certificates::verify(
            &state.db,
            zc_services::certificates::Lookup::NumberAndName(&number, &name),
        )
        .await?
        .as_ref()
        .map(PublicCertificate::of)
    } else {
        None
    };
    let nav = public_nav(&ctx.path);
    Ok(VerifyPage {
        ctx,
        nav,
        number,
        name,
        errors,
        searched,
        found,
    })
}

/// The QR code's link: the token alone finds the certificate (it is unguessable).
async fn verify_token(
    State(state): State<AppState>,
    ctx: PageContext,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> AppResult<VerifyPage> {
    let token: String = token
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    let found = zc_services::certificates::verify(
        &state.db,
        zc_services::certificates::Lookup::Token(&token),
    )
    .await?
    .as_ref()
    .map(PublicCertificate::of);
    let searched = true;
    let number = found.as_ref().map(|c| c.number.clone()).unwrap_or_default();
    let nav = public_nav(&ctx.path);
    Ok(VerifyPage {
        ctx,
        nav,
        number,
        name: String::new(),
        errors: FieldErrors::default(),
        searched,
        found,
    })
}
