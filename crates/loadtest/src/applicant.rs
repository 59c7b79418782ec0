//! 申报人 at the deadline: each simulated applicant signs in as a seeded person with no
//! dossier yet, creates one, fills every section (each save is the form's autosave),
//! uploads pictures, looks at the home page in between, then presses 同意并报送. One in
//! ten withdraws afterwards (撤回). Then the browser signs out and the next person sits down.
//!
//! Every acknowledged submission (the answer that sends the person to the progress page)
//! is written to the acknowledgement file, so a run with a crash in the middle can check
//! afterwards that none was lost.

use goose::prelude::*;
use zc_domain::application::sample::{BASIC_FIELDS, PARTS};

use crate::{
    browse::{attr_in, csrf_in, open_browser, page, person, send, stuck, upload},
    plan,
};

/// The scenario, weighted as applicants are among deadline-day traffic. `straight`
/// applicants do nothing but create, fill, upload and submit, one dossier after another:
/// the last hours before a deadline, measured as submissions per second.
pub fn scenario(weight: usize, straight: bool) -> Result<Scenario, GooseError> {
    let people = scenario!("applicants")
        .set_weight(weight)?
        .set_wait_time(plan().pause_min, plan().pause_max)?
        .register_transaction(transaction!(open_browser).set_on_start().set_sequence(1))
        .register_transaction(transaction!(sign_in).set_on_start().set_sequence(2));
    if straight {
        return Ok(people.register_transaction(
            transaction!(one_dossier)
                .set_name("fill in and submit")
                .set_sequence(3),
        ));
    }
    Ok(people
        // At the peak most applicants are still filling in: about one 报送 for every
        // hundred steps and twenty pictures (3,000 submissions and 17 photos a second in a
        // 400 req/s hour, with the public and reviewers making up the rest).
        .register_transaction(
            transaction!(dashboard)
                .set_name("applicant home")
                .set_weight(30)?,
        )
        .register_transaction(
            transaction!(read)
                .set_name("read a section")
                .set_weight(30)?,
        )
        .register_transaction(transaction!(work).set_name("fill in").set_weight(40)?)
        .register_transaction(transaction!(submit).set_name("submit").set_weight(1)?))
}

/// Upload slots people add to while filling in, beyond the required ones.
const EXTRA_SLOTS: [&str; 6] = [
    "qualification",
    "training",
    "experience",
    "award",
    "publication",
    "other",
];

/// Signs in as the next seeded person who has not applied yet.
async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    let number = plan().next_applicant();
    person(user).number = number;
    let html = page(user, "/my/login", "sign-in page").await?;
    person(user).csrf = csrf_in(&html).ok_or_else(|| stuck("no CSRF token"))?;
    let email = format!("seed{number}@example.test");
    let password = plan().password.clone();
    send(
        user,
        "/my/login",
        "sign in",
        &[("identifier", &email), ("password", &password)],
        |to| to == "/my",
    )
    .await?;
    dashboard(user).await
}

/// 首页: the person's home page with their dossier's state and messages.
async fn dashboard(user: &mut GooseUser) -> TransactionResult {
    let html = page(user, "/my", "applicant home").await?;
    if let Some(token) = csrf_in(&html) {
        person(user).csrf = token;
    }
    Ok(())
}

/// A section of the dossier, read back as people check what they saved.
async fn read(user: &mut GooseUser) -> TransactionResult {
    let Some(id) = person(user).dossier else {
        return dashboard(user).await;
    };
    let section =
        ["basic", "education", "experience", "achievements"][person(user).saves as usize % 4];
    page(
        user,
        &format!("/my/applications/{id}/sections/{section}"),
        "a section",
    )
    .await
    .map(|_| ())
}

