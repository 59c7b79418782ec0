//! 数据字典 — the system administrator keeps the series, their titles per level, their
//! specialties and the province-wide upload slots. A title in use by any application
//! stays (dossiers name it); a series is switched off rather than removed. Every change
//! is audited with what it was changed to.

use zc_db::{Db, dictionary as d};
use zc_domain::{
    Role,
    dictionary::{SlotLimits, check_name, check_series_code, check_slot},
    level::TitleLevel,
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

fn require_system_admin(actor: &Actor<'_>) -> ServiceResult<()> {
    if actor.role == Some(Role::SystemAdmin) {
        Ok(())
    } else {
        Err(ServiceError::refused(
            "forbidden",
            "只有系统管理员可以维护数据字典",
        ))
    }
}

/// Adds a series (active, last in order); its id.
#[tracing::instrument(skip_all)]
pub async fn add_series(db: &Db, actor: Actor<'_>, code: &str, name: &str) -> ServiceResult<i64> {
    require_system_admin(&actor)?;
    let (code, name) = (code.trim(), name.trim());
    let mut errors = FieldErrors::default();
    if let Some(why) = check_series_code(code) {
        errors.add("code", why);
    }
    if let Some(why) = check_name("系列名称", name, 20) {
        errors.add("name", why);
    }
    let (code_taken, name_taken) = d::series_taken(db, code, name, 0).await?;
    if code_taken {
        errors.add("code", "该系列代码已被使用");
    }
    if name_taken {
        errors.add("name", "已有同名的系列");
    }
    errors.into_result()?;
    let mut tx = db.begin_write().await?;
    let id = d::insert_series(&mut tx, code, name).await?;
    let object = format!("series:{id}");
    let detail = format!("{code} {name}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("dictionary.series_add", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames, reorders or switches a series on or off (off: no new applications in it).
#[tracing::instrument(skip_all)]
pub async fn update_series(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    name: &str,
    sort_order: &str,
    active: bool,
) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let name = name.trim();
    let mut errors = FieldErrors::default();
    if let Some(why) = check_name("系列名称", name, 20) {
        errors.add("name", why);
    }
    let order = sort_order
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (0..=999).contains(n));
    if order.is_none() {
        errors.add("sort_order", "排序请填写0至999的整数，小的在前");
    }
    if d::series_taken(db, "", name, id).await?.1 {
        errors.add("name", "已有同名的系列");
    }
    errors.into_result()?;
    let mut tx = db.begin_write().await?;
    if !d::update_series(&mut tx, id, name, order.unwrap_or(0), active).await? {
        return Err(ServiceError::NotFound);
    }
    let object = format!("series:{id}");
    let detail = format!(
        "{name} 排序{} {}",
        order.unwrap_or(0),
        if active { "启用" } else { "停用" }
    );
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("dictionary.series_update", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a title to a series at a level.
#[tracing::instrument(skip_all)]
pub async fn add_title(
    db: &Db,
    actor: Actor<'_>,
    series_id: i64,
    level: &str,
    name: &str,
) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let name = name.trim();
    let mut errors = FieldErrors::default();
    let level = TitleLevel::from_code(level.trim());
    if level.is_none() {
        errors.add("level", "请选择级别");
    }
    if let Some(why) = check_name("资格名称", name, 30) {
        errors.add("title_name", why);
    }
    errors.into_result()?;
    let Some(level) = level else {
        return Err(ServiceError::NotFound);
    };
    if zc_db::reference::series_name(db, series_id)
        .await?
        .is_none()
    {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.begin_write().await?;
    let Some(id) = d::insert_title(&mut tx, series_id, level.rank(), name).await? else {
        return Err(FieldErrors::one(
            "title_name",
            format!("该系列的{}已有“{name}”", level.name()),
        ));
    };
    let object = format!("series_title:{id}");
    let detail = format!("series:{series_id} {} {name}", level.name());
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("dictionary.title_add", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a title no application has used.
#[tracing::instrument(skip_all)]
pub async fn remove_title(db: &Db, actor: Actor<'_>, series_id: i64, id: i64) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let mut tx = db.begin_write().await?;
    if !d::delete_unused_title(&mut tx, series_id, id).await? {
        return Err(ServiceError::refused(
            "title_in_use",
            "该资格名称已有人申报，不能删除；可停用整个系列或保留该名称",
        ));
    }
    let object = format!("series_title:{id}");
    let detail = format!("series:{series_id}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("dictionary.title_remove", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a specialty to a series.
#[tracing::instrument(skip_all)]
pub async fn add_specialty(
    db: &Db,
    actor: Actor<'_>,
    series_id: i64,
    name: &str,
) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let name = name.trim();
    if let Some(why) = check_name("专业名称", name, 30) {
        return Err(FieldErrors::one("specialty", why));
    }
    if zc_db::reference::series_name(db, series_id)
        .await?
        .is_none()
    {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.begin_write().await?;
    let Some(id) = d::insert_specialty(&mut tx, series_id, name).await? else {
        return Err(FieldErrors::one(
            "specialty",
            format!("该系列已有“{name}”专业"),
        ));
    };
    let object = format!("specialty:{id}");
    let detail = format!("series:{series_id} {name}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("dictionary.specialty_add", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a specialty (dossiers keep the words they were filled with).
#[tracing::instrument(skip_all)]
pub async fn remove_specialty(
    db: &Db,
    actor: Actor<'_>,
    series_id: i64,
    id: i64,
) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let mut tx = db.begin_write().await?;
    if !d::delete_specialty(&mut tx, series_id, id).await? {
        return Err(ServiceError::NotFound);
    }
    let object = format!("specialty:{id}");
    let detail = format!("series:{series_id}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("dictionary.specialty_remove", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A slot's limits as typed.
#[derive(Debug, Clone, Default)]
pub struct SlotInput {
    pub label: String,
    pub required: bool,
    pub min_count: String,
    pub max_count: String,
    pub max_kb: String,
    pub min_px: String,
}

/// Changes a province-wide upload slot: its label, whether it must be filled, how many
/// pictures, how large and how sharp. Applies to dossiers from their next upload on.
#[tracing::instrument(skip_all)]
pub async fn update_slot(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    input: &SlotInput,
) -> ServiceResult<()> {
    require_system_admin(&actor)?;
    let slot = d::slots(db)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    let label = input.label.trim();
    if let Some(why) = check_name("材料名称", label, 30) {
        errors.add("label", why);
    }
    let number = |field: &'static str, text: &str, errors: &mut FieldErrors| {
        text.trim().parse::<i32>().unwrap_or_else(|_| {
            errors.add(field, "请填写整数");
            -1
        })
    };
    let limits = SlotLimits {
        required: input.required,
        min_count: number("min_count", &input.min_count, &mut errors),
        max_count: number("max_count", &input.max_count, &mut errors),
        max_kb: number("max_kb", &input.max_kb, &mut errors),
        min_px: number("min_px", &input.min_px, &mut errors),
        max_px: slot.max_px,
    };
    if errors.is_empty() {
        for (field, why) in check_slot(&limits) {
            errors.add(field, why);
        }
    }
    errors.into_result()?;
    let mut tx = db.begin_write().await?;
    d::update_slot(
        &mut tx,
        id,
        &d::SlotLimits {
            label,
            required: limits.required,
            min_count: limits.min_count,
            max_count: limits.max_count,
            max_kb: limits.max_kb,
            min_px: limits.min_px,
        },
    )
    .await?;
    let object = format!("upload_slot:{id}");
    let detail = format!(
        "{} {label} 必传{} {}至{}张 {}KB 最小边{}px",
        slot.kind,
        limits.required,
        limits.min_count,
        limits.max_count,
        limits.max_kb,
        limits.min_px
    );
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("dictionary.slot_update", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
