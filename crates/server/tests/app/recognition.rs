//! 职称认定 end to end: 我要申报 offers 认定 with 申报级别 and 报送职改办; the form is the
//! seed's four sections; the 认定条件 are checked against the dates entered and block
//! 同意并报送 until met; the unit and the 职改办 review it without a committee, and the
//! certificate (取得方式 认定) is issued and verifiable.

use chrono::Datelike;
use reqwest::StatusCode;

use crate::{
    dossier::{location_of, picture},
    helpers::{TestApp, attr, html, location, spawn_app, texts},
    unit_review::passed_by_office,
};

/// The option of `select` whose label contains `needle`.
pub(crate) fn option(doc: &scraper::Html, select: &str, needle: &str) -> String {
    let sel = scraper::Selector::parse(&format!("{select} option")).unwrap();
    doc.select(&sel)
        .find(|o| o.text().collect::<String>().contains(needle))
        .and_then(|o| o.value().attr("value"))
        .unwrap_or_else(|| panic!("{select} offers {needle}"))
        .to_string()
}

/// `YYYY-MM` of the month `back` months before this China month.
pub(crate) fn months_ago(back: i32) -> String {
    let today = zc_domain::calendar::china_date(chrono::Utc::now());
    let total = today.year() * 12 + today.month0() as i32 - back;
    format!(
        "{:04}-{:02}",
        total.div_euclid(12),
        total.rem_euclid(12) + 1
    )
}

pub(crate) async fn basic(app: &TestApp, id: i64, graduated: &str) -> reqwest::Response {
    let site = app.site();
    site.post(
        &format!("/my/applications/{id}/parts/rc_basic"),
        &[
            ("gender", "男"),
            ("ethnicity", "壮族"),
            ("political", "群众"),
            ("education", "本科"),
            ("school", "广西大学"),
            ("major", "土木工程"),
            ("graduated", graduated),
            ("work_start", graduated),
        ],
    )
    .await
}

