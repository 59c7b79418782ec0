//! 专业技术资格证书 as a PDF: photo, number, holder data, 资格名称, 取得方式, committee,
//! 批准文号, date, the issuing office's seal and the QR code with its signed payload.

use serde_json::json;

use super::{PdfError, Picture, fits, render};

const TEMPLATE: &str = include_str!("../../templates/certificate.typ");

/// The office's seal on the certificate.
#[derive(Debug, Clone, Copy)]
pub enum Seal<'a> {
    /// Drawn by the project from the office name (demo and offices without a seal file).
    Drawn,
    /// The office's own seal picture (PNG with transparency, or JPEG).
    Image(&'a [u8]),
}

/// What the certificate shows.
#[derive(Debug, Clone)]
pub struct CertificateDoc<'a> {
    pub number: &'a str,
    pub holder_name: &'a str,
    pub id_number_masked: &'a str,
    pub unit_name: &'a str,
    pub series_name: &'a str,
    /// 资格名称 with its level: `工程师（中级）`.
    pub qualification: &'a str,
    pub way: &'a str,
    pub committee_name: &'a str,
    pub doc_number: &'a str,
    /// 发证日期 as printed: `2026年12月2日`.
    pub issued_on: &'a str,
    pub office_name: &'a str,
    /// Printed in red under the number when the certificate no longer proves the title.
    pub status_note: &'a str,
    pub photo: Option<&'a [u8]>,
    pub seal: Seal<'a>,
    /// The QR code's SVG (the verification address with the seal after `#`).
    pub qr_svg: &'a str,
    pub verify_url: &'a str,
}

/// The certificate as a one-page A4 PDF.
pub fn certificate(c: &CertificateDoc<'_>) -> Result<Vec<u8>, PdfError> {
    fits("姓名", c.holder_name, 20)?;
    fits("工作单位", c.unit_name, 60)?;
    fits("资格名称", c.qualification, 40)?;
    fits("评审（认定）机构", c.committee_name, 60)?;
    fits("发证单位", c.office_name, 40)?;
    let photo = c.photo.ok_or(PdfError::MissingPhoto)?;
    let data = json!({
        "number": c.number,
        "office": c.office_name,
        "issued_on": c.issued_on,
        "status_note": c.status_note,
        "verify_url": c.verify_url,
        "rows": [
            ["姓名", c.holder_name],
            ["证件号码", c.id_number_masked],
            ["工作单位", c.unit_name],
            ["系列（专业）", c.series_name],
            ["资格名称", c.qualification],
            ["取得方式", c.way],
            ["评审（认定）机构", c.committee_name],
            ["批准文号", c.doc_number],
            ["发证日期", c.issued_on],
        ],
    });
    let mut pictures = vec![
        Picture {
            input: "photo",
            what: "持证人照片",
            bytes: photo,
        },
        Picture {
            input: "qr",
            what: "二维码",
            bytes: c.qr_svg.as_bytes(),
        },
    ];
    if let Seal::Image(bytes) = c.seal {
        pictures.push(Picture {
            input: "seal",
            what: "发证单位印章图片",
            bytes,
        });
    }
    render("certificate", TEMPLATE, &data, &pictures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::test_support::{embeds_font_subset, image_count, jpeg, text_of};

    fn doc<'a>(name: &'a str, photo: Option<&'a [u8]>, qr: &'a str) -> CertificateDoc<'a> {
        CertificateDoc {
            number: "202645010000017",
            holder_name: name,
            id_number_masked: "4501**********1234",
            unit_name: "广西壮美建设工程有限公司",
            series_name: "工程",
            qualification: "工程师（中级）",
            way: "评审",
            committee_name: "工程系列广西区中级评审委员会",
            doc_number: "桂职改〔2026〕12号",
            issued_on: "2026年12月2日",
            office_name: "广西壮族自治区职称改革工作领导小组办公室",
            status_note: "",
            photo,
            seal: Seal::Drawn,
            qr_svg: qr,
            verify_url: "https://zc.example.cn/verify/t/abc",
        }
    }

    #[test]
    fn a_certificate_carries_the_holder_number_font_photo_and_qr() {
        let photo = jpeg();
        let qr = crate::qr::svg("https://zc.example.cn/verify/t/abc#ZC1.k.e30.AAAA", 200).unwrap();
        // 䶮 (U+4DAE, CJK extension A) is a real name character that must print.
        let pdf = certificate(&doc("刘䶮", Some(&photo), &qr)).unwrap();
        let text = text_of(&pdf);
        assert!(text.contains("刘䶮"), "{text}");
        assert!(text.contains("202645010000017"), "{text}");
        assert!(text.contains("专业技术资格证书"), "{text}");
        assert!(embeds_font_subset(&pdf));
        assert!(image_count(&pdf) >= 1, "the photo is embedded");
        assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    }

    #[test]
    fn bad_input_is_refused_with_a_reason_not_a_broken_file() {
        let photo = jpeg();
        let qr = crate::qr::svg("https://zc.example.cn/verify/t/abc", 200).unwrap();
        assert_eq!(
            certificate(&doc("张三", None, &qr)).unwrap_err(),
            PdfError::MissingPhoto
        );
        let long = "阿".repeat(21);
        assert_eq!(
            certificate(&doc(&long, Some(&photo), &qr))
                .unwrap_err()
                .to_string(),
            "姓名超过20个字，表格中放不下（现有21个字）"
        );
        let e = certificate(&doc("张😀", Some(&photo), &qr)).unwrap_err();
        assert_eq!(e, PdfError::MissingGlyphs("😀".into()));
        let mut bad_seal = doc("张三", Some(&photo), &qr);
        bad_seal.seal = Seal::Image(b"not a picture");
        assert_eq!(
            certificate(&bad_seal).unwrap_err().to_string(),
            "发证单位印章图片无法读取（应为 JPG 或 PNG 图片），请重新上传"
        );
    }
}
