//! 审验 end to end: a certificate obtained before the platform is entered with its scans,
//! goes straight to the office that granted it (高级 only to the 自治区职改办), can be
//! withdrawn until the office acts, is returned only to the person, and once verified is
//! online under its own number with 来源 审验归集; a number already on the platform is
//! refused before it is sent.

use reqwest::StatusCode;

use crate::{
    dossier::{location_of, picture},
    helpers::{TestApp, attr, html, location, spawn_app, texts},
    recognition::{open_kind, option, public_check, refused_opening},
    unit_review::office_staff_for,
};

/// 证书信息 as typed.
fn info<'a>(cert_no: &'a str, obtained: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("original_cert_no", cert_no),
        ("original_major", "给排水工程"),
        ("original_issuer", "南宁市职称改革工作领导小组办公室"),
        ("original_obtained", obtained),
        ("original_doc", "南职改〔2012〕31号"),
        ("original_way", "评审"),
        ("contact_phone", "13800771234"),
    ]
}

async fn save_info(app: &TestApp, id: i64, cert_no: &str, obtained: &str) -> reqwest::Response {
    app.site()
        .post(
            &format!("/my/applications/{id}/parts/vf_info"),
            &info(cert_no, obtained),
        )
        .await
}

/// A 审验 draft for 工程系列/助理级/助理工程师 at the 南宁 职改办 with 证书信息 and
/// every picture; its id.
async fn filled(app: &TestApp, cert_no: &str) -> i64 {
    let (_, doc) = app.get_html("/my/applications").await;
    let junior = option(
        &doc,
        "#f-verification-qualification",
        "工程系列/助理级/助理工程师",
    );
    let nanning = option(
        &doc,
        "#f-verification-office",
        "南宁市职称改革工作领导小组办公室",
    );
    let id = open_kind(app, "verification", &junior, &nanning).await;
    let res = save_info(app, id, cert_no, "2012-06").await;
    assert!(
        location_of(&res).contains("saved=vf_info"),
        "{}",
        location_of(&res)
    );
    let site = app.site();
    for (slot, n) in [("id_card", 2), ("original_cert", 1), ("original_basis", 1)] {
        let res = site
            .upload(id, slot, (0..n).map(|_| picture(1000, 700)).collect())
            .await;
        assert!(location_of(&res).contains("saved="), "{slot}");
    }
    id
}

