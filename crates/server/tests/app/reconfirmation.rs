//! 重新确认 end to end: a title obtained in another province is declared (its name picked
//! from the 职称目录), the dossier goes unit → 职改办 without a committee, and the
//! certificate (取得方式 重新确认) names the original on the public check.

use crate::{
    dossier::location_of,
    helpers::{attr, html, location, spawn_app, texts},
    recognition::{basic, open_kind, option, public_check, unit_returns, upload_all},
    unit_review::passed_by_office,
};

#[tokio::test]
async fn a_title_held_elsewhere_is_reconfirmed_and_the_certificate_names_the_original() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let (_, doc) = app.get_html("/my/applications").await;
    let qualification = option(
        &doc,
        "#f-reconfirmation-qualification",
        "工程系列/副高级/高级工程师",
    );
    let office = option(
        &doc,
        "#f-reconfirmation-office",
        "南宁市职称改革工作领导小组办公室",
    );
    let id = open_kind(&app, "reconfirmation", &qualification, &office).await;

    let site = app.site();
    let saved = |res: reqwest::Response| {
        let to = location_of(&res);
        assert!(to.contains("saved="), "saved: {to}");
    };
    // 原专业技术资格名称 comes from the 职称目录: offered as suggestions, checked on save.
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rf_info"))
        .await;
    assert_eq!(
        attr(&doc, "#f-rf_info-original_title", "list").as_deref(),
        Some("title-catalogue")
    );
    assert!(attr(&doc, "#title-catalogue option[value=高级工程师]", "value").is_some());
    let doc = html(
        &site
            .post(
                &format!("/my/applications/{id}/parts/rf_info"),
                &[
                    ("original_title", "火星工程师"),
                    ("original_major", "建筑工程"),
                    ("original_cert_no", "粤高职2019001234"),
                    ("original_issuer", "广东省人力资源和社会保障厅"),
                    ("original_obtained", "2019-12"),
                    ("custom_specialty", "否"),
                    ("specialty", "建筑工程"),
                    ("identity", "企业人员"),
                    ("contact_phone", "13800771234"),
                ],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#e-rf_info-original_title"),
        ["请从职称目录中选择原专业技术资格名称"]
    );
    assert_eq!(
        attr(&doc, "#f-rf_info-original_cert_no", "value").as_deref(),
        Some("粤高职2019001234")
    );
    saved(
        site.post(
            &format!("/my/applications/{id}/parts/rf_info"),
            &[
                ("original_title", "高级工程师"),
                ("original_major", "建筑工程"),
                ("original_cert_no", "粤高职2019001234"),
                ("original_issuer", "广东省人力资源和社会保障厅"),
                ("original_obtained", "2019-12"),
                ("custom_specialty", "否"),
                ("specialty", "建筑工程"),
                ("identity", "企业人员"),
                ("contact_phone", "13800771234"),
            ],
        )
        .await,
    );
    saved(basic(&app, id, "2008-07").await);
    saved(
        site.post(
            &format!("/my/applications/{id}/summary"),
            &[(
                "summary",
                "2019年在广东取得高级工程师资格，2025年调入广西工作。",
            )],
        )
        .await,
    );
    upload_all(
        &app,
        id,
        "rf_uploads",
        &[
            ("id_card", 2),
            ("original_cert", 1),
            ("original_basis", 1),
            ("employment", 1),
        ],
    )
    .await;
    crate::applications::submit_with(&app, id, "rf-1").await;

    // The unit returns 申报信息 (the 重新确认 sections are offered); it comes back.
    unit_returns(
        &app,
        id,
        &["rf_info", "rc_basic", "summary", "rf_uploads"],
        "rf_info",
        "请核对原证书编号与证书原件是否一致",
    )
    .await;
    crate::applications::submit_now(&app, id).await;

    let office = passed_by_office(&app, id, "rfoffice").await;
    let res = office
        .post(
            &format!("/office/applications/{id}/issue"),
            &[("doc_number", "桂职改〔2026〕41号")],
        )
        .await;
    assert_eq!(location(&res), "/office/certificates");
    let number: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT number FROM certificate WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    let doc = public_check(&app, &number).await;
    assert_eq!(texts(&doc, "#verify-way"), ["重新确认"]);
    assert_eq!(
        texts(&doc, "#verify-original"),
        ["原证书编号 粤高职2019001234，高级工程师，广东省人力资源和社会保障厅授予"]
    );
}
