//! 评审结果公示: the period runs 5 working days by the Guangxi calendar.

use chrono::NaiveDate;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_result_publicity_runs_five_working_days_across_a_holiday_and_a_make_up_saturday() {
    let app = spawn_app().await;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    // Posted on 30 September: 1–7 October are holidays, Saturday 10 October is worked.
    // Working days after it: 8th, 9th, 10th (Saturday), 12th, 13th.
    assert_eq!(
        zc_services::result_publicity::ends_on(&app.db, day(9, 30))
            .await
            .unwrap(),
        day(10, 13)
    );
    // An ordinary week: Monday 2 November runs to Monday 9 November.
    assert_eq!(
        zc_services::result_publicity::ends_on(&app.db, day(11, 2))
            .await
            .unwrap(),
        day(11, 9)
    );
}
