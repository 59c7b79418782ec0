//! The public at the deadline: the home page, 证书查询 by number and the 公示 lists,
//! all without signing in.

use goose::prelude::*;
use rand::Rng;

use crate::{browse::open_browser, browse::page, plan};

/// The scenario, weighted as anonymous visitors are among deadline-day traffic.
pub fn scenario(weight: usize) -> Result<Scenario, GooseError> {
    Ok(scenario!("public")
        .set_weight(weight)?
        .set_wait_time(plan().pause_min, plan().pause_max)?
        .register_transaction(transaction!(open_browser).set_on_start())
        .register_transaction(transaction!(home).set_name("home").set_weight(3)?)
        .register_transaction(transaction!(verify).set_name("证书查询").set_weight(2)?)
        .register_transaction(transaction!(publicity).set_name("公示").set_weight(1)?))
}

/// Each visit is another visitor: deadline-day readers are many people reading a page or
/// two, not one address asking again and again (which the rate limits stop).
fn next_visitor(user: &mut GooseUser) {
    let mut rng = rand::rng();
    crate::browse::person(user).address = format!(
        "172.{}.{}.{}",
        rng.random_range(16..32),
        rng.random_range(0..256),
        rng.random_range(1..255)
    );
}

async fn home(user: &mut GooseUser) -> TransactionResult {
    next_visitor(user);
    page(user, "/", "home").await.map(|_| ())
}

/// A number as people type them: mostly unknown ones (a page that says so is still a 200).
async fn verify(user: &mut GooseUser) -> TransactionResult {
    next_visitor(user);
    let number: u64 = rand::rng().random_range(10_000_000_000..99_999_999_999);
    page(user, &format!("/verify?number={number}"), "证书查询")
        .await
        .map(|_| ())
}

async fn publicity(user: &mut GooseUser) -> TransactionResult {
    next_visitor(user);
    page(user, "/publicity", "公示").await.map(|_| ())
}
