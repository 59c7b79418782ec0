//! 评委会: a meeting gathers the dossiers, draws experts excluding every conflict (and
//! replays its draw), redraws one who refused, experts see only their own group's
//! dossiers, vote once each in secret, the vote needs a quorum, the passed results go on
//! public publicity where an objection can cancel one, and the other ends as a
//! certificate.

use chrono::Duration;
use reqwest::StatusCode;

use crate::{
    committee_dossiers::{meeting_created, secretary_signed_in, two_dossiers},
    expert_pool::{actor, app_minimum, expert, grant, plan_of, signed_in_expert},
    helpers::{html, location, new_client, spawn_app, spawn_second_browser, texts},
};

#[tokio::test]
async fn a_committee_draws_votes_in_secret_publishes_and_an_objection_cancels_one_result() {
    let app = spawn_app().await;
    let (first, second, row) = two_dossiers(&app).await;
    let (committee, series) = (row.committee_id.unwrap(), row.series_id);
    let minimum = app_minimum(row.level_rank);

    // The pool: enough eligible experts, plus one from the applicant's own unit, one who
    // declared a conflict, and the applicant themself.
    let mut eligible = Vec::new();
    for n in 1..=(minimum as u64 + 2) {
        eligible.push(expert(&app, n, None, series, "建筑工程").await);
    }
    let same_unit = expert(&app, 90, Some(row.unit_id), series, "建筑工程").await;
    let declared = expert(&app, 91, None, series, "建筑工程").await;
    let mut tx = app.db.begin_write().await.unwrap();
    zc_db::meetings::insert_recusal(&mut tx, declared, row.applicant_id, "近亲属")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    grant(&app, row.applicant_id, series, "建筑工程").await;
    let excluded = [same_unit, declared, row.applicant_id];

    // Committee staff create the meeting and gather both dossiers.
    let staff = secretary_signed_in(&app, committee).await;
    let plan: i64 = plan_of(&app, committee, row.year).await;
    let held = (chrono::Utc::now() + Duration::hours(8))
        .date_naive()
        .to_string();
    let res = staff
        .post(
            "/committee/meetings",
            &[
                ("plan_id", &plan.to_string()),
                ("name", ""),
                ("held_on", &held),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#name-error"), ["请填写会议名称（2–60个字）"]);
    let meeting_path = meeting_created(&staff, plan, &held).await;
    let meeting: i64 = meeting_path.rsplit('/').next().unwrap().parse().unwrap();
    staff.post(&format!("{meeting_path}/gather"), &[]).await;
    for id in [first, second] {
        assert_eq!(
            zc_db::applications::find(&app.db, id)
                .await
                .unwrap()
                .unwrap()
                .status
                .code(),
            "under_review"
        );
    }

    // An even count is refused; the minimum count draws, excluding every conflict.
    let doc = html(
        &staff
            .post(
                &format!("{meeting_path}/draw"),
                &[
                    ("specialty", "建筑工程"),
                    ("count", &(minimum + 1).to_string()),
                ],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#refusal"), ["抽取人数应为单数"]);
    staff
        .post(
            &format!("{meeting_path}/draw"),
            &[("specialty", "建筑工程"), ("count", &minimum.to_string())],
        )
        .await;
    let members = zc_db::meetings::members(&app.db, meeting).await.unwrap();
    assert_eq!(members.len(), minimum as usize);
    for m in &members {
        assert!(
            !excluded.contains(&m.expert_id),
            "{} drawn despite a conflict",
            m.name
        );
        assert!(eligible.contains(&m.expert_id));
    }
    let doc = html(&staff.get(&meeting_path).await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#draw-log .replay"),
        ["重算一致"],
        "the draw replays from its seed"
    );

    // An expert not drawn, or drawn but not yet confirmed, cannot open a dossier.
    let undrawn_n = (1..=(minimum as u64 + 2))
        .find(|n| {
            !members
                .iter()
                .any(|m| m.expert_id == eligible[*n as usize - 1])
        })
        .unwrap();
    let outsider = signed_in_expert(&app, undrawn_n).await;
    let dossier_path = format!("/my/expert/meetings/{meeting}/dossiers/{first}");
    assert_eq!(
        outsider.get(&dossier_path).await.status(),
        StatusCode::NOT_FOUND
    );

    // The first drawn expert refuses; a redraw brings in the next one, logged and replayable.
    let n_of = |id: i64| eligible.iter().position(|e| *e == id).unwrap() as u64 + 1;
    let refuser = members[0].expert_id;
    let b = signed_in_expert(&app, n_of(refuser)).await;
    b.post(
        &format!("/my/expert/meetings/{meeting}/answer"),
        &[("accept", "0")],
    )
    .await;
    staff
        .post(
            &format!("{meeting_path}/redraw"),
            &[("expert_id", &refuser.to_string())],
        )
        .await;
    let members = zc_db::meetings::members(&app.db, meeting).await.unwrap();
    let seated: Vec<i64> = members
        .iter()
        .filter(|m| m.status.code() == "invited")
        .map(|m| m.expert_id)
        .collect();
    assert_eq!(
        seated.len(),
        minimum as usize,
        "one replaced, one brought in"
    );
    assert!(seated.iter().all(|id| !excluded.contains(id)));
    let doc = html(&staff.get(&meeting_path).await.text().await.unwrap());
    assert_eq!(texts(&doc, "#draw-log .replay"), ["重算一致", "重算一致"]);

    // The experts confirm; one reads the dossier, writes an opinion, and a bad score is refused.
    for id in &seated {
        zc_services::expert_work::answer(&app.db, actor(*id), meeting, true)
            .await
            .unwrap();
    }
    let reader = signed_in_expert(&app, n_of(seated[0])).await;
    let doc = html(&reader.get("/messages").await.text().await.unwrap());
    assert!(
        texts(&doc, ".message-list h2 a").contains(&"评审邀请：第一次评审会议".to_string()),
        "the drawn expert is invited through the 消息中心"
    );
    let res = reader.get(&dossier_path).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = reader
        .post(
            &dossier_path,
            &[
                ("opinion", "业绩突出，材料真实完整，同意通过。"),
                ("score", "120"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#score-error"), ["评分应为0到100之间的整数"]);
    assert_eq!(
        texts(&doc, "#f-opinion"),
        ["业绩突出，材料真实完整，同意通过。"]
    );
    let res = reader
        .post(
            &dossier_path,
            &[
                ("opinion", "业绩突出，材料真实完整，同意通过。"),
                ("score", "88"),
            ],
        )
        .await;
    assert_eq!(location(&res), dossier_path);

    // An expert whose term in the pool has ended reads nothing more.
    let term_end: chrono::NaiveDate = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT term_end FROM expert WHERE account_id = $1").bind(seated[0]).fetch_one(p).await)
    .unwrap();
    let set_term_end = |d: chrono::NaiveDate| {
        let db = app.db.clone();
        let id = seated[0];
        async move {
            zc_db::with_pool!(&db, p => sqlx::query("UPDATE expert SET term_end = $1 WHERE account_id = $2")
                .bind(d).bind(id).execute(p).await.map(|_| ()))
            .unwrap();
        }
    };
    set_term_end(chrono::NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()).await;
    assert_eq!(
        reader.get(&dossier_path).await.status(),
        StatusCode::NOT_FOUND
    );
    set_term_end(term_end).await;
    assert_eq!(reader.get(&dossier_path).await.status(), StatusCode::OK);

    // Staff read the opinions (they are not secret; the ballots are).
    let doc = html(&staff.get(&meeting_path).await.text().await.unwrap());
    assert_eq!(texts(&doc, "#opinions td[data-label=评分]"), ["88"]);
    // Without a quorum the vote does not open; with everyone confirmed it does.
    let too_few = (minimum as usize * 2).div_ceil(3) - 1;
    let mut fields: Vec<(&str, String)> = seated[..too_few]
        .iter()
        .map(|id| ("present", id.to_string()))
        .collect();
    let res = staff
        .post(
            &format!("{meeting_path}/open-vote"),
            &fields
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(
        texts(&doc, "#refusal")[0].contains("不足抽取专家"),
        "no quorum"
    );
    fields = seated
        .iter()
        .map(|id| ("present", id.to_string()))
        .collect();
    staff
        .post(
            &format!("{meeting_path}/open-vote"),
            &fields
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;

    // The vote is open: opinions are frozen, and a change is refused beside the field.
    let res = reader
        .post(
            &dossier_path,
            &[
                ("opinion", "改变主意：材料有疑点，建议不通过。"),
                ("score", "40"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#opinion-error"),
        ["表决已开始，评审意见和评分不能再修改"]
    );
    assert_eq!(
        zc_db::meetings::opinion(&app.db, meeting, first, seated[0])
            .await
            .unwrap()
            .map(|(_, s)| s),
        Some(88)
    );
    let refused: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'expert.opinion' AND result = 'refused'")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(refused, 1, "the refused change is audited");

    // Every present expert votes once: all agree on both but two disagree on the second —
    // still two thirds. The reader votes through the page, and a second ballot is refused.
    let res = reader
        .post(
            &format!("/my/expert/meetings/{meeting}/ballot"),
            &[
                (&format!("choice_{first}") as &str, "agree"),
                (&format!("choice_{second}"), "disagree"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my/expert");
    let doc = html(
        &reader
            .post(
                &format!("/my/expert/meetings/{meeting}/ballot"),
                &[(&format!("choice_{first}") as &str, "disagree")],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#refusal")[0].contains("每件申报只能投一次"));
    for (i, id) in seated.iter().enumerate().skip(1) {
        let on_second = if i == 1 { "disagree" } else { "agree" };
        zc_services::expert_work::vote(
            &app.db,
            &app.vault,
            actor(*id),
            meeting,
            &[(first, "agree".into()), (second, on_second.into())],
        )
        .await
        .unwrap();
    }
    // While the vote is open, staff see how many have voted, never a running count; the
    // choices wait sealed: nothing readable, nothing in `ballot`.
    let doc = html(&staff.get(&meeting_path).await.text().await.unwrap());
    let tallies = texts(&doc, "#agenda .tally");
    assert!(
        tallies.iter().all(|t| t.starts_with("已投票")),
        "{tallies:?}"
    );
    crate::ballot_secrecy::sealed_while_voting(&app, meeting, seated.len() * 2).await;
    let ballot_columns: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        if matches!(app.db, zc_db::Db::Sqlite(..)) { "SELECT name FROM pragma_table_info('ballot')" }
        else { "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'ballot'" })
        .fetch_all(p).await).unwrap();
    let mut ballot_columns = ballot_columns;
    ballot_columns.sort();
    assert_eq!(
        ballot_columns,
        ["application_id", "choice", "id", "meeting_id"],
        "a ballot has no voter and no time"
    );
    // While the experts vote, the results cannot be published nor a panel redrawn: the
    // page offers neither, and a form posted anyway is refused on the page.
    let doc = html(&staff.get(&meeting_path).await.text().await.unwrap());
    assert!(texts(&doc, &format!("form[action='{meeting_path}/publish']")).is_empty());
    assert!(texts(&doc, &format!("form[action='{meeting_path}/redraw']")).is_empty());
    let doc = html(
        &staff
            .post(&format!("{meeting_path}/publish"), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#refusal"),
        ["会议尚未结束表决，不能公示评审结果"]
    );
    let doc = html(
        &staff
            .post(
                &format!("{meeting_path}/redraw"),
                &[("expert_id", &refuser.to_string())],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#refusal"), ["会议已开始表决，不能再抽取专家"]);
    let publicised: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM result_publicity").fetch_one(p).await)
    .unwrap();
    assert_eq!(publicised, 0);
    staff.post(&format!("{meeting_path}/close-vote"), &[]).await;
    crate::ballot_secrecy::opened_in_one_transaction(&app, meeting).await;
    let doc = html(&staff.get(&meeting_path).await.text().await.unwrap());
    let tallies = texts(&doc, "#agenda .tally");
    assert!(tallies.iter().all(|t| t.starts_with("同意")), "{tallies:?}");
    // The vote is over: the experts' access to the dossiers ends with it.
    assert_eq!(
        reader.get(&dossier_path).await.status(),
        StatusCode::NOT_FOUND
    );
    for id in [first, second] {
        assert_eq!(
            zc_db::applications::find(&app.db, id)
                .await
                .unwrap()
                .unwrap()
                .status
                .code(),
            "review_passed"
        );
    }

    // Publicity: both on the public list, names masked.
    staff.post(&format!("{meeting_path}/publish"), &[]).await;
    let public = new_client();
    let doc = html(
        &public
            .get(app.url("/publicity"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let names = texts(&doc, "tbody td[data-label=姓名]");
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"张*".to_string()), "{names:?}");
    // An objection needs a real name, a mobile and facts; a valid one is recorded.
    let objection_path = app.url(&format!("/publicity/{second}/objection"));
    let token = {
        let doc = html(
            &public
                .get(&objection_path)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        crate::helpers::attr(&doc, "input[name=_csrf]", "value").unwrap()
    };
    let res = public
        .post(&objection_path)
        .form(&[
            ("_csrf", token.as_str()),
            ("name", "王"),
            ("phone", "123"),
            ("body", "有问题"),
        ])
        .send()
        .await
        .unwrap();
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#phone-error"),
        ["手机号码应为以1开头的11位数字"]
    );
    assert_eq!(
        texts(&doc, "#body-error"),
        ["请写明异议的事实和理由（10–2000个字）"]
    );
    let res = public
        .post(&objection_path)
        .form(&[
            ("_csrf", token.as_str()),
            ("name", "王明"),
            ("phone", "13977001234"),
            ("body", "该申报人提交的业绩证明与实际承担项目不符，请核查。"),
        ])
        .send()
        .await
        .unwrap();
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#objection-done").len(), 1);
    // Staff uphold it: the result is cancelled and leaves the public list.
    let objection: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM objection WHERE application_id = $1").bind(second).fetch_one(p).await)
    .unwrap();
    let res = staff
        .post(
            &format!("/committee/objections/{objection}/resolve"),
            &[
                ("upheld", "1"),
                ("resolution", "经核查业绩证明不实，取消评审结果"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/committee/publicity");
    assert_eq!(
        zc_db::applications::find(&app.db, second)
            .await
            .unwrap()
            .unwrap()
            .status
            .code(),
        "disqualified"
    );
    let doc = html(
        &public
            .get(app.url("/publicity"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "tbody td[data-label=姓名]").len(), 1);
    // The 评审结果公示表 to post lists the remaining result with the full name.
    let res = staff.get("/committee/publicity.pdf").await;
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let sheet = zc_docs::pdf::read_back::text_of(&res.bytes().await.unwrap()).unwrap();
    assert!(sheet.contains("评审结果公示表"), "{sheet}");
    assert!(sheet.contains("张三"), "{sheet}");
    assert!(sheet.contains("以下1名同志"), "{sheet}");
    // The 职改办 posts the same result from 报表下载.
    let office = crate::unit_review::office_staff_for(&app, first, "gongshi").await;
    let doc = html(&office.get("/exports").await.text().await.unwrap());
    assert_eq!(
        crate::helpers::attrs(&doc, "#sheets a", "href"),
        ["/office/publicity.pdf"]
    );
    let res = office.get("/office/publicity.pdf").await;
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let sheet = zc_docs::pdf::read_back::text_of(&res.bytes().await.unwrap()).unwrap();
    assert!(
        sheet.contains("张三") && sheet.contains("评审结果公示表"),
        "{sheet}"
    );

    // The other result waits for its period; once over, it goes to the 职改办 and is issued.
    let end = format!("/committee/publicity/{first}/end");
    let doc = html(&staff.post(&end, &[]).await.text().await.unwrap());
    assert!(texts(&doc, "#refusal")[0].contains("期满后才能提交确认"));
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE result_publicity SET ends_on = $2 WHERE application_id = $1")
        .bind(first).bind(app.db.today() - Duration::days(1))
        .execute(p).await.map(|_| ())).unwrap();
    // The platform's sweep ends it (the staff button does the same by hand).
    assert_eq!(
        zc_services::result_publicity::end_due(&app.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        zc_db::applications::find(&app.db, first)
            .await
            .unwrap()
            .unwrap()
            .status
            .code(),
        "awaiting_confirmation"
    );
    let doc = html(&staff.post(&end, &[]).await.text().await.unwrap());
    assert!(
        texts(&doc, "#refusal")[0].contains("状态已经变化"),
        "ended once"
    );
    let office = spawn_second_browser(&app).await;
    let res = office
        .post(
            "/login",
            &[
                ("login_name", "chushen"),
                ("password", "Office-Review-2026"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office");
    let res = office
        .post(
            &format!("/office/applications/{first}/issue"),
            &[("doc_number", "桂职改〔2026〕30号")],
        )
        .await;
    assert_eq!(location(&res), "/office/certificates");
    let (_, doc) = app
        .get_html(&format!("/my/applications/{first}/progress"))
        .await;
    let steps = texts(&doc, "tbody td[data-label=业务步骤]");
    for step in ["评委会评审", "评审结果公示", "发文确认"] {
        assert!(steps.iter().any(|s| s == step), "{step} in {steps:?}");
    }
}
