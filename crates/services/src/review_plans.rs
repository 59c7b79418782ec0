//! 评审计划 — committee staff keep one plan per year: the application window the applicant
//! side opens and closes by, the specialties it reviews and whether fees are paid online.
//! (The review stages' windows of the plan are set by the 职改办 at its stage-window page.)

use chrono::{Duration, NaiveDate};
use zc_db::Db;
use zc_domain::calendar::china_day_start;

use crate::{
    FieldErrors, ServiceError, ServiceResult, accounts::Actor, committee_meetings::committee_of,
};

/// A plan as typed.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub year: String,
    pub apply_from: String,
    pub apply_until: String,
    /// One per line or separated by 、 or commas.
    pub specialties: String,
    pub charges_online: bool,
    /// The ranks ticked; none means every level of the committee.
    pub levels: Vec<String>,
}

/// The specialties of a plan as a clean list.
pub fn specialty_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in text
        .split(['\n', ',', '，', '、', ';', '；'])
        .map(str::trim)
    {
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// Saves the committee's plan for a year; its id.
#[tracing::instrument(skip_all)]
pub async fn save(db: &Db, actor: Actor<'_>, input: &PlanInput) -> ServiceResult<i64> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let committee = committee_of(db, staff_id).await?;
    let this_year = chrono::Datelike::year(&db.today());
    let mut errors = FieldErrors::default();
    let year = input
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (this_year - 1..=this_year + 1).contains(y));
    if year.is_none() {
        errors.add(
            "year",
            format!("年度应为{}至{}年", this_year - 1, this_year + 1),
        );
    }
    let day = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
    let (from, until) = (day(&input.apply_from), day(&input.apply_until));
    if from.is_none() {
        errors.add("apply_from", "请填写申报开始日期，例如 2026-03-01");
    }
    if until.is_none() {
        errors.add("apply_until", "请填写申报截止日期，例如 2026-04-30");
    }
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        errors.add("apply_until", "申报截止日期不能早于开始日期");
    }
    let specialties = specialty_list(&input.specialties);
    if specialties.is_empty() {
        errors.add("specialties", "请至少填写一个评审专业");
    } else if specialties.len() > 50 || specialties.iter().any(|s| s.chars().count() > 20) {
        errors.add("specialties", "评审专业最多50个，每个不超过20个字");
    }
    let fields = zc_db::organisations::committee(db, committee)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut levels: Vec<i32> = Vec::new();
    for l in &input.levels {
        match l.parse::<i32>() {
            Ok(r) if (fields.level_min..=fields.level_max).contains(&r) => {
                if !levels.contains(&r) {
                    levels.push(r);
                }
            }
            _ => {
                errors.add("levels", "只能选择本评委会评审的级别");
                break;
            }
        }
    }
    levels.sort();
    errors.into_result()?;
    let levels = levels
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let (Some(year), Some(from), Some(until)) = (year, from, until) else {
        return Err(ServiceError::NotFound);
    };
    let joined = specialties.join("、");
    let mut tx = db.begin_write().await?;
    let id = zc_db::review_plans::upsert(
        &mut tx,
        &zc_db::review_plans::PlanFields {
            committee_id: committee,
            year,
            apply_from: china_day_start(from),
            apply_until: china_day_start(until + Duration::days(1)),
            specialties: &joined,
            charges_online: input.charges_online,
            levels: &levels,
        },
    )
    .await?;
    if input.charges_online && zc_db::fee_items::count_of_plan(&mut tx, id).await? == 0 {
        return Err(FieldErrors::one(
            "charges_online",
            "请先保存计划并添加收费项目，再设置网上缴费",
        ));
    }
    let object = format!("review_plan:{id}");
    let detail = format!(
        "{year}年度：{from} 至 {until}；{joined}；级别 {levels}；网上缴费 {}",
        input.charges_online
    );
    zc_db::audit::record_in(&mut tx, &actor.event("plan.save", &object, &detail)).await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn specialties_split_on_the_usual_separators() {
        assert_eq!(
            super::specialty_list("建筑工程、市政工程\n给排水, 建筑工程"),
            ["建筑工程", "市政工程", "给排水"]
        );
        assert!(super::specialty_list(" ，、 ").is_empty());
    }
}
