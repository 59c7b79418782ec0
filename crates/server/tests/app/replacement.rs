//! 遗失补办 end to end: a holder declares their certificate lost; confirming the 遗失申明
//! voids it on `/verify` at once and puts it on `/publicity` for 5 working days (a notice
//! started before 国庆 ends after the holiday); sending is refused until then, with the
//! date; the 职改办's new certificate names the voided one, which points back at it.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::{
    dossier::{location_of, picture},
    helpers::{
        TestApp, attr, html, location, spawn_app, spawn_app_with, spawn_second_browser, texts,
    },
    recognition::{open_kind, option, public_check, refused_opening, upload_all},
    unit_review::passed_by_office,
};

const NANNING: &str = "南宁市职称改革工作领导小组办公室";

/// 10:00 China time on `day`.
fn china_morning(day: &str) -> chrono::DateTime<Utc> {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap())
}

/// A certificate of ours held by the demo applicant 张三, issued by the 南宁 职改办 for
/// 工程系列/助理级/助理工程师; its number.
pub(crate) async fn issued_to_zhang_san(app: &TestApp) -> String {
    let holder: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT account_id FROM applicant WHERE name = '张三'").fetch_one(p).await)
    .unwrap();
    let office: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM office WHERE name = $1").bind(NANNING).fetch_one(p).await)
    .unwrap();
    let number = "2016021000100007";
    let mut tx = app.db.begin_write().await.unwrap();
    zc_db::certificates::insert(
        &mut tx,
        &zc_db::certificates::NewCertificate {
            number,
            office_id: office,
            year: 2016,
            seq: 7,
            application_id: None,
            holder_id: holder,
            holder_name: "张三",
            id_number_masked: "4501**********0011",
            unit_name: "广西建工集团",
            series_name: "工程",
            level_rank: 2,
            title_name: "助理工程师",
            committee_name: "南宁市工程系列初级职称评审委员会",
            way: "评审",
            doc_number: "南职改〔2016〕9号",
            issued_on: NaiveDate::from_ymd_opt(2016, 7, 20).unwrap(),
            token: "0123456789abcdef0123456789abcdef",
            original_ref: None,
            source: zc_domain::certificate::CertificateSource::New,
            seal: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    number.to_string()
}

/// 申报信息 as the seed's example fills it, with `cert_no` and `obtained`.
fn info<'a>(cert_no: &'a str, obtained: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("custom_major", "否"),
        ("original_major", "建筑工程"),
        ("contact_phone", "13393689888"),
        ("original_cert_no", cert_no),
        ("original_issuer", "南宁市职称改革工作领导小组办公室"),
        ("original_obtained", obtained),
    ]
}

/// Saves 申报信息 of `id` as typed.
async fn save_info(app: &TestApp, id: i64, cert_no: &str, obtained: &str) -> reqwest::Response {
    app.site()
        .post(
            &format!("/my/applications/{id}/parts/rp_info"),
            &info(cert_no, obtained),
        )
        .await
}

/// The page a refused form answers with.
async fn page(res: reqwest::Response) -> scraper::Html {
    html(&res.text().await.unwrap())
}

/// Presses 确定 in 保存信息确认.
async fn confirm(app: &TestApp, id: i64) -> reqwest::Response {
    app.post_form(&format!("/my/applications/{id}/loss-notice"), &[])
        .await
}

