//! 机构管理 — the system admin creates and edits offices (with their place in the
//! hierarchy) and committees. Every change is one transaction with its audit event.

use zc_db::{
    Db,
    organisations::{self, CommitteeFields, OfficeFields},
};
use zc_domain::{
    Role, TitleLevel,
    organisation::{OfficeKind, creates_cycle},
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

fn require_system_admin(actor: &Actor<'_>) -> ServiceResult<()> {
    if actor.role == Some(Role::SystemAdmin) {
        Ok(())
    } else {
        Err(ServiceError::refused(
            "forbidden",
            "只有系统管理员可以管理机构",
        ))
    }
}

/// An office as typed into the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OfficeInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub parent_id: String,
}

fn check_name(name: &str, errors: &mut FieldErrors) {
    let n = name.trim().chars().count();
    if !(4..=60).contains(&n) {
        errors.add("name", "请填写机构全称（4–60个字）");
    }
}

async fn check_office(
    db: &Db,
    editing: Option<(i64, OfficeKind)>,
    input: &OfficeInput,
) -> ServiceResult<(OfficeKind, Option<String>, i64)> {
    let mut errors = FieldErrors::default();
    check_name(&input.name, &mut errors);
    let kind = match editing {
        Some((_, kind)) => Some(kind),
        None => {
            let kind =
                OfficeKind::from_code(&input.kind).filter(|k| OfficeKind::CREATABLE.contains(k));
            if kind.is_none() {
                errors.add(
                    "kind",
                    "请选择机构类型（市职改办、主管部门或流动人员职改办）",
                );
            }
            kind
        }
    };
    let region = input.region_code.trim();
    let region = if region.is_empty() {
        None
    } else if organisations::cities(db)
        .await?
        .iter()
        .any(|c| c.code == region)
    {
        Some(region.to_string())
    } else {
        errors.add("region_code", "请从列表中选择所在城市");
        None
    };
    if kind == Some(OfficeKind::CityOffice)
        && region.is_none()
        && errors.get("region_code").is_none()
    {
        errors.add("region_code", "市职改办须选择所在城市");
    }
    let parents = organisations::office_parents(db).await?;
    let parent = input
        .parent_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| parents.contains_key(id));
    match (parent, editing) {
        (None, _) => errors.add("parent_id", "请选择上级机构"),
        (Some(p), Some((id, _))) if creates_cycle(&parents, id, p) => {
            errors.add("parent_id", "上级机构不能是本机构或其下级机构")
        }
        _ => {}
    }
    errors.into_result()?;
    match (kind, parent) {
        (Some(kind), Some(parent)) => Ok((kind, region, parent)),
        _ => Err(ServiceError::Invalid(FieldErrors::default())),
    }
}

