//! 邮寄 and 领取证书 — the holder chooses 现场领取 or 邮寄证书 (where the issuing 职改办 mails,
//! with a postage order in 费用管理); the office switches mailing on and sets the postage,
//! enters EMS's tracking number, and records at its desk who collected a certificate; the
//! holder confirms a mailed one has arrived. Each collection moves the dossier to 已领取.

use chrono::{DateTime, Duration, Utc};
use zc_db::{
    Db, Tx,
    certificates::CertificateRow,
    deliveries::{Chosen, DeliveryRow, Mailing},
};
use zc_domain::{
    application::{Event, Party},
    delivery::{Address, DeliveryMethod, DeliveryState, address_errors},
    payment::{Fen, OrderStatus, order_number},
};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    office_review::Desk,
    status_change::{self, Change, Notice},
};

/// What the postage order is called in 费用管理.
pub const POSTAGE_ITEM: &str = "证书邮寄费（EMS）";

/// Days the holder has to pay the postage.
const POSTAGE_DAYS: i64 = 7;

/// Where a delivery stands.
pub fn state_of(d: &DeliveryRow) -> DeliveryState {
    DeliveryState::of(
        d.method,
        d.order_status.as_deref().and_then(OrderStatus::from_code),
        d.sent_at.is_some(),
        d.collected_at.is_some(),
    )
}

/// 领取方式 as the holder posted it.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub method: String,
    pub address: Address,
}

/// The holder's certificate with its delivery and the issuing office's mailing setting.
#[tracing::instrument(skip_all)]
pub async fn of_holder(
    db: &Db,
    holder_id: i64,
    certificate_id: i64,
) -> ServiceResult<(CertificateRow, Option<DeliveryRow>, Mailing)> {
    let cert = crate::certificates::of_holder(db, holder_id, certificate_id).await?;
    let delivery = zc_db::deliveries::of_certificate(db, cert.id).await?;
    let mailing = zc_db::deliveries::mailing(db, cert.office_id).await?;
    Ok((cert, delivery, mailing))
}

