//! 退回修改 from the applicant's side: the card and the home page say what was returned and
//! open the first returned section; the reasons stay through 撤回 and resubmission until
//! the unit decides again; sending a returned section back unchanged needs a 报送说明.

use crate::{
    applications::submit_now,
    helpers::{TestApp, attr, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::submitted_application,
};

/// A submitted dossier the unit (signed in as `shenhe`) returned, naming `sections` with a
/// reason each.
pub(crate) async fn returned_by_unit(
    app: &TestApp,
    sections: &[(&str, &str)],
) -> (i64, crate::helpers::SecondBrowser) {
    let id = submitted_application(app).await;
    let unit = spawn_second_browser(app).await;
    unit.login_as(app, "shenhe").await;
    let keys: Vec<String> = sections
        .iter()
        .map(|(s, _)| format!("reason_{s}"))
        .collect();
    let mut form = vec![("decision", "return")];
    for ((section, reason), key) in sections.iter().zip(&keys) {
        form.push(("section", section));
        form.push((key.as_str(), reason));
    }
    let res = unit
        .post(&format!("/unit/applications/{id}/decision"), &form)
        .await;
    assert_eq!(location(&res), format!("/unit/applications?returned={id}"));
    (id, unit)
}

/// The unit's reviewer in `unit` returns dossier `id` for its 专业技术工作总结 alone.
pub(crate) async fn unit_returns_the_summary(unit: &crate::helpers::SecondBrowser, id: i64) {
    let res = unit
        .post(
            &format!("/unit/applications/{id}/decision"),
            &[
                ("decision", "return"),
                ("section", "summary"),
                ("reason_summary", "请写明本人承担的具体工作"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/unit/applications?returned={id}"));
}

/// The unit returns 学历情况 and 专业技术工作总结 with a reason each.
async fn returned_twice(app: &TestApp) -> (i64, crate::helpers::SecondBrowser) {
    returned_by_unit(
        app,
        &[
            ("summary", "工作总结请写明本人承担的具体工作"),
            ("education", "请补充学位证书编号"),
        ],
    )
    .await
}

/// 学历情况 answered: the degree certificate's number added to the first row.
async fn add_degree_number(app: &TestApp, id: i64) -> reqwest::Response {
    app.post_form(
        &format!("/my/applications/{id}/parts/education/rows"),
        &[
            ("row", "0"),
            ("graduated", "2012-07"),
            ("item", "最高学历"),
            ("level", "本科"),
            ("school", "广西大学"),
            ("major", "土木工程"),
            ("form", "全日制"),
            ("years", "4"),
            ("degree", "学士"),
            ("degree_no", "1059342012001234"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_return_shows_on_the_card_and_home_and_an_unchanged_section_needs_a_note() {
    let app = spawn_app().await;
    let (id, unit) = returned_twice(&app).await;

    // The card: both reasons in the form's order, each linking to its section; 编辑
    // opens the first returned section.
    let (_, doc) = app.get_html("/my/applications").await;
    let card = format!("[data-application='{id}']");
    let reasons = texts(&doc, &format!("{card} [data-returned] li"));
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("学历情况：请补充学位证书编号（"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("专业技术工作总结：工作总结请写明本人承担的具体工作（"),
        "{reasons:?}"
    );
    assert_eq!(
        attr(&doc, &format!("{card} a.btn-primary"), "href"),
        Some(format!("/my/applications/{id}/sections/education"))
    );

    // The home page: 继续办理 with the step, the reasons and the way in.
    let (_, doc) = app.get_html("/my").await;
    let home = format!("[data-continue='{id}']");
    let step = texts(&doc, &format!("{home} .next-step")).join("");
    assert!(
        step.starts_with("下一步：按退回意见修改后重新报送，请于 ")
            && step.ends_with("（含）前报送"),
        "the step and the window's last day: {step}"
    );
    assert_eq!(texts(&doc, &format!("{home} .returned-list li")).len(), 2);
    assert_eq!(
        attr(&doc, &format!("{home} a.btn-primary"), "href"),
        Some(format!("/my/applications/{id}/sections/education"))
    );

    // Fix 学历情况 only; 报送 warns about the summary and refuses without a 报送说明,
    // keeping the ticked pledge.
    let res = add_degree_number(&app, id).await;
    assert!(res.status().is_redirection(), "the row is saved");
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    assert_eq!(
        texts(&doc, "#unanswered p")[0],
        "被退回的栏目“专业技术工作总结”还没有修改。"
    );
    let token = attr(&doc, "input[name=token]", "value").unwrap();
    let res = app
        .post_form(
            &format!("/my/applications/{id}/submit"),
            &[("token", &token), ("pledge", "yes"), ("note", "")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        [
            "被退回的栏目“专业技术工作总结”还没有修改。请按退回意见修改后再报送；如确实无需修改，请在“报送说明”中写明原因后报送"
        ]
    );
    assert!(
        attr(&doc, "input[name=pledge]", "checked").is_some(),
        "the pledge stays ticked"
    );

    // With the note it goes, and the note is in the progress history.
    let token = attr(&doc, "input[name=token]", "value").unwrap();
    let note = "工作总结中已写明本人承担的具体工作，见第二段";
    let res = app
        .post_form(
            &format!("/my/applications/{id}/submit"),
            &[("token", &token), ("pledge", "yes"), ("note", note)],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/my/applications/{id}/progress?submitted=1")
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&doc, "tbody td")
            .iter()
            .any(|t| t.contains(&format!("报送说明：{note}"))),
        "the note is in the history"
    );

    // The applicant's own dossier speaks to them; the unit's speaks of the applicant.
    let (_, doc) = app.get_html(&format!("/my/applications/{id}")).await;
    assert_eq!(
        texts(&doc, "#changed-since-return"),
        ["自上次退回以来，您修改了：2 学历情况（已在下方标出）。"]
    );
    let doc = html(
        &unit
            .get(&format!("/unit/applications/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#changed-since-return")[0].starts_with("自上次退回以来，申报人修改了"));

    // The reasons stay visible, now as the last return's, until the unit decides.
    let (_, doc) = app.get_html("/my/applications").await;
    let kept = texts(&doc, &format!("{card} [data-returned] p"));
    assert_eq!(kept, ["上次退回的意见（已重新报送，等待审核）："]);
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/summary"))
        .await;
    assert!(texts(&doc, "#return-reasons li")[0].contains("本人承担的具体工作"));

    // The unit returns again (one section): only the new reason shows.
    unit.post(
        &format!("/unit/applications/{id}/decision"),
        &[
            ("decision", "return"),
            ("section", "summary"),
            ("reason_summary", "请补充近五年的主要业绩"),
        ],
    )
    .await;
    let (_, doc) = app.get_html("/my/applications").await;
    let now = texts(&doc, &format!("{card} [data-returned] li a"));
    assert_eq!(now, ["专业技术工作总结"]);
}

#[tokio::test]
async fn a_return_answered_in_full_goes_without_a_note_and_the_unit_closes_it() {
    let app = spawn_app().await;
    let (id, unit) = returned_twice(&app).await;
    // Change both returned sections (the summary through its form).
    app.post_form(
        &format!("/my/applications/{id}/summary"),
        &[(
            "summary",
            "本人负责桥梁结构设计与施工技术管理工作，主持完成三项工程。",
        )],
    )
    .await;
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    assert_eq!(
        texts(&doc, "#unanswered p")[0],
        "被退回的栏目“学历情况”还没有修改。",
        "the summary is answered, 学历情况 not yet"
    );
    add_degree_number(&app, id).await;
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    assert!(texts(&doc, "#unanswered").is_empty());
    submit_now(&app, id).await;

    // The unit forwards: the return is closed and the card no longer shows it.
    crate::unit_review::forward_by_unit(&app, &unit, id).await;
    let (_, doc) = app.get_html("/my/applications").await;
    assert!(texts(&doc, &format!("[data-application='{id}'] [data-returned]")).is_empty());
}
