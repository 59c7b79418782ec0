//! 订单状态 — the payment order's state machine. Every change of an order's status asks
//! `next_order_status` first and is then written compare-and-set, so a notify and a query
//! that confirm the same payment at once move the order once.

/// The status of a payment order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// 待支付 — created, no cashier opened yet (or the last one was abandoned).
    Pending,
    /// 支付中 — a trade was sent to the gateway; its outcome is not known yet.
    Paying,
    /// 已支付
    Paid,
    /// 已关闭 — closed unpaid (the payment window ended).
    Closed,
    /// 部分退款
    PartlyRefunded,
    /// 已退款 — refunded in full.
    Refunded,
}

impl OrderStatus {
    /// Every status, in the order of the filter menu.
    pub const ALL: [OrderStatus; 6] = [
        Self::Pending,
        Self::Paying,
        Self::Paid,
        Self::Closed,
        Self::PartlyRefunded,
        Self::Refunded,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paying => "paying",
            Self::Paid => "paid",
            Self::Closed => "closed",
            Self::PartlyRefunded => "partly_refunded",
            Self::Refunded => "refunded",
        }
    }

    /// The seed's wording.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待支付",
            Self::Paying => "支付中",
            Self::Paid => "已支付",
            Self::Closed => "已关闭",
            Self::PartlyRefunded => "部分退款",
            Self::Refunded => "已退款",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the person can still pay it (立即支付).
    pub fn payable(self) -> bool {
        matches!(self, Self::Pending | Self::Paying)
    }

    /// Whether money was received (refunds included: the money came in first).
    pub fn money_received(self) -> bool {
        matches!(self, Self::Paid | Self::PartlyRefunded | Self::Refunded)
    }
}

/// What happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    /// A trade was sent to the gateway (立即支付).
    StartPay,
    /// The gateway confirmed payment (a verified notify or a query).
    Paid,
    /// The gateway says the last trade does not exist or was closed unpaid.
    TradeAbandoned,
    /// The payment window ended unpaid, or staff closed it.
    Close,
    /// Money went back; `in_full` when nothing is left.
    Refund { in_full: bool },
}

/// Why an event does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrderRefusal {
    #[error("该订单已支付")]
    AlreadyPaid,
    /// Money arrived for an order already closed: it must be refunded.
    #[error("该订单已关闭，收到的款项需要退回")]
    PaidAfterClose,
    #[error("该订单已关闭，不能再支付")]
    Closed,
    #[error("该订单未收款或已全额退款，不能退款")]
    NothingToRefund,
    #[error("订单状态已经变化，请刷新后查看")]
    WrongStatus,
}

/// The status after `event`, or why not.
pub fn next_order_status(
    from: OrderStatus,
    event: OrderEvent,
) -> Result<OrderStatus, OrderRefusal> {
    use OrderStatus as S;
    match (from, event) {
        (S::Pending | S::Paying, OrderEvent::StartPay) => Ok(S::Paying),
        (S::Pending | S::Paying, OrderEvent::Paid) => Ok(S::Paid),
        (S::Paying, OrderEvent::TradeAbandoned) => Ok(S::Pending),
        (S::Pending | S::Paying, OrderEvent::Close) => Ok(S::Closed),
        (S::Paid | S::PartlyRefunded, OrderEvent::Refund { in_full: true }) => Ok(S::Refunded),
        (S::Paid | S::PartlyRefunded, OrderEvent::Refund { in_full: false }) => {
            Ok(S::PartlyRefunded)
        }
        (S::Closed, OrderEvent::Paid) => Err(OrderRefusal::PaidAfterClose),
        (S::Closed, OrderEvent::StartPay) => Err(OrderRefusal::Closed),
        (s, OrderEvent::Paid | OrderEvent::StartPay | OrderEvent::Close) if s.money_received() => {
            Err(OrderRefusal::AlreadyPaid)
        }
        (_, OrderEvent::Refund { .. }) => Err(OrderRefusal::NothingToRefund),
        _ => Err(OrderRefusal::WrongStatus),
    }
}

/// 开票状态
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// 未开票
    NotIssued,
    /// 已开票
    Issued,
}

impl InvoiceStatus {
    /// From the stored invoice number: issued once staff entered one.
    pub fn of(invoice_number: &str) -> Self {
        if invoice_number.trim().is_empty() {
            Self::NotIssued
        } else {
            Self::Issued
        }
    }

    /// The seed's wording.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotIssued => "未开票",
            Self::Issued => "已开票",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus as S;

    #[test]
    fn an_order_is_paid_once_and_can_be_refunded_in_parts() {
        let s = next_order_status(S::Pending, OrderEvent::StartPay).unwrap();
        assert_eq!(s, S::Paying);
        assert_eq!(next_order_status(s, OrderEvent::StartPay), Ok(S::Paying));
        let s = next_order_status(s, OrderEvent::Paid).unwrap();
        assert_eq!(s, S::Paid);
        assert_eq!(
            next_order_status(s, OrderEvent::Paid),
            Err(OrderRefusal::AlreadyPaid)
        );
        let s = next_order_status(s, OrderEvent::Refund { in_full: false }).unwrap();
        assert_eq!(s, S::PartlyRefunded);
        let s = next_order_status(s, OrderEvent::Refund { in_full: true }).unwrap();
        assert_eq!(s, S::Refunded);
        assert_eq!(
            next_order_status(s, OrderEvent::Refund { in_full: true }),
            Err(OrderRefusal::NothingToRefund)
        );
    }

    #[test]
    fn a_closed_order_takes_no_payment_and_flags_money_that_arrives() {
        let s = next_order_status(S::Paying, OrderEvent::Close).unwrap();
        assert_eq!(s, S::Closed);
        assert_eq!(
            next_order_status(s, OrderEvent::Paid),
            Err(OrderRefusal::PaidAfterClose)
        );
        assert_eq!(
            next_order_status(s, OrderEvent::StartPay),
            Err(OrderRefusal::Closed)
        );
        assert_eq!(
            next_order_status(S::Paid, OrderEvent::Close),
            Err(OrderRefusal::AlreadyPaid)
        );
        assert_eq!(
            next_order_status(S::Pending, OrderEvent::Refund { in_full: true }),
            Err(OrderRefusal::NothingToRefund)
        );
    }

    #[test]
    fn an_abandoned_trade_lets_the_person_pay_again() {
        assert_eq!(
            next_order_status(S::Paying, OrderEvent::TradeAbandoned),
            Ok(S::Pending)
        );
        assert_eq!(
            next_order_status(S::Paid, OrderEvent::TradeAbandoned),
            Err(OrderRefusal::WrongStatus)
        );
    }

    #[test]
    fn codes_round_trip_and_invoices_follow_the_number() {
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
        }
        assert_eq!(InvoiceStatus::of("  ").label(), "未开票");
        assert_eq!(InvoiceStatus::of("044001900111").label(), "已开票");
    }
}