/// 领取方式: records 现场领取 or 邮寄证书 for a valid certificate of the holder's, opening
/// the postage order when the office charges one. Refused when the office does not mail,
/// when it was sent or collected already, or (beside each field) for a bad address.
#[tracing::instrument(skip_all)]
pub async fn choose(
    db: &Db,
    holder_id: i64,
    certificate_id: i64,
    choice: &Choice,
) -> ServiceResult<DeliveryState> {
    let (cert, current, mailing) = of_holder(db, holder_id, certificate_id).await?;
    if !cert.status.is_valid() {
        return Err(ServiceError::refused(
            "not_valid",
            format!("该证书{}，不能领取或邮寄", cert.status.name()),
        ));
    }
    if let Some(d) = &current
        && !state_of(d).may_change()
    {
        return Err(ServiceError::refused(
            "settled",
            format!("该证书{}，不能再修改领取方式", state_of(d).label()),
        ));
    }
    let Some(method) = DeliveryMethod::from_code(choice.method.trim()) else {
        return Err(FieldErrors::one("method", "请选择领取方式"));
    };
    let address = match method {
        DeliveryMethod::Collect => Address::default(),
        DeliveryMethod::Mail => {
            if !mailing.enabled {
                return Err(ServiceError::refused(
                    "mailing_off",
                    "发证机关未开通证书邮寄，请到发证机关现场领取",
                ));
            }
            let mut errors = FieldErrors::default();
            for (field, message) in address_errors(&choice.address) {
                errors.add(field, message);
            }
            errors.into_result()?;
            trimmed(&choice.address)
        }
    };
    let now = db.now();
    let mut tx = db.begin_write().await?;
    let open_order = current
        .as_ref()
        .filter(|d| state_of(d) == DeliveryState::AwaitingPostage)
        .and_then(|d| d.order_id);
    let order_id = match (method, open_order) {
        (DeliveryMethod::Mail, Some(id)) => Some(id),
        (DeliveryMethod::Mail, None) if mailing.postage_fen > 0 => {
            Some(open_postage(&mut tx, holder_id, &cert, mailing.postage_fen, now).await?)
        }
        (DeliveryMethod::Mail, None) => None,
        // Back to 现场领取: an unpaid postage order is closed.
        (DeliveryMethod::Collect, open) => {
            if let Some(id) = open {
                zc_db::payment_orders::set_status(
                    &mut tx,
                    id,
                    OrderStatus::Pending.code(),
                    OrderStatus::Closed.code(),
                )
                .await?;
            }
            None
        }
    };
    zc_db::deliveries::choose(
        &mut tx,
        &Chosen {
            certificate_id: cert.id,
            office_id: cert.office_id,
            method,
            address: &address,
            order_id,
        },
    )
    .await?;
    if let Some(app_id) = cert.application_id {
        let opinion = match method {
            DeliveryMethod::Collect => "现场领取".to_string(),
            DeliveryMethod::Mail => format!(
                "邮寄证书至{}{}{}",
                address.province, address.city, address.address
            ),
        };
        status_change::note(
            &mut tx,
            app_id,
            &status_change::Note {
                step: "证书领取",
                action: "领取方式",
                opinion: &opinion,
                actor_id: Some(holder_id),
                org_name: &cert.holder_name,
            },
        )
        .await?;
    }
    tx.commit().await?;
    let chosen = zc_db::deliveries::of_certificate(db, cert.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(state_of(&chosen))
}

fn trimmed(a: &Address) -> Address {
    Address {
        recipient: a.recipient.trim().to_string(),
        province: a.province.trim().to_string(),
        city: a.city.trim().to_string(),
        address: a.address.trim().to_string(),
        phone: a
            .phone
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect(),
        postcode: a.postcode.trim().to_string(),
    }
}

/// The postage order, in 费用管理 with the other orders. It names no dossier: a dossier's
/// orders are its fees, and paying this one moves nothing.
async fn open_postage(
    tx: &mut Tx,
    holder_id: i64,
    cert: &CertificateRow,
    postage_fen: i64,
    now: DateTime<Utc>,
) -> ServiceResult<i64> {
    let id = zc_db::payment_orders::insert(
        tx,
        &zc_db::payment_orders::NewOrder {
            account_id: holder_id,
            application_id: None,
            office_id: cert.office_id,
            committee_id: None,
            fee_item_id: None,
            item_name: POSTAGE_ITEM,
            amount_fen: postage_fen,
            status: OrderStatus::Pending.code(),
            pay_before: now + Duration::days(POSTAGE_DAYS),
            created_at: now,
        },
    )
    .await?;
    zc_db::payment_orders::set_number(tx, id, &order_number(now, id as u64)).await?;
    Ok(id)
}

/// The office a member of staff works for; another desk is "not found".
async fn office_of(db: &Db, actor: &Actor<'_>) -> ServiceResult<(i64, i64)> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    match Desk::of(db, staff_id).await? {
        Desk::Office(office_id) => Ok((staff_id, office_id)),
        Desk::Department(_) => Err(ServiceError::NotFound),
    }
}

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
    let mut tx = db.begin_write().await?;
    if !zc_db::deliveries::mark_sent(&mut tx, d.id, &tracking).await? {
        return Err(ServiceError::refused("already_sent", "该证书已登记寄出"));
    }
    let detail = format!("证书 {} 已寄出，EMS运单号 {tracking}", d.number);
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

/// 领取证书: the holder confirms their mailed certificate has arrived.
#[tracing::instrument(skip_all)]
pub async fn received(db: &Db, holder_id: i64, certificate_id: i64) -> ServiceResult<()> {
    let (cert, delivery, _) = of_holder(db, holder_id, certificate_id).await?;
    let sent = delivery
        .as_ref()
        .is_some_and(|d| state_of(d) == DeliveryState::Sent);
    let app_id = cert
        .application_id
        .filter(|_| sent)
        .ok_or_else(|| ServiceError::refused("not_sent", "证书尚未寄出，寄出后才能确认领取"))?;
    let mut tx = db.begin_write().await?;
    let app = zc_db::applications::find(&mut tx, app_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let change = Change {
        event: Event::Collect,
        party: Party::Applicant,
        actor_id: Some(holder_id),
        step: "证书领取",
        org_name: &cert.holder_name,
        opinion: "已收到邮寄的证书",
        notice: Notice::Silent,
    };
    status_change::apply(&mut tx, &app, &change)
        .await?
        .map_err(|_| ServiceError::refused("collected", "该证书已确认领取"))?;
    tx.commit().await?;
    Ok(())
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
