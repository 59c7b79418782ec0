//! 申报表内容 — saving and reading the parts of an application's form. Only the owner
//! edits, only while the application is editable; every save is one transaction.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use zc_db::{Db, applications};
use zc_domain::application::{
    form::FieldKind,
    sections::{PartData, PartShape, PartSpec, Values, part},
};

use crate::{FieldErrors, ServiceError, ServiceResult};

fn values_json(v: &Values) -> Value {
    Value::Object(
        v.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn json_values(v: &Value) -> Values {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The stored form of a part.
pub fn to_json(data: &PartData) -> String {
    match data {
        PartData::Empty => json!({}),
        PartData::Single(v) => json!({ "values": values_json(v) }),
        PartData::Rows(rows) => json!({ "rows": rows.iter().map(values_json).collect::<Vec<_>>() }),
        PartData::Summary { html, chars } => json!({ "html": html, "chars": chars }),
    }
    .to_string()
}

/// A part read back from its stored form.
pub fn from_json(text: &str) -> PartData {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return PartData::Empty;
    };
    if let Some(values) = v.get("values") {
        PartData::Single(json_values(values))
    } else if let Some(rows) = v.get("rows").and_then(Value::as_array) {
        PartData::Rows(rows.iter().map(json_values).collect())
    } else if let Some(html) = v.get("html").and_then(Value::as_str) {
        PartData::Summary {
            html: html.to_string(),
            chars: v.get("chars").and_then(Value::as_u64).unwrap_or(0) as usize,
        }
    } else {
        PartData::Empty
    }
}

/// Every saved part of an application, by part code.
#[tracing::instrument(skip_all)]
pub async fn load(db: &Db, application_id: i64) -> ServiceResult<BTreeMap<String, PartData>> {
    Ok(applications::parts(db, application_id)
        .await?
        .into_iter()
        .map(|(k, v)| (k, from_json(&v)))
        .collect())
}

/// Whose form parts are being edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// An application's parts, edited by its applicant while editable.
    Application {
        applicant_id: i64,
        application_id: i64,
    },
    /// 个人资料 — the applicant's own archive.
    Archive { account_id: i64 },
}

/// Parts kept in the archive: the facts of a career, not one application's choices.
pub const ARCHIVE_PARTS: [&str; 11] = [
    "basic",
    "education",
    "qualifications",
    "training",
    "resume",
    "insurance",
    "experience",
    "societies",
    "achievements",
    "awards",
    "publications",
];

/// Refuses changes the owner may not make now.
async fn guard(db: &Db, owner: Owner, part_code: &str) -> ServiceResult<()> {
    match owner {
        Owner::Application {
            applicant_id,
            application_id,
        } => {
            let app = editable(db, applicant_id, application_id).await?;
            // A part of another kind's form is not this application's to save.
            zc_domain::application::sections::part_in(app.kind, part_code)
                .ok_or(ServiceError::NotFound)?;
            if part_code == zc_domain::application::replacement::INFO_PART
                && let Some(why) = crate::replacement::frozen(db, &app).await?
            {
                return Err(ServiceError::refused("frozen", why));
            }
            Ok(())
        }
        Owner::Archive { .. } if ARCHIVE_PARTS.contains(&part_code) => Ok(()),
        Owner::Archive { .. } => Err(ServiceError::NotFound),
    }
}

/// Every saved part of an owner.
#[tracing::instrument(skip_all)]
pub async fn load_owned(db: &Db, owner: Owner) -> ServiceResult<BTreeMap<String, PartData>> {
    match owner {
        Owner::Application { application_id, .. } => load(db, application_id).await,
        Owner::Archive { account_id } => Ok(zc_db::archive::parts(db, account_id)
            .await?
            .into_iter()
            .map(|(k, v)| (k, from_json(&v)))
            .collect()),
    }
}

/// Copies the archive into a new application inside `tx` (pre-filling it).
#[tracing::instrument(skip_all)]
pub async fn copy_archive_in(
    tx: &mut zc_db::Tx,
    account_id: i64,
    application_id: i64,
) -> ServiceResult<()> {
    for (part, data) in zc_db::archive::parts(&mut *tx, account_id).await? {
        applications::put_part(tx, application_id, &part, &data).await?;
    }
    Ok(())
}

/// 保存到个人资料: copies one part of an application into the archive.
#[tracing::instrument(skip_all)]
pub async fn save_to_archive(
    db: &Db,
    applicant_id: i64,
    application_id: i64,
    part_code: &str,
) -> ServiceResult<()> {
    if !ARCHIVE_PARTS.contains(&part_code) {
        return Err(ServiceError::NotFound);
    }
    crate::applications::mine(db, applicant_id, application_id).await?;
    let data = load(db, application_id)
        .await?
        .remove(part_code)
        .unwrap_or_default();
    let mut tx = db.begin_write().await?;
    zc_db::archive::put_part(&mut tx, applicant_id, part_code, &to_json(&data)).await?;
    tx.commit().await?;
    Ok(())
}

/// The parts frozen in a submission snapshot.
pub fn parts_from_snapshot(snapshot: &str) -> BTreeMap<String, PartData> {
    serde_json::from_str::<Value>(snapshot)
        .ok()
        .and_then(|v| v.get("parts").and_then(Value::as_object).cloned())
        .map(|parts| {
            parts
                .into_iter()
                .map(|(k, v)| (k, from_json(&v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The parts a resubmission changed since the dossier's last return (empty when it was
/// never returned, or is back with the applicant and not yet sent again).
#[tracing::instrument(skip_all)]
pub async fn changed_since_return(
    db: &Db,
    app: &applications::ApplicationRow,
) -> ServiceResult<Vec<String>> {
    let editable = Some(app.status).is_none_or(|s| s.is_editable());
    let (Some(now), false) = (&app.snapshot, editable) else {
        return Ok(Vec::new());
    };
    let Some(before) = applications::returned_snapshot(db, app.id).await? else {
        return Ok(Vec::new());
    };
    let (before, now) = (parts_from_snapshot(&before), parts_from_snapshot(now));
    let codes: std::collections::BTreeSet<&String> = before.keys().chain(now.keys()).collect();
    Ok(codes
        .into_iter()
        .filter(|c| {
            let json = |m: &BTreeMap<String, PartData>| m.get(*c).map(to_json).unwrap_or_default();
            json(&before) != json(&now)
        })
        .cloned()
        .collect())
}

/// The dossier as the reader should see it: the frozen snapshot once submitted, the
/// live draft before.
#[tracing::instrument(skip_all)]
pub async fn dossier(
    db: &Db,
    app: &applications::ApplicationRow,
) -> ServiceResult<BTreeMap<String, PartData>> {
    match &app.snapshot {
        Some(snapshot) if !Some(app.status).is_some_and(|s| s.is_editable()) => {
            Ok(parts_from_snapshot(snapshot))
        }
        _ => load(db, app.id).await,
    }
}

/// The application, if `applicant_id` owns it and may still edit it.
#[tracing::instrument(skip_all)]
pub async fn editable(
    db: &Db,
    applicant_id: i64,
    application_id: i64,
) -> ServiceResult<applications::ApplicationRow> {
    let app = crate::applications::mine(db, applicant_id, application_id).await?;
    let status = app.status;
    if !status.is_editable() {
        return Err(ServiceError::refused(
            "not_editable",
            format!("当前状态为“{}”，不能修改申报内容", status.label()),
        ));
    }
    Ok(app)
}

/// Checks what was typed for a save: blanks are kept (the section just stays incomplete),
/// but anything typed must be valid.
fn check_for_save(spec: &PartSpec, raw: &Values) -> ServiceResult<Values> {
    let mut errors = FieldErrors::default();
    let mut clean = Values::new();
    for f in spec.fields {
        let typed = raw.get(f.key).map(String::as_str).unwrap_or("").trim();
        if typed.is_empty() {
            clean.insert(f.key.to_string(), String::new());
            continue;
        }
        match f.check(typed) {
            Ok(v) => {
                clean.insert(f.key.to_string(), v);
            }
            Err(msg) => errors.add(f.key, msg),
        }
    }
    errors.into_result()?;
    Ok(clean)
}

fn spec_of(part_code: &str, shape_rows: bool) -> ServiceResult<&'static PartSpec> {
    let (_, spec) = part(part_code).ok_or(ServiceError::NotFound)?;
    let is_rows = matches!(spec.shape, PartShape::Rows { .. });
    if is_rows != shape_rows || spec.shape == PartShape::Summary {
        return Err(ServiceError::NotFound);
    }
    Ok(spec)
}

pub(crate) async fn store(
    db: &Db,
    owner: Owner,
    part_code: &str,
    data: &PartData,
) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    match owner {
        Owner::Application { application_id, .. } => {
            applications::put_part(&mut tx, application_id, part_code, &to_json(data)).await?
        }
        Owner::Archive { account_id } => {
            zc_db::archive::put_part(&mut tx, account_id, part_code, &to_json(data)).await?
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Saves a field-set part.
#[tracing::instrument(skip_all)]
pub async fn save_single(
    db: &Db,
    owner: Owner,
    part_code: &str,
    raw: &Values,
    birth: Option<chrono::NaiveDate>,
) -> ServiceResult<()> {
    let spec = spec_of(part_code, false)?;
    guard(db, owner, part_code).await?;
    let clean = check_for_save(spec, raw)?;
    // Dates that cannot be true are refused beside their fields, with what was typed.
    let today = db.today();
    let mut errors = FieldErrors::default();
    // Names from the 职称目录 must be in it.
    for f in spec
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Catalogue { .. }))
    {
        let typed = clean.get(f.key).map(String::as_str).unwrap_or("");
        if !typed.is_empty()
            && !zc_db::recognition::qualifications(db, 5)
                .await?
                .iter()
                .any(|q| q.title_name == typed)
        {
            errors.add(f.key, format!("请从职称目录中选择{}", f.label));
        }
    }
    for (key, message) in
        zc_domain::application::recognition::date_errors(part_code, &clean, today, birth)
    {
        errors.add(key, message);
    }
    if part_code == zc_domain::application::replacement::INFO_PART
        || part_code == zc_domain::application::verification::INFO_PART
    {
        for (key, message) in zc_domain::application::replacement::date_errors(&clean, today) {
            errors.add(key, message);
        }
    }
    errors.into_result()?;
    store(db, owner, part_code, &PartData::Single(clean)).await
}

async fn rows_of(db: &Db, owner: Owner, part_code: &str) -> ServiceResult<Vec<Values>> {
    Ok(match load_owned(db, owner).await?.remove(part_code) {
        Some(PartData::Rows(rows)) => rows,
        _ => Vec::new(),
    })
}

/// Adds a row (`index` = `None`) or replaces row `index` of a table part; returns the
/// row's index (so a draft saved by script keeps updating the same new row).
#[tracing::instrument(skip_all)]
pub async fn save_row(
    db: &Db,
    owner: Owner,
    part_code: &str,
    index: Option<usize>,
    raw: &Values,
) -> ServiceResult<usize> {
    let spec = spec_of(part_code, true)?;
    guard(db, owner, part_code).await?;
    let clean = check_for_save(spec, raw)?;
    let mut rows = rows_of(db, owner, part_code).await?;
    let at = match index {
        Some(i) if i < rows.len() => {
            rows[i] = clean;
            i
        }
        Some(_) => return Err(ServiceError::NotFound),
        None => {
            let max = match spec.shape {
                PartShape::Rows { max_rows, .. } => max_rows,
                _ => 0,
            };
            if rows.len() >= max {
                return Err(ServiceError::refused(
                    "too_many_rows",
                    format!("{}最多填写{max}条", spec.title),
                ));
            }
            rows.push(clean);
            rows.len() - 1
        }
    };
    store(db, owner, part_code, &PartData::Rows(rows)).await?;
    Ok(at)
}

/// What to do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Delete,
    Up,
    Down,
}

/// Deletes a row or moves it one place (the keyboard and no-script way of ordering).
#[tracing::instrument(skip_all)]
pub async fn row_action(
    db: &Db,
    owner: Owner,
    part_code: &str,
    index: usize,
    action: RowAction,
) -> ServiceResult<()> {
    spec_of(part_code, true)?;
    guard(db, owner, part_code).await?;
    let mut rows = rows_of(db, owner, part_code).await?;
    if index >= rows.len() {
        return Err(ServiceError::NotFound);
    }
    match action {
        RowAction::Delete => {
            rows.remove(index);
        }
        RowAction::Up if index > 0 => rows.swap(index, index - 1),
        RowAction::Down if index + 1 < rows.len() => rows.swap(index, index + 1),
        _ => {}
    }
    store(db, owner, part_code, &PartData::Rows(rows)).await
}

/// Puts the rows of a table in a new order (drag and drop): `order` lists the current
/// row numbers in their new order and must name each row exactly once.
#[tracing::instrument(skip_all)]
pub async fn reorder(db: &Db, owner: Owner, part_code: &str, order: &[usize]) -> ServiceResult<()> {
    spec_of(part_code, true)?;
    guard(db, owner, part_code).await?;
    let rows = rows_of(db, owner, part_code).await?;
    let mut seen = order.to_vec();
    seen.sort_unstable();
    if seen != (0..rows.len()).collect::<Vec<_>>() {
        return Err(ServiceError::refused(
            "stale_order",
            "排序时内容已变化，请刷新页面后重新排序",
        ));
    }
    let reordered = order.iter().map(|i| rows[*i].clone()).collect();
    store(db, owner, part_code, &PartData::Rows(reordered)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_through_json() {
        let mut v = Values::new();
        v.insert("school".into(), "广西大学".into());
        for data in [
            PartData::Single(v.clone()),
            PartData::Rows(vec![v.clone(), Values::new()]),
            PartData::Summary {
                html: "<p>总结</p>".into(),
                chars: 2,
            },
        ] {
            assert_eq!(from_json(&to_json(&data)), data);
        }
        assert_eq!(from_json("not json"), PartData::Empty);
    }
}
