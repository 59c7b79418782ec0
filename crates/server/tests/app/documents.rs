//! 报表下载 — the PDFs people download: the applicant's 申报表 and certificate from
//! `/my/downloads`, the same 申报表 from the unit's and the 职改办's desks, and the unit's
//! 公示表. Each file parses, names the person, and its download is in the audit log; a
//! certificate without a photo is refused with a reason instead of a broken file.

use reqwest::StatusCode;

use crate::{
    delivery::issued,
    helpers::{TestApp, attr, html, spawn_app, spawn_second_browser, texts},
    replacement::issued_to_zhang_san,
};

fn text_of(pdf: &[u8]) -> String {
    zc_docs::pdf::read_back::text_of(pdf).expect("a PDF that parses")
}

async fn pdf_of(res: reqwest::Response) -> Vec<u8> {
    assert_eq!(res.status(), StatusCode::OK, "{}", res.url());
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=")
    );
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    res.bytes().await.unwrap().to_vec()
}

async fn downloads_audited(app: &TestApp, object: &str) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'document.download' AND object = $1")
        .bind(object).fetch_one(p).await)
    .unwrap()
}

#[tokio::test]
async fn an_applicant_downloads_their_form_and_certificate_and_reviewers_the_form() {
    let app = spawn_app().await;
    let (id, cert, number, office) = issued(&app, "docs").await;

    let (status, doc) = app.get_html("/my/downloads").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        attr(&doc, &format!("#form-{id}"), "href"),
        Some(format!("/my/applications/{id}/form.pdf"))
    );
    assert_eq!(
        attr(&doc, &format!("#certificate-{cert}"), "href"),
        Some(format!("/my/certificates/{cert}/certificate.pdf"))
    );
    assert_eq!(texts(&doc, "nav a[aria-current=page]"), ["报表下载"]);

    let form = pdf_of(app.get(&format!("/my/applications/{id}/form.pdf")).await).await;
    let text = text_of(&form);
    assert!(text.contains("专业技术资格认定表"), "{text}");
    assert!(text.contains("张三"), "{text}");
    assert!(text.contains(&format!("{id:06}")), "份号 {text}");
    assert!(text.contains("职改办意见"), "{text}");
    assert_eq!(
        downloads_audited(&app, &format!("application:{id}")).await,
        1
    );

    let certificate = pdf_of(
        app.get(&format!("/my/certificates/{cert}/certificate.pdf"))
            .await,
    )
    .await;
    let text = text_of(&certificate);
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("张三"), "{text}");
    assert_eq!(
        downloads_audited(&app, &format!("certificate:{cert}")).await,
        1
    );

    // The 职改办 that decided it downloads the same form from its desk.
    let from_office = pdf_of(
        office
            .get(&format!("/office/applications/{id}/form.pdf"))
            .await,
    )
    .await;
    assert!(text_of(&from_office).contains("张三"));
    assert_eq!(
        downloads_audited(&app, &format!("application:{id}")).await,
        2
    );

    // So does the unit, which also prints its 公示表.
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    let from_unit = pdf_of(unit.get(&format!("/unit/applications/{id}/form.pdf")).await).await;
    assert!(text_of(&from_unit).contains("张三"));
    let sheet = pdf_of(unit.get("/unit/publicity.pdf").await).await;
    assert!(text_of(&sheet).contains("职称申报内部公示表"));
}

#[tokio::test]
async fn a_certificate_without_a_photo_is_refused_with_a_reason() {
    let app = spawn_app().await;
    let number = issued_to_zhang_san(&app).await;
    let cert = zc_db::certificates::by_number(&app.db, &number)
        .await
        .unwrap()
        .unwrap();
    app.login_applicant().await;
    let res = app
        .get(&format!("/my/certificates/{}/certificate.pdf", cert.id))
        .await;
    assert_ne!(res.status(), StatusCode::OK);
    let doc = html(&res.text().await.unwrap());
    let said = doc.root_element().text().collect::<String>();
    assert!(
        said.contains("没有二寸免冠照片，无法生成证书文件"),
        "{said}"
    );
}

#[tokio::test]
async fn a_meeting_bundle_is_written_in_the_background_and_listed_with_the_exports() {
    use crate::{
        committee_dossiers::{meeting_created, secretary_signed_in, two_dossiers},
        expert_pool::plan_of,
        helpers::location,
        review_queue::newest_export,
    };
    let app = spawn_app().await;
    let (first, second, row) = two_dossiers(&app).await;
    let committee = row.committee_id.unwrap();
    let staff = secretary_signed_in(&app, committee).await;
    let plan = plan_of(&app, committee, row.year).await;
    let meeting = meeting_created(&staff, plan, &app.db.today().to_string()).await;

    // Before any dossier is on the agenda there is nothing to bundle: said on the page.
    let doc = html(
        &staff
            .post(&format!("{meeting}/bundle"), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#refusal")[0].contains("还没有加入申报"));

    staff.post(&format!("{meeting}/gather"), &[]).await;
    let res = staff.post(&format!("{meeting}/bundle"), &[]).await;
    assert_eq!(location(&res), "/exports");
    let (export, bytes) = newest_export(&staff).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with(&format!("{:06}-", first.min(second))));
    for i in 0..2 {
        let mut pdf = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_index(i).unwrap(), &mut pdf).unwrap();
        assert!(text_of(&pdf).contains("专业技术资格评审表"));
    }
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action IN ('export.meeting_bundle', 'export.download') AND object = $1")
        .bind(format!("export:{export}")).fetch_one(p).await)
    .unwrap();
    assert_eq!(audited, 2, "the request and the download");
}
