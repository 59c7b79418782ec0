//! One error type for handlers, mapped to a status and a Chinese message in one place.
//!
//! Handlers return [`AppError`]; its response carries an [`ErrorPage`] marker that the
//! error-page layer turns into a full page with the site's layout and the request id.
//! Internal causes are logged, never shown.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use zc_services::{FieldErrors, ServiceError};

/// What the error page should say.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}

/// Errors a handler can end with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf check failed")]
    CsrfRejected,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("refused: {0}")]
    Refused(String),
    /// The database could not serve the request in time; nothing was written.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The message to show on the same page for a refused or invalid request; anything else
/// is a fault and passes on as an error.
pub fn refusal_message(e: ServiceError) -> AppResult<String> {
    match e {
        ServiceError::Invalid(errors) => Ok(errors
            .0
            .into_iter()
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
            .join("；")),
        ServiceError::Refused { message, .. } => Ok(message),
        e => Err(e.into()),
    }
}

/// How a refused or invalid request is shown on its own form: the field messages beside
/// their fields, or one refusal message above the form. Anything else is a fault.
pub fn shown_on_page(e: ServiceError) -> AppResult<(FieldErrors, Option<String>)> {
    match e {
        ServiceError::Invalid(errors) => Ok((errors, None)),
        ServiceError::Refused { message, .. } => Ok((FieldErrors::default(), Some(message))),
        e => Err(e.into()),
    }
}

/// A refused or invalid request shown on its own form: the field messages beside their
/// fields, and a refusal beside `field` (the one the person acts on next). Anything else
/// is a fault.
pub fn field_errors(e: ServiceError, field: &'static str) -> AppResult<FieldErrors> {
    match e {
        ServiceError::Invalid(errors) => Ok(errors),
        ServiceError::Refused { message, .. } => {
            let mut errors = FieldErrors::default();
            errors.add(field, message);
            Ok(errors)
        }
        e => Err(e.into()),
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Refused { message, .. } => AppError::Refused(message),
            ServiceError::Invalid(_) => AppError::Refused(e.to_string()),
            ServiceError::Busy => AppError::Busy,
            ServiceError::Internal(cause) => AppError::Internal(cause),
        }
    }
}

impl From<zc_db::DbError> for AppError {
    fn from(e: zc_db::DbError) -> Self {
        ServiceError::from(e).into()
    }
}

/// Seconds a person is asked to wait before trying again when the server is busy.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// True when an internal error is, at its root, the database being too busy.
fn busy_at_root(cause: &anyhow::Error) -> bool {
    cause.chain().any(zc_db::is_busy_cause)
}

/// Title and message for a bare status (used for errors raised by layers and extractors).
pub fn page_for_status(status: StatusCode) -> ErrorPage {
    let (title, message) = match status.as_u16() {
        400 => ("请求有误", "提交的内容无法识别，请返回上一页检查后重试。"),
        401 => ("请先登录", "请登录后再访问此页面。"),
        403 => (
            "没有权限",
            "您没有访问此页面的权限。如有疑问，请联系本单位管理员。",
        ),
        404 => (
            "页面不存在",
            "您要找的页面不存在或已被移除，请检查网址或返回首页。",
        ),
        405 => ("操作方式有误", "此页面不支持这种操作，请返回上一页重试。"),
        413 => (
            "提交的内容过大",
            "提交的内容超过了允许的大小，请减少内容或压缩文件后重试。",
        ),
        415 | 422 => (
            "提交的内容有误",
            "提交的内容格式不正确，请返回上一页检查后重试。",
        ),
        429 => ("操作过于频繁", "您的操作太频繁了，请稍后再试。"),
        503 => (
            "系统繁忙",
            "系统繁忙，请稍后重试。请稍等几秒后再提交一次；如果是报送或审核操作，可先查看办理进度，同一张表单重复提交不会办理两次。",
        ),
        _ if status.is_server_error() => (
            "系统出错了",
            "很抱歉，系统处理您的请求时出错。请稍后再试；如果问题持续，请把下方的请求编号告诉客服。",
        ),
        _ => ("出错了", "请求未能完成，请返回上一页重试。"),
    };
    ErrorPage {
        title,
        message: message.to_string(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, page_for_status(StatusCode::NOT_FOUND)),
            AppError::Forbidden => (StatusCode::FORBIDDEN, page_for_status(StatusCode::FORBIDDEN)),
            AppError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                ErrorPage {
                    title: "页面已过期",
                    message: "为保护您的账号安全，此次提交未被接受：页面可能已过期，或请求并非来自本站。请返回上一页，刷新后重新提交。".into(),
                },
            ),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                page_for_status(StatusCode::PAYLOAD_TOO_LARGE),
            ),
            AppError::Refused(message) => (
                StatusCode::CONFLICT,
                ErrorPage { title: "无法办理", message: message.clone() },
            ),
            AppError::Busy => return busy_response(),
            AppError::Internal(cause) if busy_at_root(cause) => {
                tracing::warn!(error = ?cause, "database busy");
                return busy_response();
            }
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    page_for_status(StatusCode::INTERNAL_SERVER_ERROR),
                )
            }
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(page);
        res
    }
}

/// 503 with `Retry-After` and the "系统繁忙" page.
fn busy_response() -> Response {
    let mut res = (
        StatusCode::SERVICE_UNAVAILABLE,
        [(
            axum::http::header::RETRY_AFTER,
            RETRY_AFTER_SECONDS.to_string(),
        )],
    )
        .into_response();
    res.extensions_mut()
        .insert(page_for_status(StatusCode::SERVICE_UNAVAILABLE));
    res
}

/// Turns a service answer into messages for a form: field errors stay as they are, a
/// refusal becomes a message on `field` (so it shows beside the right input), and
/// anything else stays an error page.
pub fn form_errors(
    field: &'static str,
    e: ServiceError,
) -> Result<zc_services::FieldErrors, AppError> {
    match e {
        ServiceError::Invalid(errors) => Ok(errors),
        ServiceError::Refused { message, .. } => {
            let mut errors = zc_services::FieldErrors::default();
            errors.add(field, message);
            Ok(errors)
        }
        other => Err(other.into()),
    }
}

/// Result alias for handlers.
pub type AppResult<T> = Result<T, AppError>;
