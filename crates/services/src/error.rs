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
    /// A fault that is not the person's doing; logged with its cause and the use case it
    /// happened in.
    #[error("系统出错，请稍后再试")]
    Internal(anyhow::Error),
}

/// Names the use case a fault happened in: the innermost span, which is the service
/// function (each public one is instrumented, with no arguments recorded, so no personal
/// data reaches the log). A 500 in the log then reads "zc_services::applications::submit:
/// database error: …" instead of a bare database error.
fn in_use_case(cause: anyhow::Error) -> anyhow::Error {
    match tracing::Span::current().metadata() {
        Some(m) => cause.context(format!("{}::{}", m.target(), m.name())),
        None => cause,
    }
}

impl From<anyhow::Error> for ServiceError {
    fn from(e: anyhow::Error) -> Self {
        ServiceError::Internal(in_use_case(e))
    }
}

impl From<DbError> for ServiceError {
    fn from(e: DbError) -> Self {
        if e.is_busy() {
            tracing::warn!(error = %e, "database busy");
            ServiceError::Busy
        } else {
            ServiceError::Internal(in_use_case(e.into()))
        }
    }
}

impl ServiceError {
    /// An internal fault, named with the use case it happened in.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ServiceError::Internal(in_use_case(cause.into()))
    }

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

#[cfg(test)]
mod tests {
    use super::ServiceError;

    #[test]
    fn a_fault_names_the_use_case_it_happened_in() {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(std::io::sink)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("submit");
            let _entered = span.enter();
            let ServiceError::Internal(cause) = ServiceError::from(anyhow::anyhow!("disk full"))
            else {
                panic!("a fault stays internal");
            };
            assert_eq!(
                format!("{cause:#}"),
                "zc_services::error::tests::submit: disk full"
            );
        });
    }

    /// Every public use case opens its span, so its faults are named in the log.
    #[test]
    fn every_public_service_function_is_instrumented() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut checked = 0;
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("source folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source file");
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                let lines: Vec<&str> = code.lines().collect();
                for (i, line) in lines.iter().enumerate() {
                    if line.starts_with("pub async fn ") {
                        checked += 1;
                        if i == 0 || !lines[i - 1].starts_with("#[tracing::instrument") {
                            missing.push(format!("{}: {line}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(checked > 100, "only {checked} functions found");
        assert!(missing.is_empty(), "not instrumented: {missing:#?}");
    }
}