/// The unit (`shenhe`) opens dossier `id`, is offered exactly `sections` to return, and
/// returns `section` with `reason`; its browser.
pub(crate) async fn unit_returns(
    app: &TestApp,
    id: i64,
    sections: &[&str],
    section: &str,
    reason: &str,
) -> crate::helpers::SecondBrowser {
    let unit = crate::helpers::spawn_second_browser(app).await;
    unit.login_as(app, "shenhe").await;
    let doc = html(
        &unit
            .get(&format!("/unit/applications/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        crate::helpers::attrs(&doc, "input[name=section]", "value"),
        sections
    );
    let key = format!("reason_{section}");
    let res = unit
        .post(
            &format!("/unit/applications/{id}/decision"),
            &[("decision", "return"), ("section", section), (&key, reason)],
        )
        .await;
    let to = location(&res);
    assert_eq!(to, format!("/unit/applications?returned={id}"));
    // The reviewer is told it went back, and to whom.
    let doc = html(&unit.get(&to).await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#returned"),
        ["已退回 张三 的申报，已通知申报人。"]
    );
    unit
}

/// The public check of certificate `number` held by 张三, as a visitor sees it.
pub(crate) async fn public_check(app: &TestApp, number: &str) -> scraper::Html {
    html(
        &crate::helpers::new_client()
            .get(app.url(&format!("/verify?number={number}&name=张三")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
}

/// 我要申报 of an office-decided `kind` as the form posts it.
async fn post_opening(
    app: &TestApp,
    kind: &str,
    qualification: &str,
    office: &str,
) -> reqwest::Response {
    app.post_form(
        "/my/applications",
        &[
            ("kind", kind),
            ("qualification", qualification),
            ("office", office),
        ],
    )
    .await
}

/// 我要申报 of `kind` posted and refused: the page it answers with.
pub(crate) async fn refused_opening(
    app: &TestApp,
    kind: &str,
    qualification: &str,
    office: &str,
) -> scraper::Html {
    let res = post_opening(app, kind, qualification, office).await;
    assert_eq!(res.status(), reqwest::StatusCode::OK, "refused on the page");
    html(&res.text().await.unwrap())
}

/// 我要申报 of `kind` (`recognition` or `reconfirmation`); lands on its first section.
pub(crate) async fn open_kind(app: &TestApp, kind: &str, qualification: &str, office: &str) -> i64 {
    let res = post_opening(app, kind, qualification, office).await;
    let to = location(&res);
    let first = match kind {
        "recognition" => "rc_info",
        "replacement" => "rp_info",
        "verification" => "vf_info",
        _ => "rf_info",
    };
    assert!(to.ends_with(&format!("/sections/{first}")), "{to}");
    to.split('/').nth(3).unwrap().parse().unwrap()
}

/// A 认定 draft for 工程系列/助理级/助理工程师 sent to the 南宁 职改办.
pub(crate) async fn created(app: &TestApp) -> i64 {
    app.login_applicant().await;
    let (_, doc) = app.get_html("/my/applications").await;
    let qualification = option(
        &doc,
        "#f-recognition-qualification",
        "工程系列/助理级/助理工程师",
    );
    let office = option(
        &doc,
        "#f-recognition-office",
        "南宁市职称改革工作领导小组办公室",
    );

    // Without an office: refused beside the field, the qualification still chosen.
    let doc = html(
        &app.post_form(
            "/my/applications",
            &[("kind", "recognition"), ("qualification", &qualification)],
        )
        .await
        .text()
        .await
        .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#recognition-office-error"),
        ["请选择正在受理的职改办"]
    );
    assert_eq!(
        attr(
            &doc,
            "#f-recognition-qualification option[selected]",
            "value"
        )
        .as_deref(),
        Some(qualification.as_str())
    );

    open_kind(app, "recognition", &qualification, &office).await
}

/// The 认定 slots besides the photo, with the number of pictures each needs.
pub(crate) const RC_SLOTS: &[(&str, usize)] = &[
    ("id_card", 2),
    ("diploma", 2),
    ("employment", 1),
    ("probation", 1),
];

/// Uploads the photo (confirming the crop, which returns to `section`) and `n` pictures
/// into each other slot.
pub(crate) async fn upload_all(app: &TestApp, id: i64, section: &str, slots: &[(&str, usize)]) {
    let site = app.site();
    let res = site.upload(id, "photo", vec![picture(900, 1200)]).await;
    let res = site.post(&location_of(&res), &[]).await;
    let back = location_of(&res);
    assert!(
        back.contains(&format!("/sections/{section}?saved=photo")),
        "{back}"
    );
    for (slot, n) in slots {
        let res = site
            .upload(id, slot, (0..*n).map(|_| picture(1000, 700)).collect())
            .await;
        assert!(location_of(&res).contains("saved="), "{slot}");
    }
}

/// Fills every section of 认定 draft `id` so that it meets the conditions, and submits it.
pub(crate) async fn filled_and_submitted(app: &TestApp, id: i64) {
    let site = app.site();
    for (path, fields) in [
        (
            format!("/my/applications/{id}/parts/rc_info"),
            vec![
                ("specialty", "建筑工程"),
                ("identity", "企业人员"),
                ("contact_phone", "13800771234"),
            ],
        ),
        (
            format!("/my/applications/{id}/summary"),
            vec![(
                "summary",
                "本科毕业后从事建筑施工技术工作，参与两个住宅项目。",
            )],
        ),
    ] {
        assert!(
            location_of(&site.post(&path, &fields).await).contains("saved="),
            "{path}"
        );
    }
    assert!(location_of(&basic(app, id, &months_ago(14)).await).contains("saved="));
    upload_all(app, id, "rc_uploads", RC_SLOTS).await;
    crate::applications::submit_with(app, id, "filled").await;
}

#[tokio::test]
async fn a_graduate_applies_for_recognition_and_is_issued_a_certificate() {
    let app = spawn_app().await;
    let id = created(&app).await;
    let (_, doc) = app.get_html("/my/applications").await;
    assert!(
        texts(&doc, ".card-title")
            .iter()
            .any(|t| t.contains("职称认定")),
        "the card shows the type"
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rc_info"))
        .await;
    let nav = texts(&doc, ".section-nav li a");
    assert_eq!(nav.len(), 4, "{nav:?}");
    for (n, title) in ["1 申报信息", "2 基本情况", "3 工作小结", "4 资料上传"]
        .iter()
        .enumerate()
    {
        assert!(nav[n].contains(title), "{nav:?}");
    }
    assert!(texts(&doc, "#eligibility")[0].contains("请在“基本情况”中填写最高学历"));

    // 报送职改办: another 职改办 while a draft; the current choice is shown selected.
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/change")).await;
    let qualification = attr(
        &doc,
        "#f-recognition-qualification option[selected]",
        "value",
    )
    .unwrap();
    assert!(qualification.ends_with(":2:助理工程师"), "{qualification}");
    let beihai = option(
        &doc,
        "#f-recognition-office",
        "北海市职称改革工作领导小组办公室",
    );
    let res = app
        .post_form(
            &format!("/my/applications/{id}/change"),
            &[
                ("kind", "recognition"),
                ("qualification", &qualification),
                ("office", &beihai),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my/applications");
    let row = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.office_name, "北海市职称改革工作领导小组办公室");
    assert_eq!(row.committee_id, None);

    let site = app.site();
    let saved = |res: reqwest::Response| {
        let to = location_of(&res);
        assert!(to.contains("saved="), "saved: {to}");
    };
    saved(
        site.post(
            &format!("/my/applications/{id}/parts/rc_info"),
            &[
                ("specialty", "建筑工程"),
                ("identity", "企业人员"),
                ("contact_phone", "13800771234"),
            ],
        )
        .await,
    );
    // A graduation next month is refused beside the field, with everything typed kept.
    let doc = html(&basic(&app, id, &months_ago(-1)).await.text().await.unwrap());
    let today = app.db.today();
    assert_eq!(
        texts(&doc, "#e-rc_basic-graduated"),
        [format!(
            "毕业时间不能晚于本月（{}年{}月）",
            today.year(),
            today.month()
        )]
    );
    assert_eq!(
        attr(&doc, "#f-rc_basic-school", "value").as_deref(),
        Some("广西大学")
    );
    // Before the birth in the ID number (1988-06): refused beside the field too.
    let doc = html(&basic(&app, id, "1987-07").await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#e-rc_basic-graduated"),
        ["毕业时间不能早于出生年月（1988年6月）"]
    );
    // Graduated four months ago: a bachelor must have worked a year first.
    saved(basic(&app, id, &months_ago(4)).await);
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rc_basic"))
        .await;
    assert_eq!(
        texts(&doc, "#eligibility"),
        ["认定条件：本科毕业满1年方可认定助理级，您还差8个月"]
    );

    // A summary over 700 characters is refused; one within it is kept.
    let long = "工".repeat(701);
    let res = site
        .post(
            &format!("/my/applications/{id}/summary"),
            &[("summary", &long)],
        )
        .await;
    assert_ne!(
        res.status(),
        StatusCode::SEE_OTHER,
        "701 characters are refused"
    );
    let doc = html(&res.text().await.unwrap());
    assert!(
        texts(&doc, "#part-summary .field-msg")[0]
            .contains("工作小结不能超过700个字符（现有701个），请删减1个字符"),
        "said beside the editor"
    );
    assert_eq!(
        texts(&doc, "#f-summary").concat(),
        long,
        "what was typed is kept"
    );
    saved(
        site.post(
            &format!("/my/applications/{id}/summary"),
            &[(
                "summary",
                "本人2025年7月本科毕业，从事建筑施工技术工作，参与了两个住宅项目。",
            )],
        )
        .await,
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/summary"))
        .await;
    assert_eq!(attr(&doc, "#f-summary", "data-max").as_deref(), Some("700"));

    // 资料上传: its own slots, with counts.
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rc_uploads"))
        .await;
    let page = doc.root_element().text().collect::<String>();
    for label in [
        "近期二寸免冠彩色照片",
        "身份证（正、反面）",
        "毕业证书及学信网学历认证报告",
        "劳动合同或社保缴纳证明",
        "见习期考核表",
    ] {
        assert!(page.contains(label), "slot {label}");
    }
    upload_all(&app, id, "rc_uploads", RC_SLOTS).await;

    // Not yet eligible: the submission page lists why, and 同意并报送 is refused.
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    let missing = texts(&doc, ".missing-list li");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("您还差8个月"), "{missing:?}");
    let res = site
        .post(
            &format!("/my/applications/{id}/submit"),
            &[("pledge", "on"), ("token", "t-1")],
        )
        .await;
    assert_ne!(res.status(), StatusCode::SEE_OTHER);

    // Graduated fourteen months ago: eligible, and submitted with the seed's words.
    saved(basic(&app, id, &months_ago(14)).await);
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rc_basic"))
        .await;
    assert_eq!(
        texts(&doc, "#eligibility"),
        ["认定条件：符合助理级认定条件"]
    );
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    assert!(
        doc.root_element()
            .text()
            .collect::<String>()
            .contains("如有弄虚作假，本人愿接受相关政策规定处理"),
        "the 认定 pledge"
    );
    let res = site
        .post(
            &format!("/my/applications/{id}/submit"),
            &[("pledge", "on"), ("token", "t-2")],
        )
        .await;
    let to = location_of(&res);
    assert_eq!(to, format!("/my/applications/{id}/progress?submitted=1"));
    let (_, doc) = app.get_html(&to).await;
    assert_eq!(
        texts(&doc, "#submitted"),
        ["您的职称认定申报已成功提交，请等待单位工作人员审核。"]
    );
    let titles: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT title FROM message ORDER BY id").fetch_all(p).await)
    .unwrap();
    assert!(
        titles.contains(&format!("职称认定 #{id} 已报送：单位受理中")),
        "the applicant is told which kind: {titles:?}"
    );

    // The unit returns 基本情况 with a reason; the applicant sees it and sends it again.
    let unit = unit_returns(
        &app,
        id,
        &["rc_info", "rc_basic", "summary", "rc_uploads"],
        "rc_basic",
        "请核对毕业时间，与毕业证书不一致",
    )
    .await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rc_basic"))
        .await;
    assert!(texts(&doc, "#return-reasons li")[0].contains("请核对毕业时间，与毕业证书不一致"));
    crate::applications::submit_now(&app, id).await;

    // The unit's queue shows the type and filters by it.
    for (kind, listed) in [("recognition", true), ("evaluation", false)] {
        let doc = html(
            &unit
                .get(&format!("/unit/applications?kind={kind}"))
                .await
                .text()
                .await
                .unwrap(),
        );
        let lines = texts(&doc, "tbody td[data-label=拟申报资格]");
        assert_eq!(
            lines.contains(&"职称认定：工程系列/助理级/助理工程师".to_string()),
            listed,
            "{kind}: {lines:?}"
        );
    }

    // The unit and the 职改办 pass it; no committee; the 职改办 issues the certificate.
    let office = passed_by_office(&app, id, "rdoffice").await;
    let status = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status;
    assert_eq!(status.code(), "awaiting_confirmation");
    let res = office
        .post(
            &format!("/office/applications/{id}/issue"),
            &[("doc_number", "桂职改〔2026〕31号")],
        )
        .await;
    assert_eq!(location(&res), "/office/certificates");
    let (number, way): (String, String) = zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT number, way FROM certificate WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert_eq!(way, "职称认定");
    let doc = public_check(&app, &number).await;
    let page = doc.root_element().text().collect::<String>();
    assert!(
        page.contains(&number) && page.contains("职称认定"),
        "verified"
    );
}