/// One sitting at the forms: the first creates and fills the whole dossier; later ones
/// save a section again or add a picture, as people do while they check their work.
async fn work(user: &mut GooseUser) -> TransactionResult {
    let Some(id) = person(user).dossier else {
        return create_and_fill(user).await;
    };
    let base = format!("/my/applications/{id}");
    // One save in four adds a picture, to the optional slots in turn (each holds at least
    // ten): about twenty pictures a dossier, as the peak hour's 17 photos a second suggest.
    let saves = person(user).saves;
    // Past forty-eight pictures the slots fill up (ten each), and people stop adding.
    if saves % 4 == 3 && saves / 4 < 48 {
        let slot = EXTRA_SLOTS[(saves / 4) as usize % EXTRA_SLOTS.len()];
        let picture = plan().picture.clone();
        upload(user, id, slot, &picture, |to| to.contains("saved=")).await?;
    } else {
        send(
            user,
            &format!("{base}/parts/exams"),
            "autosave a section",
            &[("language", "不作要求"), ("computer", "不作要求")],
            |to| to.contains("saved="),
        )
        .await?;
    }
    person(user).saves += 1;
    Ok(())
}

async fn create_and_fill(user: &mut GooseUser) -> TransactionResult {
    let html = page(user, "/my/applications", "my applications").await?;
    let choice = attr_in(&html, "input[name=choice]", "value")
        .ok_or_else(|| stuck("no committee open for applications"))?;
    let to = send(
        user,
        "/my/applications",
        "create a dossier",
        &[("choice", &choice)],
        |to| to.ends_with("/sections/basic"),
    )
    .await?;
    let id: i64 = to
        .trim_start_matches("/my/applications/")
        .split('/')
        .next()
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| stuck("no dossier id"))?;
    person(user).dossier = Some(id);
    person(user).saves = 0;
    let base = format!("/my/applications/{id}");
    page(user, &format!("{base}/sections/basic"), "a section").await?;
    let basic = [("basic", BASIC_FIELDS)];
    for (part, fields) in basic.iter().chain(PARTS) {
        send(
            user,
            &format!("{base}/parts/{part}"),
            "autosave a section",
            fields,
            |to| to.contains("saved="),
        )
        .await?;
    }
    send(
        user,
        &format!("{base}/summary"),
        "save the summary",
        &[(
            "summary",
            "本人从事建筑施工技术工作十五年。\n主持完成多项工程。",
        )],
        |to| to.contains("saved="),
    )
    .await?;
    let picture = plan().picture.clone();
    let crop = upload(user, id, "photo", &picture, |to| to.ends_with("/crop")).await?;
    send(user, &crop, "confirm the photo", &[], |to| {
        to.contains("saved=photo")
    })
    .await?;
    for slot in ["diploma", "achievement"] {
        upload(user, id, slot, &picture, |to| to.contains("saved=")).await?;
    }
    Ok(())
}

/// A straight applicant's whole visit: create, fill, submit. Whatever stops it part way
/// (a refusal, a server that is down), the browser signs out and the next person sits
/// down, so no simulated person is left repeating a step that cannot succeed.
async fn one_dossier(user: &mut GooseUser) -> TransactionResult {
    let done = match create_and_fill(user).await {
        Ok(()) => submit(user).await,
        Err(e) => Err(e),
    };
    if done.is_err() {
        let _ = send(user, "/logout", "sign out", &[], |_| true).await;
        person(user).dossier = None;
        sign_in(user).await?;
    }
    done
}

/// 同意并报送 once the dossier is filled, then (one in ten) 撤回; then the next person.
async fn submit(user: &mut GooseUser) -> TransactionResult {
    let Some(id) = person(user).dossier else {
        return Ok(());
    };
    let base = format!("/my/applications/{id}");
    let html = page(user, &format!("{base}/submit"), "submit page").await?;
    let token =
        attr_in(&html, "input[name=token]", "value").ok_or_else(|| stuck("not ready to submit"))?;
    let progress = format!("{base}/progress?submitted=1");
    send(
        user,
        &format!("{base}/submit"),
        "同意并报送",
        &[("token", &token), ("pledge", "yes")],
        |to| to == progress,
    )
    .await?;
    plan().acknowledge("submitted", id);
    page(user, &progress, "progress").await?;
    if id % 10 == 0 {
        // The list page, saying the withdrawal succeeded (您的职称评审申报已成功撤回!).
        send(user, &format!("{base}/withdraw"), "撤回", &[], |to| {
            to == format!("/my/applications?withdrawn={id}")
        })
        .await?;
        plan().acknowledge("withdrawn", id);
    }
    send(user, "/logout", "sign out", &[], |_| true).await?;
    person(user).dossier = None;
    sign_in(user).await
}
