//! 申报表 as a PDF — one layout for every application type (评审表, 认定表, 重新确认表,
//! 遗失补办表, 审验表): the heading facts beside the 2-inch photo, each section as
//! label/value pairs, a table of rows or paragraphs, and the signature and seal boxes.

use serde::Serialize;
use serde_json::json;

use super::{PdfError, Picture, render};

const TEMPLATE: &str = include_str!("../../templates/form.typ");

/// One section of the form.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FormSection {
    /// Label and value lines (基本信息).
    Pairs {
        title: String,
        pairs: Vec<(String, String)>,
    },
    /// Rows under column headings (学历, 工作经历 …).
    Table {
        title: String,
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Paragraphs of text (专业技术工作总结).
    Text {
        title: String,
        paragraphs: Vec<String>,
    },
}

/// What the form shows.
#[derive(Debug, Clone)]
pub struct FormDoc<'a> {
    /// `专业技术资格评审表`, `职称认定表` …
    pub title: &'a str,
    /// 份号, six digits.
    pub copy_no: String,
    /// The facts beside the photo.
    pub head: Vec<(String, String)>,
    pub sections: Vec<FormSection>,
    pub photo: Option<&'a [u8]>,
    /// The boxes where people sign and offices seal, in order.
    pub signatures: Vec<String>,
    /// When the file was made, `2026年12月2日`.
    pub generated_on: &'a str,
}

/// The form as an A4 PDF of as many pages as it needs.
pub fn form(f: &FormDoc<'_>) -> Result<Vec<u8>, PdfError> {
    let data = json!({
        "title": f.title,
        "copy_no": f.copy_no,
        "head": f.head,
        "sections": f.sections,
        "signatures": f.signatures,
        "generated_on": f.generated_on,
    });
    let pictures: Vec<Picture<'_>> = f
        .photo
        .map(|bytes| Picture {
            input: "photo",
            what: "二寸免冠照片",
            bytes,
        })
        .into_iter()
        .collect();
    render("form", TEMPLATE, &data, &pictures)
}

/// The paragraphs of a sanitised rich-text summary, for printing: block ends become
/// paragraph breaks, tags go, and the entities the sanitiser writes are decoded.
pub fn paragraphs_of(html: &str) -> Vec<String> {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                if matches!(
                    name,
                    "p" | "br" | "br/" | "li" | "div" | "h1" | "h2" | "h3" | "h4"
                ) {
                    text.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::test_support::{embeds_font_subset, image_count, jpeg, text_of};

    pub(crate) fn sample(photo: Option<&[u8]>, rows: usize) -> FormDoc<'_> {
        FormDoc {
            title: "专业技术资格评审表",
            copy_no: "000042".into(),
            head: vec![
                ("姓名".into(), "张三".into()),
                ("证件号码".into(), "4501**********1234".into()),
                ("工作单位".into(), "广西壮美建设工程有限公司".into()),
                ("申报资格".into(), "工程 · 工程师（中级）".into()),
            ],
            sections: vec![
                FormSection::Pairs {
                    title: "基本信息".into(),
                    pairs: vec![("现从事专业".into(), "建筑工程".into())],
                },
                FormSection::Table {
                    title: "工作经历".into(),
                    headers: vec!["起止时间".into(), "单位".into(), "职务".into()],
                    rows: (0..rows)
                        .map(|i| {
                            vec![
                                format!("20{:02}-2026", i % 100),
                                "广西建工".into(),
                                format!("技术员{i}"),
                            ]
                        })
                        .collect(),
                },
                FormSection::Text {
                    title: "专业技术工作总结".into(),
                    paragraphs: paragraphs_of("<p>主持&amp;参与南宁地铁工程。</p><p>第二段</p>"),
                },
            ],
            photo,
            signatures: vec![
                "申报人承诺".into(),
                "单位意见".into(),
                "主管部门意见".into(),
                "职改办意见".into(),
            ],
            generated_on: "2026年12月2日",
        }
    }

    #[test]
    fn a_form_carries_its_text_font_photo_and_page_numbers() {
        let photo = jpeg();
        let pdf = form(&sample(Some(&photo), 80)).unwrap();
        let text = text_of(&pdf);
        for needle in [
            "专业技术资格评审表",
            "张三",
            "4501**********1234",
            "份号",
            "技术员79",
            "主持&参与南宁地铁工程。",
            "单位意见",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        assert!(
            text.contains("共 3 页") || text.contains("共 4 页"),
            "{text}"
        );
        assert!(embeds_font_subset(&pdf));
        assert_eq!(image_count(&pdf), 1);
    }

    #[test]
    fn a_form_without_a_photo_says_so() {
        let pdf = form(&sample(None, 1)).unwrap();
        assert!(text_of(&pdf).contains("未上传"));
        assert_eq!(image_count(&pdf), 0);
    }

    #[test]
    fn summaries_print_as_paragraphs() {
        assert_eq!(
            paragraphs_of("<p>一&lt;二&gt;</p><ul><li>三</li></ul>四<br>五"),
            ["一<二>", "三", "四", "五"]
        );
    }
}
