//! 证书领取与邮寄 at a 职改办's desk: switching mailing on with its postage, entering
//! EMS's tracking numbers, recording who collected a certificate (the dossier moves to
//! 已领取), and the mailing list for EMS. Every action is audited.

use zc_db::{Db, deliveries::Mailing};
use zc_domain::{
    application::{Event, Party},
    delivery::DeliveryState,
    payment::{Fen, OrderStatus},
};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    delivery::state_of,
    office_review::office_of,
    status_change::{self, Change, Notice},
};

/// 邮寄设置: switches the office's mailing on or off, with the postage in yuan (0 or
/// empty: free).
#[tracing::instrument(skip_all)]
pub async fn set_mailing(
    db: &Db,
    actor: Actor<'_>,
    enabled: bool,
    postage_yuan: &str,
) -> ServiceResult<()> {
    let (_, office_id) = office_of(db, &actor).await?;
    let postage_fen = match postage_yuan.trim() {
        "" | "0" => 0,
        text => {
            Fen::parse_yuan(text)
                .map_err(|_| {
                    FieldErrors::one("postage", "邮寄费应为金额，例如 22 或 22.50（免费请填0）")
                })?
                .0
        }
    };
    let mut tx = db.begin_write().await?;
    zc_db::deliveries::set_mailing(
        &mut tx,
        office_id,
        &Mailing {
            enabled,
            postage_fen,
        },
    )
    .await?;
    let detail = format!(
        "证书邮寄{}，邮寄费{}元",
        if enabled { "开通" } else { "关闭" },
        Fen(postage_fen)
    );
    let object = format!("office:{office_id}");
    zc_db::audit::record_in(&mut tx, &actor.event("delivery.mailing", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// Records EMS's tracking number of a paid (or free) mailing; the holder sees it.
#[tracing::instrument(skip_all)]
pub async fn send(
    db: &Db,
    actor: Actor<'_>,
    delivery_id: i64,
    tracking_no: &str,
) -> ServiceResult<()> {
    let (_, office_id) = office_of(db, &actor).await?;
    let d = zc_db::deliveries::of_office(db, office_id, delivery_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let tracking = tracking_no.trim().to_uppercase();
    if !(8..=30).contains(&tracking.len()) || !tracking.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(FieldErrors::one(
            "tracking_no",
            "请填写EMS运单号（8–30位字母或数字）",
        ));
    }
    if !state_of(&d).may_send() {
        return Err(ServiceError::refused(
            "not_to_send",
            format!(
                "证书 {} 当前为“{}”，不能登记寄出",
                d.number,
                state_of(&d).label()
            ),
        ));
    }
    let application_id = zc_db::certificates::find(db, d.certificate_id)
        .await?
        .and_then(|c| c.application_id);
    let office_name = zc_db::reference::org_name(db, "office", office_id)
        .await?
        .unwrap_or_default();
    let detail = format!("证书 {} 已寄出，EMS运单号 {tracking}", d.number);
    let mut tx = db.begin_write().await?;
    if !zc_db::deliveries::mark_sent(&mut tx, d.id, &tracking).await? {
        return Err(ServiceError::refused("already_sent", "该证书已登记寄出"));
    }
    // The holder reads it in the dossier's history too.
    if let Some(app_id) = application_id {
        status_change::note(
            &mut tx,
            app_id,
            &status_change::Note {
                step: "证书领取",
                action: "邮寄",
                opinion: &detail,
                actor_id: actor.account_id,
                org_name: &office_name,
            },
        )
        .await?;
    }
    let object = format!("certificate:{}", d.certificate_id);
    zc_db::audit::record_in(&mut tx, &actor.event("delivery.sent", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// 现场领取登记: the desk hands over the certificate with this number (one of the office's)
/// and records who took it; the dossier moves to 已领取.
#[tracing::instrument(skip_all)]
pub async fn hand_over(
    db: &Db,
    actor: Actor<'_>,
    number: &str,
    collected_by: &str,
) -> ServiceResult<String> {
    let (staff_id, office_id) = office_of(db, &actor).await?;
    let number = number.trim();
    let who = collected_by.trim();
    let mut errors = FieldErrors::default();
    let cert = zc_db::certificates::by_number(db, number)
        .await?
        .filter(|c| c.office_id == office_id);
    if cert.is_none() {
        errors.add(
            "number",
            format!("本职改办没有编号为“{number}”的证书，请核对"),
        );
    }
    if who.is_empty() || who.chars().count() > 20 {
        errors.add("collected_by", "请填写领取人姓名（本人或代领人，20字以内）");
    }
    errors.into_result()?;
    let cert = cert.ok_or(ServiceError::NotFound)?;
    if !cert.status.is_valid() {
        return Err(ServiceError::refused(
            "not_valid",
            format!("证书 {number} {}，不能发放", cert.status.name()),
        ));
    }
    let office_name = zc_db::reference::org_name(db, "office", office_id)
        .await?
        .unwrap_or_default();
    let unpaid_postage = zc_db::deliveries::of_certificate(db, cert.id)
        .await?
        .filter(|d| state_of(d) == DeliveryState::AwaitingPostage)
        .and_then(|d| d.order_id);
    let mut tx = db.begin_write().await?;
    if !zc_db::deliveries::mark_collected(&mut tx, cert.id, office_id, who).await? {
        return Err(ServiceError::refused(
            "already_collected",
            format!("证书 {number} 已领取或已寄出，不能重复发放"),
        ));
    }
    // Chose 邮寄 but came in person before paying: the postage is no longer due.
    if let Some(order) = unpaid_postage {
        zc_db::payment_orders::set_status(
            &mut tx,
            order,
            OrderStatus::Pending.code(),
            OrderStatus::Closed.code(),
        )
        .await?;
    }
    let opinion = format!("证书 {number} 已现场领取，领取人：{who}");
    if let Some(app_id) = cert.application_id {
        let app = zc_db::applications::find(&mut tx, app_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let change = Change {
            event: Event::HandOver,
            party: Party::Office,
            actor_id: Some(staff_id),
            step: "证书领取",
            org_name: &office_name,
            opinion: &opinion,
            notice: Notice::Titled {
                title: "证书已领取",
                opinion: &opinion,
            },
        };
        // A dossier already 已领取 (or revoked) keeps its status; the desk's record stands.
        let _ = status_change::apply(&mut tx, &app, &change).await?;
    }
    let object = format!("certificate:{}", cert.id);
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("delivery.handed_over", &object, &opinion),
    )
    .await?;
    tx.commit().await?;
    Ok(opinion)
}

/// The office's mailing list as an .xlsx for EMS (recipient, address, phone, postcode,
/// tracking number); staff only, and audited, since it holds addresses.
#[tracing::instrument(skip_all)]
pub async fn mailing_sheet(db: &Db, actor: Actor<'_>) -> ServiceResult<Vec<u8>> {
    let (_, office_id) = office_of(db, &actor).await?;
    let headers = [
        "证书编号",
        "持证人",
        "收件人",
        "联系电话",
        "省份",
        "市、区（县）",
        "详细地址",
        "邮编",
        "状态",
        "EMS运单号",
    ];
    let watermark = format!(
        "导出时间：{}　仅限证书邮寄使用，请勿外传",
        zc_domain::calendar::format_china_time(db.now())
    );
    let mut sheet = zc_docs::Sheet::new("邮寄清单", "证书邮寄清单", &watermark, &headers)
        .map_err(anyhow::Error::from)?;
    let rows = zc_db::deliveries::mail_list(db, office_id, 100_000, 0).await?;
    for d in &rows {
        sheet
            .push(&[
                d.number.as_str(),
                d.holder_name.as_str(),
                d.recipient.as_str(),
                d.phone.as_str(),
                d.province.as_str(),
                d.city.as_str(),
                d.address.as_str(),
                d.postcode.as_str(),
                state_of(d).label(),
                d.tracking_no.as_deref().unwrap_or(""),
            ])
            .map_err(anyhow::Error::from)?;
    }
    let bytes = tokio::task::spawn_blocking(move || sheet.into_bytes())
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    let mut tx = db.begin_write().await?;
    let detail = format!("证书邮寄清单 {} 条", rows.len());
    let object = format!("office:{office_id}");
    zc_db::audit::record_in(&mut tx, &actor.event("delivery.export", &object, &detail)).await?;
    tx.commit().await?;
    Ok(bytes)
}
