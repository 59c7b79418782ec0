//! The posted fields of a reviewer's decision form, read the same way by every desk.

/// A decision form as posted (fields may repeat, e.g. `section`); also what a refused
/// form is filled in with again.
#[derive(Debug, Clone, Default)]
pub(crate) struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of a field, or empty.
    pub fn value(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of a repeated field.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a return ticked `section`.
    pub fn ticked(&self, section: &str) -> bool {
        self.all("section").iter().any(|s| s == section)
    }

    /// The reason typed for `section`.
    pub fn reason(&self, section: &str) -> String {
        self.value(&format!("reason_{section}"))
    }

    /// The sections ticked in a return, each with the reason typed beside it.
    pub fn section_reasons(&self) -> Vec<(String, String)> {
        self.all("section")
            .into_iter()
            .map(|code| {
                // A template picked without JavaScript arrives in its own field.
                let typed = self.value(&format!("reason_{code}"));
                let reason = if typed.trim().is_empty() {
                    self.value(&format!("template_{code}"))
                } else {
                    typed
                };
                (code, reason)
            })
            .collect()
    }
}

/// A section a return may name, with the templates that fit it.
pub struct SectionChoice {
    pub code: &'static str,
    pub title: &'static str,
    pub templates: Vec<String>,
}

/// The sections of a return form, each with the staff member's organisation's templates.
pub(crate) async fn section_choices(
    state: &crate::state::AppState,
    staff_id: i64,
    kind: zc_domain::application::ApplicationKind,
) -> crate::error::AppResult<Vec<SectionChoice>> {
    use zc_services::return_templates::{TemplateOwner, for_section, list};
    let owner = TemplateOwner::of(&state.db, staff_id).await?;
    let all = list(&state.db, owner).await?;
    Ok(zc_domain::application::sections::sections_for(kind)
        .iter()
        .map(|s| SectionChoice {
            code: s.code,
            title: s.title,
            templates: for_section(&all, s.code)
                .into_iter()
                .map(|t| t.body.clone())
                .collect(),
        })
        .collect())
}

/// What every review desk shows of a dossier it decides: the card, the applicant, the
/// parts with their pictures, the history, and the sections a return may name.
pub struct ReviewedDossier {
    pub card: crate::routes::my_applications::Card,
    pub applicant: String,
    pub parts: Vec<crate::routes::application_views::DossierPart>,
    pub files: Vec<crate::routes::application_views::DossierFiles>,
    /// Where the dossier's pictures are served for this desk.
    pub files_base: String,
    pub history: Vec<crate::routes::application_views::HistoryLine>,
    pub sections: Vec<SectionChoice>,
}

impl ReviewedDossier {
    /// The dossier `app` as reviewer `staff_id` sees it at the desk under `base`.
    pub(crate) async fn of(
        state: &crate::state::AppState,
        staff_id: i64,
        app: &zc_db::applications::ApplicationRow,
        base: &str,
    ) -> crate::error::AppResult<ReviewedDossier> {
        use crate::routes::application_views::{applicant_heading, dossier_view, history};
        let (parts, files) = dossier_view(state, app).await?;
        Ok(ReviewedDossier {
            card: crate::routes::my_applications::Card::of(app),
            applicant: applicant_heading(state, app).await?,
            parts,
            files,
            files_base: format!("{base}/{}/files", app.id),
            history: history(state, app.id).await?,
            sections: section_choices(state, staff_id, app.kind).await?,
        })
    }
}
