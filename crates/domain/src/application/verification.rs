//! 审验 — verification of a certificate obtained before the platform (seed §3.5,
//! `domain.md` §3.5): the holder enters it with scans of the certificate and its 评审表 or
//! 批文; the office that granted it checks its records (中初级: the 批准机关 the person
//! names; 高级: the 自治区职改办), and a verified certificate is brought online with its
//! own number (来源 审验归集) and becomes publicly checkable.

use super::{
    form::{FieldKind as K, FieldSpec as F},
    sections::{PartShape, PartSpec, SectionSpec},
};

/// The part that describes the certificate.
pub const INFO_PART: &str = "vf_info";

/// 取得方式 of a historic certificate (`domain.md` §7.1).
pub const WAYS: &[&str] = &["评审", "认定", "考试", "重新确认", "转评"];

/// The kind of office that verifies 高级 certificates (自治区职改办).
pub const SENIOR_OFFICE_KIND: &str = "region_office";

/// The sections of a 审验 application: 1 证书信息, 2 资料上传 (then 审核报送).
pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        code: INFO_PART,
        number: 1,
        title: "证书信息",
        parts: &[PartSpec {
            code: INFO_PART,
            title: "1 证书信息",
            shape: PartShape::Single,
            help: "按证书原件如实填写；资格名称和审验机关取自创建申报时的选择。审验通过后，证书按原编号归集到平台，可公开查验。",
            fields: &[
                F::req("original_cert_no", "证书编号", K::Digits { max: 30 }),
                F::req("original_major", "专业名称", K::Text { max: 40 }),
                F::req(
                    "original_issuer",
                    "批准机关（授予单位）",
                    K::Text { max: 60 },
                ),
                F::req("original_obtained", "授予时间", K::Month),
                F::req("original_doc", "批准文号", K::Text { max: 40 }),
                F::req("original_way", "取得方式", K::Choice(WAYS)),
                F::req("contact_phone", "联系电话", K::Phone),
            ],
        }],
    },
    SectionSpec {
        code: "vf_uploads",
        number: 2,
        title: "资料上传",
        parts: &[],
    },
];

/// Shown before the form and on the 审验操作说明 page: who verifies which certificate.
pub const WHO_DECIDES: &str = "2019年以前取得、尚未在平台登记的职称证书，可申请审验归集：\
中初级证书由授予单位（批准机关）审验，高级证书由自治区职改办审验。审验通过后证书按原编号归集，可在证书管理中查看并公开查验。";

/// The pledge before 同意并报送.
pub const PLEDGE: &str = "本人承诺所填写的证书信息与证书原件、评审表或批文一致。如有弄虚作假，本人愿接受相关政策规定处理。";

/// The line a verified certificate carries about its source.
pub fn source_line(issuer: &str, obtained: &str) -> String {
    format!("审验归集：{issuer}{obtained}授予，经平台审验后归集")
}