#[tokio::test]
async fn a_lost_certificate_is_voided_by_notice_and_replaced_by_one_that_names_it() {
    let start = china_morning("2026-09-29");
    let app = spawn_app_with(|c| c.clock = zc_domain::Clock::starting_at(start)).await;
    let number = issued_to_zhang_san(&app).await;
    assert_eq!(
        texts(&public_check(&app, &number).await, "#verify-status"),
        ["该证书真实有效。"]
    );

    app.login_applicant().await;
    let (_, doc) = app.get_html("/my/applications").await;
    // 高级 goes to the 职改办 of the committee that grants it, not any office.
    let senior = option(
        &doc,
        "#f-replacement-qualification",
        "工程系列/副高级/高级工程师",
    );
    let nanning = option(&doc, "#f-replacement-office", NANNING);
    let doc = refused_opening(&app, "replacement", &senior, &nanning).await;
    assert_eq!(
        texts(&doc, "#replacement-office-error"),
        [
            "高级职称证书遗失，须向发证机关（评审会所在职改办）申请，请选择：广西壮族自治区职称改革工作领导小组办公室"
        ]
    );
    let junior = option(
        &doc,
        "#f-replacement-qualification",
        "工程系列/助理级/助理工程师",
    );
    let id = open_kind(&app, "replacement", &junior, &nanning).await;

    // Bad input is refused beside its field, everything typed kept.
    let site = app.site();
    let doc = page(save_info(&app, id, "20160210A7", "2026-12").await).await;
    assert_eq!(
        texts(&doc, "#e-rp_info-original_cert_no"),
        ["原证书编号只能是数字（如果没有，可以不填）"]
    );
    assert_eq!(
        attr(&doc, "#f-rp_info-original_cert_no", "value").as_deref(),
        Some("20160210A7")
    );
    assert_eq!(
        attr(&doc, "#f-rp_info-original_major", "value").as_deref(),
        Some("建筑工程")
    );
    let res = save_info(&app, id, &number, "2026-10").await;
    let doc = page(res).await;
    assert_eq!(
        texts(&doc, "#e-rp_info-original_obtained"),
        ["授予时间不能晚于本月（2026年9月）"]
    );

    // Saved without the photo: the page asks for it before the 遗失申明 can be confirmed.
    let res = save_info(&app, id, &number, "2016-07").await;
    assert!(
        location_of(&res).contains("saved=rp_info"),
        "{}",
        location_of(&res)
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/loss-notice"))
        .await;
    assert_eq!(
        texts(&doc, "#not-ready"),
        ["请先上传并确认近期免冠2寸彩色照片（用于制作新证书）"]
    );
    assert!(texts(&doc, "#confirm-notice").is_empty(), "no 确定 yet");
    upload_all(&app, id, "rp_info", &[]).await;
    // Saving 申报信息 now leads to 保存信息确认: the data and the 遗失申明.
    let res = save_info(&app, id, &number, "2016-07").await;
    assert_eq!(
        location_of(&res),
        format!("/my/applications/{id}/loss-notice")
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/loss-notice"))
        .await;
    let facts = texts(&doc, "#loss-confirm dd");
    assert!(facts.contains(&number), "{facts:?}");
    assert!(facts.contains(&"2016-07".to_string()), "{facts:?}");
    assert!(texts(&doc, "#f-notice")[0].starts_with("申明：本人明白"));

    // 确定: the notice runs from today; the old certificate is void at once.
    let res = confirm(&app, id).await;
    assert_eq!(
        location(&res),
        format!("/my/applications/{id}/sections/rp_info?notice=1")
    );
    let check = public_check(&app, &number).await;
    assert_eq!(
        texts(&check, "#verify-status"),
        ["该证书已作废（遗失公示），不能作为取得该资格的证明。"]
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rp_info"))
        .await;
    // Published Tuesday 29 September: 30 September, then after 国庆 (1–7 October) the 8th,
    // 9th, the worked Saturday 10th and Monday 12th.
    assert_eq!(
        texts(&doc, "#loss-notice"),
        [
            "原证书已公示作废：遗失公示 2026-09-29 至 2026-10-12。遗失公示期为5个工作日，至2026年10月12日结束，公示期满后方可报送（2026年10月13日起）"
        ]
    );
    let (_, public) = app.get_html("/publicity?list=lost").await;
    let row = texts(&public, "#loss-notices tbody td");
    assert_eq!(
        row,
        [
            "张*",
            number.as_str(),
            "助理工程师",
            NANNING,
            "2016-07",
            "2026-09-29 至 2026-10-12",
            "声明作废"
        ]
    );

    // Confirmed twice: refused, and the 申报信息 and photo are frozen.
    let doc = page(confirm(&app, id).await).await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["遗失公示已于2026-09-29开始（至2026-10-12结束），不能重复确认"]
    );
    let doc = page(save_info(&app, id, &number, "2015-07").await).await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["遗失公示已于2026-09-29开始，申报信息和照片不能再修改"]
    );
    assert_eq!(
        attr(&doc, "#f-rp_info-original_obtained", "value").as_deref(),
        Some("2015-07")
    );
    // The photo printed on the new certificate stays as confirmed.
    site.upload(id, "photo", vec![picture(900, 1200)]).await;
    let photos: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM application_file WHERE application_id = $1 AND slot = 'photo'")
        .bind(id).fetch_one(p).await)
    .unwrap();
    assert_eq!(photos, 1, "no second photo after the notice");

    // The other pictures; sending is refused until the notice has run, with the date.
    for (slot, n) in [("id_card", 2), ("loss_statement", 1)] {
        let res = site
            .upload(id, slot, (0..n).map(|_| picture(1000, 700)).collect())
            .await;
        assert!(location_of(&res).contains("saved="), "{slot}");
    }
    // Two weeks on, the session has long expired: the person signs in again.
    app.db.clock().set(china_morning("2026-10-12"));
    app.login_applicant().await;
    let doc = html(
        &app.post_form(
            &format!("/my/applications/{id}/submit"),
            &[("token", "rp-1"), ("pledge", "yes")],
        )
        .await
        .text()
        .await
        .unwrap(),
    );
    assert!(
        texts(&doc, ".error-summary li, .field-msg")
            .iter()
            .any(|t| t.contains("至2026年10月12日结束，公示期满后方可报送（2026年10月13日起）")),
        "{:?}",
        texts(&doc, ".error-summary li, .field-msg")
    );
    app.db.clock().set(china_morning("2026-10-13"));
    app.login_applicant().await;
    let (_, public) = app.get_html("/publicity?list=lost").await;
    assert_eq!(
        texts(&public, "#loss-notices tbody td"),
        ["目前没有正在公示的遗失证书。"]
    );
    crate::applications::submit_with(&app, id, "rp-2").await;
    let (_, progress) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&progress, "tbody td[data-label=处理结果及意见]")
            .iter()
            .any(|t| t
                == &format!(
                    "确认遗失申明：遗失公示 2026-09-29 至 2026-10-12，原证书 {number} 声明作废"
                )),
        "the person's confirmation is in their history"
    );

    // The 南宁 职改办 (the issuer) passes it without a fee and issues the replacement.
    let office = passed_by_office(&app, id, "rpoffice").await;
    let res = office
        .post(
            &format!("/office/applications/{id}/issue"),
            &[("doc_number", "南职改〔2026〕88号")],
        )
        .await;
    assert_eq!(location(&res), "/office/certificates");
    let new_number: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT number FROM certificate WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert_ne!(new_number, number);
    let doc = public_check(&app, &new_number).await;
    assert_eq!(texts(&doc, "#verify-status"), ["该证书真实有效。"]);
    assert_eq!(
        texts(&doc, "#verify-original"),
        [format!(
            "补发：原证书编号 {number}（助理工程师，南宁市职称改革工作领导小组办公室授予）已遗失公示作废"
        )]
    );
    let doc = public_check(&app, &number).await;
    assert_eq!(
        texts(&doc, "#verify-replaced"),
        [format!(
            "该证书已遗失公示作废，已补发新证书（编号 {new_number}）"
        )]
    );
}