#[tokio::test]
async fn a_historic_certificate_is_verified_by_its_office_and_comes_online_under_its_number() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let (_, doc) = app.get_html("/my/applications").await;
    assert_eq!(
        attr(&doc, "#verification-guide", "href").as_deref(),
        Some("/guide/verification")
    );
    let (status, guide) = app.get_html("/guide/verification").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        texts(&guide, "#guide li")
            .iter()
            .any(|t| t.starts_with("职称证书原件（含照片页、资格页）：1至4张")),
        "the guide lists the configured pictures"
    );

    // 高级 is verified by the 自治区职改办 only.
    let senior = option(
        &doc,
        "#f-verification-qualification",
        "工程系列/副高级/高级工程师",
    );
    let nanning = option(
        &doc,
        "#f-verification-office",
        "南宁市职称改革工作领导小组办公室",
    );
    let doc = refused_opening(&app, "verification", &senior, &nanning).await;
    assert_eq!(
        texts(&doc, "#verification-office-error"),
        ["高级职称证书由自治区职改办审验，请选择：广西壮族自治区职称改革工作领导小组办公室"]
    );

    // Bad input on 证书信息: refused beside the field, the rest kept.
    let (_, doc) = app.get_html("/my/applications").await;
    let junior = option(
        &doc,
        "#f-verification-qualification",
        "工程系列/助理级/助理工程师",
    );
    let id = open_kind(&app, "verification", &junior, &nanning).await;
    let doc = html(
        &save_info(&app, id, "NN2012-0031", "2099-01")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#e-vf_info-original_cert_no"),
        ["证书编号只能是数字（如果没有，可以不填）"]
    );
    assert_eq!(
        attr(&doc, "#f-vf_info-original_doc", "value").as_deref(),
        Some("南职改〔2012〕31号")
    );
    let doc = html(
        &save_info(&app, id, "2012450100031", "2099-01")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        texts(&doc, "#e-vf_info-original_obtained")[0].starts_with("授予时间不能晚于本月"),
        "a month to come is refused"
    );
    // 删除 the draft; the real one follows.
    let res = app
        .post_form(&format!("/my/applications/{id}/delete"), &[])
        .await;
    assert_eq!(location(&res), "/my/applications");

    let number = "2012450100031";
    let id = filled(&app, number).await;
    crate::applications::submit_with(&app, id, "vf-1").await;
    let (_, progress) = app
        .get_html(&format!("/my/applications/{id}/progress?submitted=1"))
        .await;
    assert_eq!(
        texts(&progress, "#submitted"),
        ["您的审验申请已成功提交，请等待审验机关审核。"]
    );
    assert!(
        texts(&progress, "tbody td")
            .iter()
            .any(|t| t == "报送：已报送至南宁市职称改革工作领导小组办公室"),
        "sent straight to the office"
    );
    // Withdrawn before the office acts, and sent again.
    let res = app
        .post_form(&format!("/my/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(location(&res), format!("/my/applications?withdrawn={id}"));
    crate::applications::submit_with(&app, id, "vf-2").await;

    // The office sees it in its queue; it may return it to the person but not to a unit.
    let office = office_staff_for(&app, id, "vfoffice").await;
    let queue = html(
        &office
            .get("/office/applications?kind=verification")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        attr(
            &queue,
            &format!("a[href='/office/applications/{id}']"),
            "href"
        )
        .is_some(),
        "the 审验 is in the office's queue"
    );
    let page = html(
        &office
            .get(&format!("/office/applications/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(attr(&page, "input[name=to][value=unit]", "value").is_none());
    assert!(attr(&page, "input[name=to][value=applicant]", "value").is_some());
    let res = office
        .post(
            &format!("/office/applications/{id}/decision"),
            &[
                ("decision", "pass"),
                ("opinion", "与档案记录一致，审验通过"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office/applications");
    let res = office
        .post(
            &format!("/office/applications/{id}/issue"),
            &[("doc_number", "南职改〔2012〕31号")],
        )
        .await;
    assert_eq!(location(&res), "/office/certificates");

    // Online under its own number, 来源 审验归集, checkable by anyone.
    let doc = public_check(&app, number).await;
    assert_eq!(texts(&doc, "#verify-status"), ["该证书真实有效。"]);
    assert_eq!(texts(&doc, "#verify-way"), ["评审"]);
    assert_eq!(texts(&doc, "#verify-source"), ["审验归集"]);
    assert_eq!(
        texts(&doc, "#verify-original"),
        ["审验归集：南宁市职称改革工作领导小组办公室2012-06授予，经平台审验后归集"]
    );
    let (_, mine) = app.get_html("/my/certificates").await;
    assert!(texts(&mine, "td[data-label=来源]").contains(&"审验归集".to_string()));
    assert!(texts(&mine, "td[data-label=发证日期]").contains(&"2012年06月01日".to_string()));

    // 高级 at the 自治区职改办 is accepted.
    let (_, doc) = app.get_html("/my/applications").await;
    let senior = option(
        &doc,
        "#f-verification-qualification",
        "工程系列/副高级/高级工程师",
    );
    let region = option(
        &doc,
        "#f-verification-office",
        "广西壮族自治区职称改革工作领导小组办公室",
    );
    open_kind(&app, "verification", &senior, &region).await;

    // One the office cannot match is refused, and the person reads why.
    let unknown = filled(&app, "2011450100777").await;
    crate::applications::submit_with(&app, unknown, "vf-3").await;
    let res = office
        .post(
            &format!("/office/applications/{unknown}/decision"),
            &[
                ("decision", "fail"),
                ("fail_reason", "档案中无此证书的评审记录，请核对证书编号"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office/applications");
    let (_, progress) = app
        .get_html(&format!("/my/applications/{unknown}/progress"))
        .await;
    assert!(
        texts(&progress, "tbody td")
            .iter()
            .any(|t| t.contains("档案中无此证书的评审记录，请核对证书编号")),
        "{:?}",
        texts(&progress, "tbody td")
    );

    // The same number again: refused before it is sent, with the reason.
    let again = filled(&app, number).await;
    let (_, submit) = app
        .get_html(&format!("/my/applications/{again}/submit"))
        .await;
    assert!(
        texts(&submit, ".missing-list li")
            .iter()
            .any(|t| t.contains(&format!("证书编号 {number} 已在平台登记，无需审验"))),
        "{:?}",
        texts(&submit, ".missing-list li")
    );
}
