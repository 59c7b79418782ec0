//! 审核人员 at the deadline: staff sign in with password and 动态口令, then work their
//! queue as people do: a tab, a filter by series, 下一页 deep into it, and a dossier opened.

use std::time::Duration;

use goose::prelude::*;
use rand::seq::IndexedRandom;

use crate::{
    browse::{attr_in, attrs_in, csrf_in, hidden_fields, open_browser, page, person, send, stuck},
    plan,
};

/// The scenario, weighted as reviewers are among deadline-day traffic.
pub fn scenario(weight: usize) -> Result<Scenario, GooseError> {
    Ok(scenario!("reviewers")
        .set_weight(weight)?
        .set_wait_time(plan().pause_min, plan().pause_max)?
        .register_transaction(transaction!(open_browser).set_on_start().set_sequence(1))
        .register_transaction(transaction!(sign_in).set_on_start().set_sequence(2))
        .register_transaction(transaction!(queue).set_name("review queue").set_weight(3)?)
        .register_transaction(
            transaction!(dossier)
                .set_name("open a dossier")
                .set_weight(2)?,
        )
        .register_transaction(transaction!(decide).set_name("decide").set_weight(1)?))
}

/// The staff account this reviewer signed in with.
fn staff(user: &mut GooseUser) -> Option<crate::Staff> {
    let all = &plan().staff;
    let n = person(user).number as usize;
    (!all.is_empty()).then(|| all[n % all.len()].clone())
}

/// Takes the next staff account in turn: one reviewer per account as long as there are
/// enough (a 动态口令 counts once per step and account).
async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    let turn = plan().next_staff();
    person(user).number = turn;
    let who = staff(user).ok_or_else(|| stuck("no staff accounts given (LOADTEST_STAFF)"))?;
    // Colleagues sharing an account sign in a code step apart: a code counts once per step,
    // and wrong codes count towards locking the account.
    let round = turn / plan().staff.len() as u64;
    tokio::time::sleep(Duration::from_secs(31 * round)).await;
    let html = page(user, "/login", "sign-in page").await?;
    person(user).csrf = csrf_in(&html).ok_or_else(|| stuck("no CSRF token"))?;
    let password = plan().password.clone();
    send(
        user,
        "/login",
        "sign in",
        &[("login_name", &who.login), ("password", &password)],
        |to| to == "/login/totp",
    )
    .await?;
    // A code counts once per 30-second step and account: a colleague signing in with the
    // same account in this step waits for the next code, as a person would.
    for attempt in 0..3 {
        let code = who.code().map_err(|e| stuck(&e.to_string()))?;
        let landed = send(
            user,
            "/login/totp",
            "动态口令",
            &[("code", &code)],
            |to| !to.starts_with("/login"),
        )
        .await;
        match landed {
            Ok(_) => break,
            Err(_) if attempt < 2 => tokio::time::sleep(Duration::from_secs(31)).await,
            Err(e) => return Err(e),
        }
    }
    let html = page(user, &who.desk, "review queue").await?;
    if let Some(token) = csrf_in(&html) {
        person(user).csrf = token;
    }
    Ok(())
}

/// A tab of the queue, filtered by a series when the form offers one, then 下一页.
async fn queue(user: &mut GooseUser) -> TransactionResult {
    let desk = staff(user).map(|s| s.desk).unwrap_or_default();
    let html = page(user, &desk, "review queue").await?;
    let tabs = attrs_in(&html, "nav a[href*='status=']", "href");
    let tab = tabs
        .choose(&mut rand::rng())
        .cloned()
        .unwrap_or_else(|| desk.clone());
    let html = page(user, &tab, "review queue").await?;
    let series = attrs_in(&html, "select[name=series] option", "value");
    let chosen = series.iter().filter(|v| !v.is_empty()).collect::<Vec<_>>();
    let series = chosen.choose(&mut rand::rng()).map(|s| s.to_string());
    let html = match series {
        Some(s) => {
            page(
                user,
                &format!("{tab}&series={s}"),
                "queue filtered by series",
            )
            .await?
        }
        None => html,
    };
    if let Some(next) = attr_in(&html, "a[href*='after=']", "href") {
        page(user, &next.replace("&amp;", "&"), "queue 下一页").await?;
    }
    Ok(())
}

/// One dossier from the first page of the queue, as a reviewer opens it to read.
async fn dossier(user: &mut GooseUser) -> TransactionResult {
    let desk = staff(user).map(|s| s.desk).unwrap_or_default();
    let html = page(user, &desk, "review queue").await?;
    let links = attrs_in(&html, "td a[href*='/applications/']", "href");
    let link = links.choose(&mut rand::rng()).cloned();
    if let Some(link) = link {
        page(user, &link, "a dossier").await?;
    }
    Ok(())
}

/// Work done, as reviewers do it in turn: at a unit, one dossier 退回 with its section
/// and reason (一次性告知); elsewhere five dossiers passed together (批量办理).
async fn decide(user: &mut GooseUser) -> TransactionResult {
    let tab = staff(user).map(|s| s.desk).unwrap_or_default();
    let desk = tab.split('?').next().unwrap_or_default().to_string();
    let html = page(user, &tab, "review queue").await?;
    if desk.starts_with("/unit") {
        // Any line, not the first: two colleagues at one unit would otherwise take the same
        // dossier and the second be told it was already handled.
        let links = attrs_in(&html, "td a[href*='/applications/']", "href");
        let Some(link) = links.choose(&mut rand::rng()).cloned() else {
            return Ok(());
        };
        page(user, &link, "a dossier").await?;
        let back = format!("{desk}?");
        send(
            user,
            &format!("{link}/decision"),
            "退回",
            &[
                ("decision", "return"),
                ("section", "basic"),
                ("reason_basic", "联系电话与档案记载不一致，请核对后重新填写"),
            ],
            |to| to.starts_with(&back),
        )
        .await?;
        return Ok(());
    }
    let ids = attrs_in(&html, "form#batch input[name=ids]", "value");
    if ids.is_empty() {
        return Ok(());
    }
    let hidden = hidden_fields(&html, "form#batch");
    let mut fields: Vec<(&str, &str)> = hidden
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    fields.extend(ids.iter().take(5).map(|id| ("ids", id.as_str())));
    fields.push(("opinion", "材料齐全，初审通过"));
    let back = format!("{desk}?");
    send(
        user,
        &format!("{desk}/batch"),
        "批量办理",
        &fields,
        |to| to.starts_with(&back),
    )
    .await?;
    Ok(())
}
