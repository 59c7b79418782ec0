//! 支付通道 — what the platform needs from a payment gateway. The Alipay client in
//! `zc-integrations` implements it, for the real gateway and for the local simulator alike
//! (only the URL and keys differ); `Unconfigured` stands in when no gateway is set up.

use std::collections::BTreeMap;

use zc_domain::payment::Fen;

/// A trade to open at the gateway's cashier.
#[derive(Debug, Clone)]
pub struct TradeRequest<'a> {
    pub out_trade_no: &'a str,
    pub amount: Fen,
    /// The 费用事项, shown at the cashier.
    pub subject: &'a str,
    /// Phone cashier (`wap.pay`) rather than the desktop one (`page.pay`).
    pub phone: bool,
    /// Where the browser comes back to.
    pub return_url: &'a str,
    /// Where the phone cashier's 返回 leads.
    pub quit_url: &'a str,
    /// When the cashier stops accepting payment (China time, `yyyy-MM-dd HH:mm:ss`).
    pub time_expire: &'a str,
}

/// A form the browser submits to reach the cashier.
#[derive(Debug, Clone)]
pub struct CashierForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

/// What the gateway says about a trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeState {
    /// `ACQ.TRADE_NOT_EXIST`: the cashier was never opened — not paid.
    NotExist,
    /// `WAIT_BUYER_PAY`
    WaitBuyerPay,
    /// `TRADE_CLOSED`: closed unpaid, or refunded in full.
    Closed,
    /// `TRADE_SUCCESS` / `TRADE_FINISHED`, with the gateway's trade number and amount.
    Paid { trade_no: String, amount: Fen },
}

/// A refund's outcome as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundOutcome {
    /// The gateway moved the money (`fund_change = Y`, or the refund query finds it).
    pub done: bool,
    pub amount: Fen,
}

/// A line of the gateway's daily bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub out_trade_no: String,
    pub trade_no: String,
    pub amount: Fen,
}

/// A notify whose signature and `app_id` checked out.
#[derive(Debug, Clone)]
pub struct VerifiedNotify {
    pub notify_id: String,
    pub out_trade_no: String,
    pub trade_no: String,
    pub trade_status: String,
    pub total_amount: String,
    pub seller_id: String,
}

/// Why a notify was not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyRejection {
    #[error("签名校验失败")]
    BadSignature,
    #[error("缺少字段 {0}")]
    Missing(&'static str),
    #[error("不是本应用的通知")]
    OtherApp,
}

/// A failure talking to the gateway: it may be down, slow, or answer an error.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("支付宝暂时无法连接，请稍后再试")]
    Unreachable(String),
    #[error("支付宝返回错误：{code} {message}")]
    Refused { code: String, message: String },
    #[error("支付宝应答签名校验失败")]
    BadSignature,
    #[error("未配置网上支付")]
    Unconfigured,
}

/// A payment gateway.
#[async_trait::async_trait]
pub trait PaymentGateway: Send + Sync + 'static {
    /// The channel name shown as 支付渠道, e.g. 支付宝.
    fn channel(&self) -> &'static str;
    /// The signed form that opens the cashier for `trade`.
    fn cashier_form(&self, trade: &TradeRequest<'_>) -> Result<CashierForm, GatewayError>;
    /// Verifies a notify (signature and `app_id`); the order checks are the caller's.
    fn verify_notify(
        &self,
        params: &BTreeMap<String, String>,
    ) -> Result<VerifiedNotify, NotifyRejection>;
    /// The seller the notifies must name.
    fn seller_id(&self) -> &str;
    /// `alipay.trade.query`
    async fn query(&self, out_trade_no: &str) -> Result<TradeState, GatewayError>;
    /// `alipay.trade.close`; a trade that does not exist counts as closed.
    async fn close(&self, out_trade_no: &str) -> Result<(), GatewayError>;
    /// `alipay.trade.refund`, idempotent on `out_request_no`.
    async fn refund(
        &self,
        out_trade_no: &str,
        out_request_no: &str,
        amount: Fen,
        reason: &str,
    ) -> Result<RefundOutcome, GatewayError>;
    /// `alipay.trade.fastpay.refund.query`
    async fn refund_query(
        &self,
        out_trade_no: &str,
        out_request_no: &str,
    ) -> Result<RefundOutcome, GatewayError>;
    /// The trades of a China day's bill (`alipay.data.dataservice.bill.downloadurl.query`,
    /// then the file it points to).
    async fn bill(&self, day: chrono::NaiveDate) -> Result<Vec<BillLine>, GatewayError>;
}

/// No gateway configured: orders can be seen, not paid.
#[derive(Debug, Default)]
pub struct Unconfigured;

#[async_trait::async_trait]
impl PaymentGateway for Unconfigured {
    fn channel(&self) -> &'static str {
        "支付宝"
    }
    fn cashier_form(&self, _: &TradeRequest<'_>) -> Result<CashierForm, GatewayError> {
        Err(GatewayError::Unconfigured)
    }
    fn verify_notify(
        &self,
        _: &BTreeMap<String, String>,
    ) -> Result<VerifiedNotify, NotifyRejection> {
        Err(NotifyRejection::OtherApp)
    }
    fn seller_id(&self) -> &str {
        ""
    }
    async fn query(&self, _: &str) -> Result<TradeState, GatewayError> {
        Err(GatewayError::Unconfigured)
    }
    async fn close(&self, _: &str) -> Result<(), GatewayError> {
        Err(GatewayError::Unconfigured)
    }
    async fn refund(
        &self,
        _: &str,
        _: &str,
        _: Fen,
        _: &str,
    ) -> Result<RefundOutcome, GatewayError> {
        Err(GatewayError::Unconfigured)
    }
    async fn refund_query(&self, _: &str, _: &str) -> Result<RefundOutcome, GatewayError> {
        Err(GatewayError::Unconfigured)
    }
    async fn bill(&self, _: chrono::NaiveDate) -> Result<Vec<BillLine>, GatewayError> {
        Err(GatewayError::Unconfigured)
    }
}
