//! 认定条件 maintenance: the system admin sets how many months of professional work after
//! graduation an education needs for a level, for every series or for one; audited.

use zc_db::Db;
use zc_domain::{Role, TitleLevel, application::recognition::EDUCATION};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// The rule form as typed.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    /// A series id, or empty for every series.
    pub series: String,
    pub education: String,
    pub level: String,
    pub months: String,
}

fn require_system_admin(actor: &Actor<'_>) -> ServiceResult<()> {
    if actor.role == Some(Role::SystemAdmin) {
        Ok(())
    } else {
        Err(ServiceError::refused(
            "forbidden",
            "只有系统管理员可以维护认定条件",
        ))
    }
}

/// Adds or changes one condition.
#[tracing::instrument(skip_all)]
pub async fn save(db: &Db, input: &RuleInput, actor: Actor<'_>) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let mut errors = FieldErrors::default();
    let series_id = match input.series.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id)
                if zc_db::organisations::series(db)
                    .await?
                    .iter()
                    .any(|x| x.id == id) =>
            {
                Some(id)
            }
            _ => {
                errors.add("series", "请选择系列，或选择“所有系列”");
                None
            }
        },
    };
    let education = input.education.trim();
    if !EDUCATION.contains(&education) {
        errors.add("education", "请选择学历");
    }
    let level = input
        .level
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|r| (1..=3).contains(r));
    if level.is_none() {
        errors.add("level", "请选择可认定的级别（员级、助理级或中级）");
    }
    let months = input
        .months
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|m| (0..=240).contains(m));
    if months.is_none() {
        errors.add("months", "请填写0–240之间的整月数，例如12表示满1年");
    }
    errors.into_result()?;
    let (Some(level), Some(months)) = (level, months) else {
        return Err(ServiceError::NotFound);
    };
    let mut tx = db.begin_write().await?;
    zc_db::recognition::upsert_rule(&mut tx, series_id, education, level, months).await?;
    let detail = format!(
        "{}：{}毕业满{}个月可认定{}",
        series_id.map_or("所有系列".to_string(), |s| format!("系列#{s}")),
        education,
        months,
        TitleLevel::from_rank(level).map_or("", TitleLevel::name)
    );
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("recognition_rule.save", "recognition_rule", &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one condition (its education can then no longer be recognised at that level).
#[tracing::instrument(skip_all)]
pub async fn delete(db: &Db, id: i64, actor: Actor<'_>) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let mut tx = db.begin_write().await?;
    let Some((education, level, months)) = zc_db::recognition::delete_rule(&mut tx, id).await?
    else {
        return Err(ServiceError::NotFound);
    };
    let detail = format!("删除：{education} {level}级 {months}个月");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event(
            "recognition_rule.delete",
            &format!("recognition_rule:{id}"),
            &detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
