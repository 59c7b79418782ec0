//! 状态变更 — the one place a dossier's status changes. Every move (an applicant's
//! submission or withdrawal, a reviewer's decision, a payment, a vote, a publicity, a
//! certificate) asks the state machine, changes the status compare-and-set inside the
//! caller's transaction, writes its line in the progress history and tells the applicant.
//! A source test checks that no other code writes `application.status`.

use zc_db::{
    Tx,
    applications::{self, ApplicationRow, NewEvent},
};
use zc_domain::application::{ApplicationStatus, Event, Party, TransitionRefusal, next_status};

use crate::ServiceResult;

/// One change of a dossier's status, as the person caused it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub event: Event,
    pub party: Party,
    /// Who acted (`None` for the system: a sweep, a payment notify).
    pub actor_id: Option<i64>,
    /// 业务步骤 in the progress history, e.g. 单位审核.
    pub step: &'a str,
    /// 审核单位 (or the applicant's name) in the progress history.
    pub org_name: &'a str,
    pub opinion: &'a str,
    /// What the applicant's message says.
    pub notice: Notice<'a>,
}

/// The applicant's message about a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    /// Titled with the event's name, with the change's opinion.
    Event,
    /// Titled and worded by the caller.
    Titled { title: &'a str, opinion: &'a str },
    /// None: another change in the same transaction completes this one at once (发文确认
    /// then 发证), and the person is told once, about the last.
    Silent,
}

/// A change that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
}

/// Why a change did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotMoved {
    /// The state machine does not allow it from the status the dossier is in.
    Rule(TransitionRefusal),
    /// Someone else moved the dossier between the read and the write.
    Raced,
    /// The dossier is gone.
    Missing,
}

/// Applies `change` to `app` inside `tx`. The outer error is a fault; the inner one says
/// why nothing changed, for the caller to put in its own words.
#[tracing::instrument(skip_all)]
pub async fn apply(
    tx: &mut Tx,
    app: &ApplicationRow,
    change: &Change<'_>,
) -> ServiceResult<Result<Moved, NotMoved>> {
    let Some(from) = applications::status_in(tx, app.id)
        .await?
        .and_then(|s| ApplicationStatus::from_code(&s))
    else {
        return Ok(Err(NotMoved::Missing));
    };
    let to = match next_status(app.kind, from, change.event, change.party) {
        Ok(to) => to,
        Err(refusal) => return Ok(Err(NotMoved::Rule(refusal))),
    };
    if !applications::set_status(tx, app.id, from.code(), to.code()).await? {
        return Ok(Err(NotMoved::Raced));
    }
    applications::insert_event(
        tx,
        &NewEvent {
            application_id: app.id,
            step: change.step,
            action: change.event.name(),
            opinion: change.opinion,
            actor_id: change.actor_id,
            org_name: change.org_name,
            from_status: from.code(),
            to_status: to.code(),
        },
    )
    .await?;
    let told = match change.notice {
        Notice::Event => Some((change.event.name(), change.opinion)),
        Notice::Titled { title, opinion } => Some((title, opinion)),
        Notice::Silent => None,
    };
    if let Some((title, opinion)) = told {
        crate::messages::status_changed(tx, app, to, title, opinion).await?;
    }
    Ok(Ok(Moved { from, to }))
}

#[cfg(test)]
mod tests {
    /// Every write of `application.status` outside the tests is `applications::set_status`,
    /// and this module is its only caller.
    #[test]
    fn the_status_column_is_written_only_here() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut writers = Vec::new();
        let mut callers = Vec::new();
        for krate in [
            "db",
            "services",
            "web",
            "server",
            "integrations",
            "docs",
            "storage",
        ] {
            let dir = format!("{root}/{krate}/src");
            for path in rust_files(std::path::Path::new(&dir)) {
                let text = std::fs::read_to_string(&path).expect("readable source");
                let squashed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let name = path.display().to_string();
                // Built at run time so that this test's own text is not counted.
                let update = format!("UPDATE {} SET ", "application");
                let sets_status = squashed.split(&update).skip(1).any(|tail| {
                    let set = tail.split(" WHERE").next().unwrap_or("");
                    set.split(',').any(|a| a.trim().starts_with("status"))
                });
                if sets_status {
                    writers.push(name.clone());
                }
                if text.contains(&format!("applications::{}(", "set_status")) {
                    callers.push(name);
                }
            }
        }
        assert_eq!(writers.len(), 1, "{writers:?}");
        assert!(
            writers[0].ends_with("db/src/applications.rs"),
            "{writers:?}"
        );
        assert_eq!(callers.len(), 1, "{callers:?}");
        assert!(
            callers[0].ends_with("services/src/status_change.rs"),
            "{callers:?}"
        );
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }
}

/// A line in the progress history for something a person did that moves nothing (a
/// 遗失申明 confirmed, a way of receiving the certificate chosen), written inside `tx`
/// with the dossier's status as it stands.
#[derive(Debug, Clone, Copy)]
pub struct Note<'a> {
    pub step: &'a str,
    pub action: &'a str,
    pub opinion: &'a str,
    pub actor_id: Option<i64>,
    pub org_name: &'a str,
}

/// Writes `note` in the history of dossier `application_id` inside `tx`.
#[tracing::instrument(skip_all)]
pub async fn note(tx: &mut Tx, application_id: i64, note: &Note<'_>) -> ServiceResult<()> {
    let status = applications::status_in(tx, application_id)
        .await?
        .unwrap_or_default();
    applications::insert_event(
        tx,
        &NewEvent {
            application_id,
            step: note.step,
            action: note.action,
            opinion: note.opinion,
            actor_id: note.actor_id,
            org_name: note.org_name,
            from_status: &status,
            to_status: &status,
        },
    )
    .await?;
    Ok(())
}
