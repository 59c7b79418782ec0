//! The service layer's error: a refusal a person can act on, or an internal fault.

use zc_db::DbError;

/// Field-level validation messages, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    /// Adds a message for `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// True when nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// An error on one field.
    pub fn one(field: &'static str, message: impl Into<String>) -> ServiceError {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        ServiceError::Invalid(errors)
    }

    /// `Ok(())` when empty, the errors otherwise.
    pub fn into_result(self) -> ServiceResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self))
        }
    }
}

/// What a use case can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input failed validation; each field carries its Chinese message.
    #[error("提交的信息有误，请按提示修改")]
    Invalid(FieldErrors),
    /// The action is not allowed now; the message explains why in Chinese.
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    /// The object does not exist or is outside the caller's scope (never say which).
    #[error("您要找的内容不存在")]
    NotFound,
    /// The database could not serve the request in time; nothing was written, and the
    /// same request may be sent again.
    #[error("系统繁忙，请稍后重试")]
    Busy,
    /// A fault that is not the person's doing; logged with its cause.
    #[error("系统出错，请稍后再试")]
    Internal(#[from] anyhow::Error),
}

impl From<DbError> for ServiceError {
    fn from(e: DbError) -> Self {
        if e.is_busy() {
            tracing::warn!(error = %e, "database busy");
            ServiceError::Busy
        } else {
            ServiceError::Internal(e.into())
        }
    }
}

impl ServiceError {
    /// A refusal with a stable code and a Chinese explanation.
    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Refused {
            code,
            message: message.into(),
        }
    }
}

/// Result alias of this crate.
pub type ServiceResult<T> = Result<T, ServiceError>;
