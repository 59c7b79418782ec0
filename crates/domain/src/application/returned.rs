//! 退回修改 — what a return asks of the applicant, and whether a resubmission answered it.
//!
//! A return names sections and a reason for each. A section counts as answered when one of
//! its parts differs from the dossier as it was returned, or a picture was added to one of
//! its upload slots after the return; the reasons stay on the applicant's pages until the
//! next reviewer decides.

use super::sections::SectionSpec;

/// Returned sections that a resubmission leaves exactly as they were returned, in the
/// order of the form.
///
/// `returned` are the codes of the sections the open return names, `changed_parts` the
/// codes of the parts that differ from the returned dossier, `new_pictures` the codes of
/// the sections with a picture uploaded since the return.
pub fn unanswered<'a>(
    sections: &'a [SectionSpec],
    returned: &[&str],
    changed_parts: &[&str],
    new_pictures: &[&str],
) -> Vec<&'a SectionSpec> {
    sections
        .iter()
        .filter(|s| returned.contains(&s.code))
        .filter(|s| !new_pictures.contains(&s.code))
        .filter(|s| !s.parts.iter().any(|p| changed_parts.contains(&p.code)))
        .collect()
}

/// The section a person fixing a return should open first: the first returned section in
/// the order of the form, or the form's first section when nothing was returned.
pub fn first_to_fix(sections: &'static [SectionSpec], returned: &[&str]) -> Option<&'static str> {
    sections
        .iter()
        .find(|s| returned.contains(&s.code))
        .or_else(|| sections.first())
        .map(|s| s.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{ApplicationKind, sections::sections_for};

    #[test]
    fn a_section_is_answered_by_a_changed_part_or_a_new_picture() {
        let form = sections_for(ApplicationKind::Evaluation);
        let titles = |v: Vec<&SectionSpec>| v.iter().map(|s| s.code).collect::<Vec<_>>();
        assert_eq!(
            titles(unanswered(form, &["education", "summary"], &[], &[])),
            ["education", "summary"],
            "nothing changed: both are unanswered, in the form's order"
        );
        assert_eq!(
            titles(unanswered(
                form,
                &["summary", "education"],
                &["education"],
                &[]
            )),
            ["summary"]
        );
        assert_eq!(
            titles(unanswered(form, &["education"], &[], &["education"])),
            Vec::<&str>::new(),
            "a new scan answers a section"
        );
        assert_eq!(
            titles(unanswered(form, &["education"], &["summary"], &[])),
            ["education"],
            "a change elsewhere does not answer it"
        );
    }

    #[test]
    fn editing_opens_the_first_returned_section() {
        let form = sections_for(ApplicationKind::Evaluation);
        assert_eq!(
            first_to_fix(form, &["summary", "education"]),
            Some("education")
        );
        assert_eq!(first_to_fix(form, &[]), Some(form[0].code));
    }
}
