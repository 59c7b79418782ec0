//! 邮寄 and 领取证书, the holder's side — choosing 现场领取 or 邮寄证书 (where the issuing
//! 职改办 mails, with a postage order in 费用管理) and confirming a mailed certificate has
//! arrived, which moves the dossier to 已领取. The office's side is `delivery_desk`.

use chrono::{DateTime, Duration, Utc};
use zc_db::{
    Db, Tx,
    certificates::CertificateRow,
    deliveries::{Chosen, DeliveryRow, Mailing},
};
use zc_domain::{
    application::{Event, Party},
    delivery::{Address, DeliveryMethod, DeliveryState, address_errors},
    payment::{OrderStatus, order_number},
};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
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
