//! 专业技术工作总结 — the rich-text summary: its length limit per application type, the
//! sanitiser (ammonia) and the plain-text form of the no-script text box.

use crate::{
    FieldErrors, ServiceResult,
    application_parts::{Owner, editable, store},
};
use zc_db::Db;
use zc_domain::application::sections::PartData;

/// 专业技术工作总结 length limits per application type, in characters of text; set by
/// configuration (`summary_limit_evaluation`, `summary_limit_recognition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryLimits {
    pub evaluation: usize,
    pub recognition: usize,
}

impl Default for SummaryLimits {
    fn default() -> Self {
        Self {
            evaluation: 5000,
            recognition: 700,
        }
    }
}

impl SummaryLimits {
    /// The limit for an application type.
    pub fn for_kind(self, kind: zc_domain::application::ApplicationKind) -> usize {
        match kind {
            zc_domain::application::ApplicationKind::Evaluation => self.evaluation,
            // 重新确认 has the sections of 认定, and its limit; 遗失补办 and 审验 have no
            // summary.
            zc_domain::application::ApplicationKind::Recognition
            | zc_domain::application::ApplicationKind::Reconfirmation
            | zc_domain::application::ApplicationKind::Replacement
            | zc_domain::application::ApplicationKind::Verification => self.recognition,
        }
    }
}

/// Cleans the summary's HTML: only paragraphs, line breaks, bold, italic, underline and
/// lists survive; everything else (scripts, styles, links, attributes) is removed.
pub fn sanitise_summary(html: &str) -> (String, usize) {
    let clean = ammonia::Builder::empty()
        .add_tags(["p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li"])
        .clean_content_tags(["script", "style"].into_iter().collect())
        .clean(html)
        .to_string();
    let text = ammonia::Builder::empty().clean(&clean).to_string();
    let chars = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    (clean, chars)
}

/// Turns what was typed into the plain text box into paragraphs; text that already is
/// markup (from the formatting editor) is kept for the sanitiser.
pub fn summary_input_to_html(input: &str) -> String {
    if input.contains('<') && input.contains('>') {
        return input.to_string();
    }
    input
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let escaped = l
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!("<p>{escaped}</p>")
        })
        .collect()
}

/// The summary as plain text, one paragraph or list item per line (for the text box).
pub fn summary_to_plain(html: &str) -> String {
    let broken = html
        .replace("</p>", "\n")
        .replace("<br>", "\n")
        .replace("</li>", "\n");
    ammonia::Builder::empty()
        .clean(&broken)
        .to_string()
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .trim_end()
        .to_string()
}

/// What was typed into a refused summary, for the page that shows it again: the text box's
/// plain text (the formatting editor sends markup, which the box shows as paragraphs) and
/// the sanitised markup for the editor.
pub fn as_typed(input: &str) -> (String, String) {
    let (rich, _) = sanitise_summary(&summary_input_to_html(input));
    let plain = if input.contains('<') && input.contains('>') {
        summary_to_plain(&rich)
    } else {
        input.to_string()
    };
    (plain, rich)
}

/// Saves the 专业技术工作总结.
#[tracing::instrument(skip_all)]
pub async fn save_summary(
    db: &Db,
    limits: SummaryLimits,
    applicant_id: i64,
    application_id: i64,
    html: &str,
) -> ServiceResult<()> {
    let app = editable(db, applicant_id, application_id).await?;
    let limit = limits.for_kind(app.kind);
    let (clean, chars) = sanitise_summary(&summary_input_to_html(html));
    if chars > limit {
        return Err(FieldErrors::one(
            "summary",
            format!(
                "{}不能超过{limit}个字符（现有{chars}个），请删减{}个字符",
                match app.kind {
                    zc_domain::application::ApplicationKind::Evaluation => "专业技术工作总结",
                    _ => "工作小结",
                },
                chars - limit
            ),
        ));
    }
    let owner = Owner::Application {
        applicant_id,
        application_id,
    };
    store(
        db,
        owner,
        "summary",
        &PartData::Summary { html: clean, chars },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_summary_comes_back_as_typed_in_both_boxes() {
        let (plain, rich) = as_typed("<p><b>桥梁</b>设计</p><script>x()</script><p>施工</p>");
        assert_eq!(plain, "桥梁设计\n施工");
        assert_eq!(rich, "<p><b>桥梁</b>设计</p><p>施工</p>");
        let (plain, rich) = as_typed("第一段\n第二段 a<b");
        assert_eq!(
            plain, "第一段\n第二段 a<b",
            "the box keeps plain text exactly"
        );
        assert_eq!(rich, "<p>第一段</p><p>第二段 a&lt;b</p>");
    }

    #[test]
    fn plain_text_becomes_paragraphs_and_back() {
        let html = summary_input_to_html("第一段 a<b\n\n第二段");
        assert_eq!(html, "<p>第一段 a&lt;b</p><p>第二段</p>");
        assert_eq!(summary_to_plain(&html), "第一段 a<b\n第二段");
    }

    #[test]
    fn the_summary_keeps_formatting_and_loses_scripts() {
        let (clean, chars) = sanitise_summary(
            r#"<p onclick="x()"><b>主持</b>设计<script>alert(1)</script><a href="javascript:x">链接</a></p><ul><li>一</li></ul><img src=x onerror=alert(1)>"#,
        );
        assert_eq!(clean, "<p><b>主持</b>设计链接</p><ul><li>一</li></ul>");
        assert_eq!(chars, 7);
    }
}
