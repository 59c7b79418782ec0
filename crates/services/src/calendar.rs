//! 工作日历维护 — admins add, change and remove holidays and make-up workdays.

use chrono::NaiveDate;
use zc_db::{Db, audit, calendar};
use zc_domain::{CalendarDay, CalendarDayKind, Role};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// The form an admin fills in.
#[derive(Debug, Clone, Default)]
pub struct CalendarDayInput {
    pub date: String,
    pub kind: String,
    pub name: String,
    pub region: String,
}

/// Regions a calendar row may apply to.
pub const REGIONS: [&str; 2] = ["全国", "广西"];

fn parse(input: &CalendarDayInput) -> Result<(CalendarDay, &str), FieldErrors> {
    let mut errors = FieldErrors::default();
    let date = NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.add("date", "请按 YYYY-MM-DD 格式填写日期，例如 2027-01-01");
    }
    let kind = CalendarDayKind::parse(&input.kind);
    if kind.is_none() {
        errors.add("kind", "请选择“放假”或“补班”");
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        errors.add("name", "请填写节日名称（不超过30个字），例如 春节");
    }
    let region = REGIONS.iter().copied().find(|r| *r == input.region.trim());
    if region.is_none() {
        errors.add("region", "请选择适用范围");
    }
    match (date, kind, region) {
        (Some(date), Some(kind), Some(region)) if errors.is_empty() => Ok((
            CalendarDay {
                date,
                kind,
                name: name.to_string(),
            },
            region,
        )),
        _ => Err(errors),
    }
}

fn require_system_admin(actor: &Actor<'_>) -> ServiceResult<()> {
    if actor.role == Some(Role::SystemAdmin) {
        Ok(())
    } else {
        Err(ServiceError::refused(
            "forbidden",
            "只有系统管理员可以维护工作日历",
        ))
    }
}

/// Adds or replaces the row of one date; audited.
#[tracing::instrument(skip_all)]
pub async fn save_day(
    db: &Db,
    input: &CalendarDayInput,
    actor: Actor<'_>,
) -> ServiceResult<CalendarDay> {
    require_system_admin(&actor)?;
    let (day, region) = parse(input).map_err(ServiceError::Invalid)?;
    let mut tx = db.begin_write().await?;
    calendar::upsert_in(&mut tx, &day, region).await?;
    let object = format!("calendar_day:{}", day.date);
    let detail = format!(
        "{} {}（{}，{}）",
        day.date,
        day.kind.label(),
        day.name,
        region
    );
    audit::record_in(&mut tx, &actor.event("calendar.save", &object, &detail)).await?;
    tx.commit().await?;
    Ok(day)
}

/// Removes the row of one date (the date becomes an ordinary day again); audited.
#[tracing::instrument(skip_all)]
pub async fn delete_day(db: &Db, date: &str, actor: Actor<'_>) -> ServiceResult<NaiveDate> {
    require_system_admin(&actor)?;
    let date =
        NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| ServiceError::NotFound)?;
    let mut tx = db.begin_write().await?;
    if !calendar::delete_in(&mut tx, date).await? {
        return Err(ServiceError::NotFound);
    }
    let object = format!("calendar_day:{date}");
    audit::record_in(
        &mut tx,
        &actor.event(
            "calendar.delete",
            &object,
            "删除日历记录，该日恢复按星期计算",
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_gets_its_message() {
        let e = parse(&CalendarDayInput {
            date: "2027/1/1".into(),
            kind: "x".into(),
            name: "".into(),
            region: "火星".into(),
        })
        .unwrap_err();
        for f in ["date", "kind", "name", "region"] {
            assert!(e.get(f).is_some(), "{f} has a message");
        }
        let input = CalendarDayInput {
            date: "2027-02-06".into(),
            kind: "holiday".into(),
            name: "春节".into(),
            region: "全国".into(),
        };
        let (day, region) = parse(&input).unwrap();
        assert_eq!((day.kind, region), (CalendarDayKind::Holiday, "全国"));
    }
}