#[tokio::test]
async fn a_certificate_of_another_office_or_person_is_not_voided_from_here() {
    let app = spawn_app().await;
    let number = issued_to_zhang_san(&app).await;
    app.login_applicant().await;
    // A 评审 under way this year does not hold back a 遗失补办 (nor it the 评审).
    crate::applications::create(&app).await;
    let (_, doc) = app.get_html("/my/applications").await;
    let junior = option(
        &doc,
        "#f-replacement-qualification",
        "工程系列/助理级/助理工程师",
    );
    let liuzhou = option(&doc, "#f-replacement-office", "柳州市");
    let id = open_kind(&app, "replacement", &junior, &liuzhou).await;
    upload_all(&app, id, "rp_info", &[]).await;
    let res = save_info(&app, id, &number, "2016-07").await;
    assert_eq!(
        location_of(&res),
        format!("/my/applications/{id}/loss-notice")
    );
    // Another applicant neither sees nor confirms it.
    let other = spawn_second_browser(&app).await;
    other
        .login_applicant_with(
            &app,
            "lisi@example.com",
            &app.demo_password.clone().unwrap(),
        )
        .await;
    let path = format!("/my/applications/{id}/loss-notice");
    assert_eq!(
        other.get(&path).await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.post(&path, &[]).await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
    // Ours, but issued by 南宁: the person is told where to send it.
    let doc = page(confirm(&app, id).await).await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        [format!(
            "证书 {number} 由南宁市职称改革工作领导小组办公室颁发，遗失补办须向发证机关申请：请先用“报送职改办”改选南宁市职称改革工作领导小组办公室"
        )]
    );
    // Someone else's number: refused without saying whose.
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE certificate SET holder_name = '李四', holder_id = (SELECT MIN(id) FROM account WHERE id NOT IN \
         (SELECT account_id FROM applicant WHERE name = '张三')) WHERE number = $1")
        .bind(&number).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let doc = page(confirm(&app, id).await).await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["原证书编号与您名下的证书不符，请核对后修改申报信息"]
    );
    // Nothing was published or voided.
    let (_, public) = app.get_html("/publicity?list=lost").await;
    assert_eq!(
        texts(&public, "#loss-notices tbody td"),
        ["目前没有正在公示的遗失证书。"]
    );
    let status: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT status FROM certificate WHERE number = $1").bind(&number).fetch_one(p).await)
    .unwrap();
    assert_eq!(status, "valid");
}
