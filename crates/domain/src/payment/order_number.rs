//! 订单号 — the seed's order number: `dl` + yyyyMMddHHmmss (China time) + a three-digit
//! sequence, e.g. `dl20190327103219613`. The sequence comes from the database, so numbers
//! made in the same second on several servers still differ; past 999 in one second the
//! sequence simply grows longer.

use chrono::{DateTime, Utc};

use chrono::FixedOffset;

/// The order number for the `sequence`-th order made at `at`.
pub fn order_number(at: DateTime<Utc>, sequence: u64) -> String {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    format!(
        "dl{}{sequence:03}",
        at.with_timezone(&china).format("%Y%m%d%H%M%S")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_follow_the_seed_in_china_time() {
        let at = Utc.with_ymd_and_hms(2019, 3, 27, 2, 32, 19).unwrap();
        assert_eq!(order_number(at, 613), "dl20190327103219613");
        assert_eq!(order_number(at, 7), "dl20190327103219007");
        assert_eq!(order_number(at, 1234), "dl201903271032191234");
        // Order ids 5 and 1005 opened in the same second (a large 批量通过) stay apart.
        assert_ne!(order_number(at, 5), order_number(at, 1005));
    }
}