/// A write whose unique violation means the name is taken.
fn unless_name_taken<T>(written: zc_db::DbResult<T>) -> ServiceResult<T> {
    match written {
        Ok(v) => Ok(v),
        Err(e) if e.is_unique_violation() => {
            Err(FieldErrors::one("name", "已有同名机构，请核对名称"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates an office under a parent.
#[tracing::instrument(skip_all)]
pub async fn create_office(db: &Db, actor: Actor<'_>, input: &OfficeInput) -> ServiceResult<i64> {
    require_system_admin(&actor)?;
    let (kind, region, parent) = check_office(db, None, input).await?;
    let mut tx = db.begin_write().await?;
    let fields = OfficeFields {
        name: input.name.trim(),
        kind: kind.code(),
        region_code: region.as_deref(),
        parent_id: Some(parent),
    };
    let id = unless_name_taken(organisations::insert_office(&mut tx, &fields).await)?;
    let object = format!("office:{id}");
    let detail = format!("新建{}：{}", kind.name(), fields.name);
    zc_db::audit::record_in(&mut tx, &actor.event("org.office.create", &object, &detail)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames an office or moves it in the hierarchy. The root stays the root.
#[tracing::instrument(skip_all)]
pub async fn update_office(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    input: &OfficeInput,
) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let current = organisations::office(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let kind = OfficeKind::from_code(&current.kind).ok_or(ServiceError::NotFound)?;
    if kind == OfficeKind::RegionOffice {
        return Err(ServiceError::refused(
            "root_office",
            "自治区职改办是最高一级机构，不能修改其上级；如需更名请联系运维人员",
        ));
    }
    let (_, region, parent) = check_office(db, Some((id, kind)), input).await?;
    let mut tx = db.begin_write().await?;
    let fields = OfficeFields {
        name: input.name.trim(),
        kind: kind.code(),
        region_code: region.as_deref(),
        parent_id: Some(parent),
    };
    unless_name_taken(organisations::update_office(&mut tx, id, &fields).await)?;
    let object = format!("office:{id}");
    let detail = format!(
        "修改机构：{} → {}，上级机构 {:?} → {parent}",
        current.name, fields.name, current.parent_id
    );
    zc_db::audit::record_in(&mut tx, &actor.event("org.office.update", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// A committee as typed into the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommitteeInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub office_id: String,
    #[serde(default)]
    pub series_id: String,
    #[serde(default)]
    pub level_min: String,
    #[serde(default)]
    pub level_max: String,
    #[serde(default)]
    pub charges_online: Option<String>,
}

async fn check_committee(db: &Db, input: &CommitteeInput) -> ServiceResult<CommitteeFields> {
    let mut errors = FieldErrors::default();
    check_name(&input.name, &mut errors);
    let parents = organisations::office_parents(db).await?;
    let office = input
        .office_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| parents.contains_key(id));
    if office.is_none() {
        errors.add("office_id", "请选择评委会所属的职改办");
    }
    let series = organisations::series(db).await?;
    let series_id = input
        .series_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| series.iter().any(|s| s.id == *id));
    if series_id.is_none() {
        errors.add("series_id", "请选择评审的职称系列");
    }
    let level = |s: &str| s.trim().parse::<i32>().ok().and_then(TitleLevel::from_rank);
    let (min, max) = (level(&input.level_min), level(&input.level_max));
    if min.is_none() {
        errors.add("level_min", "请选择可评审的最低级别");
    }
    if max.is_none() {
        errors.add("level_max", "请选择可评审的最高级别");
    }
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        errors.add("level_max", "最高级别不能低于最低级别");
    }
    errors.into_result()?;
    match (office, series_id, min, max) {
        (Some(office_id), Some(series_id), Some(lo), Some(hi)) => Ok(CommitteeFields {
            name: input.name.trim().to_string(),
            office_id,
            series_id,
            level_min: lo.rank(),
            level_max: hi.rank(),
            charges_online: input.charges_online.is_some(),
        }),
        _ => Err(ServiceError::Invalid(FieldErrors::default())),
    }
}

fn committee_detail(verb: &str, f: &CommitteeFields) -> String {
    let level = |r| TitleLevel::from_rank(r).map_or("?", TitleLevel::name);
    format!(
        "{verb}评审委员会：{}（{}–{}，{}）",
        f.name,
        level(f.level_min),
        level(f.level_max),
        if f.charges_online {
            "网上缴费"
        } else {
            "不在网上缴费"
        }
    )
}

/// Creates a committee under an office.
#[tracing::instrument(skip_all)]
pub async fn create_committee(
    db: &Db,
    actor: Actor<'_>,
    input: &CommitteeInput,
) -> ServiceResult<i64> {
    require_system_admin(&actor)?;
    let fields = check_committee(db, input).await?;
    let mut tx = db.begin_write().await?;
    let id = unless_name_taken(organisations::insert_committee(&mut tx, &fields).await)?;
    let object = format!("committee:{id}");
    let detail = committee_detail("新建", &fields);
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("org.committee.create", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a committee.
#[tracing::instrument(skip_all)]
pub async fn update_committee(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    input: &CommitteeInput,
) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    organisations::committee(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let fields = check_committee(db, input).await?;
    let mut tx = db.begin_write().await?;
    unless_name_taken(organisations::update_committee(&mut tx, id, &fields).await)?;
    let object = format!("committee:{id}");
    let detail = committee_detail("修改", &fields);
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("org.committee.update", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
