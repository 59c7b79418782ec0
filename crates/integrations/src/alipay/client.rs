//! 支付宝开放平台客户端 — page/wap pay forms, trade query, close, refund, refund query and
//! the bill, signed with our app key and checked with Alipay's public key. The simulator
//! is reached through this same code; only the gateway URL and the keys differ.

use std::{collections::BTreeMap, time::Duration};

use chrono::{FixedOffset, NaiveDate, Utc};
use serde_json::{Value, json};
use zc_domain::payment::Fen;
use zc_services::payments::gateway::{
    BillLine, CashierForm, GatewayError, NotifyRejection, PaymentGateway, RefundOutcome,
    TradeRequest, TradeState, VerifiedNotify,
};

use super::sign::{SigningKey, VerifyingKey, notify_content, request_content, response_node};

/// How to reach Alipay (or the simulator).
#[derive(Debug)]
pub struct AlipayConfig {
    /// `https://openapi.alipay.com/gateway.do`, the sandbox's, or the simulator's.
    pub gateway: String,
    pub app_id: String,
    /// The merchant's PID (`2088…`), which every notify must name.
    pub seller_id: String,
    pub app_key: SigningKey,
    pub alipay_key: VerifyingKey,
    /// Where Alipay posts notifies.
    pub notify_url: String,
    /// Certificate mode: `app_cert_sn` and `alipay_root_cert_sn`, sent with every request.
    pub cert_sn: Option<(String, String)>,
}

/// The Alipay client.
#[derive(Debug)]
pub struct AlipayClient {
    config: AlipayConfig,
    http: reqwest::Client,
}

fn china_now() -> String {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now()
        .with_timezone(&china)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn unreachable(e: impl std::fmt::Display) -> GatewayError {
    GatewayError::Unreachable(e.to_string())
}

impl AlipayClient {
    /// A client; requests time out after 10 seconds (a slow gateway leaves the order 支付中
    /// for the query sweep rather than holding the person's page).
    pub fn new(config: AlipayConfig) -> anyhow::Result<AlipayClient> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(AlipayClient { config, http })
    }

    /// The common parameters of a request for `method`, signed with `biz`.
    pub fn signed_params(
        &self,
        method: &str,
        biz: &Value,
        extra: &[(&str, &str)],
    ) -> Result<BTreeMap<String, String>, GatewayError> {
        let mut p: BTreeMap<String, String> = BTreeMap::new();
        let mut put = |k: &str, v: &str| {
            p.insert(k.to_string(), v.to_string());
        };
        put("app_id", &self.config.app_id);
        put("method", method);
        put("format", "JSON");
        put("charset", "utf-8");
        put("sign_type", "RSA2");
        put("timestamp", &china_now());
        put("version", "1.0");
        put("biz_content", &biz.to_string());
        if let Some((app, root)) = &self.config.cert_sn {
            put("app_cert_sn", app);
            put("alipay_root_cert_sn", root);
        }
        for (k, v) in extra {
            put(k, v);
        }
        let sign = self
            .config
            .app_key
            .sign(&request_content(&p))
            .map_err(|_| GatewayError::Unconfigured)?;
        p.insert("sign".into(), sign);
        Ok(p)
    }

    fn endpoint(&self) -> String {
        format!("{}?charset=utf-8", self.config.gateway)
    }

    /// Calls an API method and returns its verified `…_response` node.
    async fn call(&self, method: &str, biz: Value) -> Result<Value, GatewayError> {
        let params = self.signed_params(method, &biz, &[])?;
        let body = self
            .http
            .post(self.endpoint())
            .form(&params)
            .send()
            .await
            .map_err(unreachable)?
            .text()
            .await
            .map_err(unreachable)?;
        let node = format!("{}_response", method.replace('.', "_"));
        let (raw, sign) = response_node(&body, &node)
            .ok_or_else(|| unreachable(format!("unexpected answer to {method}")))?;
        let value: Value = serde_json::from_str(raw).map_err(unreachable)?;
        let code = value["code"].as_str().unwrap_or_default().to_string();
        // An error answer may come unsigned (e.g. our own signature was refused); it is
        // never acted on as success, so it is reported rather than dropped.
        let signed = sign
            .as_deref()
            .is_some_and(|s| self.config.alipay_key.verify(raw, s));
        if code == "10000" && !signed {
            return Err(GatewayError::BadSignature);
        }
        if code != "10000" {
            let sub = value["sub_code"].as_str().unwrap_or(&code).to_string();
            let msg = value["sub_msg"]
                .as_str()
                .or(value["msg"].as_str())
                .unwrap_or_default()
                .to_string();
            return Err(GatewayError::Refused {
                code: sub,
                message: msg,
            });
        }
        Ok(value)
    }
}

fn fen_of(value: &Value, key: &str) -> Option<Fen> {
    value[key].as_str().and_then(|s| Fen::parse_yuan(s).ok())
}

#[async_trait::async_trait]
impl PaymentGateway for AlipayClient {
    fn channel(&self) -> &'static str {
        "支付宝"
    }

    fn cashier_form(&self, t: &TradeRequest<'_>) -> Result<CashierForm, GatewayError> {
        let (method, mut biz) = if t.phone {
            (
                "alipay.trade.wap.pay",
                json!({"product_code": "QUICK_WAP_WAY", "quit_url": t.quit_url}),
            )
        } else {
            (
                "alipay.trade.page.pay",
                json!({"product_code": "FAST_INSTANT_TRADE_PAY"}),
            )
        };
        biz["out_trade_no"] = json!(t.out_trade_no);
        biz["total_amount"] = json!(t.amount.yuan());
        biz["subject"] = json!(t.subject);
        biz["time_expire"] = json!(t.time_expire);
        let params = self.signed_params(
            method,
            &biz,
            &[
                ("notify_url", &self.config.notify_url),
                ("return_url", t.return_url),
            ],
        )?;
        Ok(CashierForm {
            action: self.endpoint(),
            fields: params.into_iter().collect(),
        })
    }

    fn verify_notify(
        &self,
        params: &BTreeMap<String, String>,
    ) -> Result<VerifiedNotify, NotifyRejection> {
        let sign = params.get("sign").ok_or(NotifyRejection::Missing("sign"))?;
        if !self.config.alipay_key.verify(&notify_content(params), sign) {
            return Err(NotifyRejection::BadSignature);
        }
        let field = |k: &'static str| {
            params
                .get(k)
                .filter(|v| !v.is_empty())
                .cloned()
                .ok_or(NotifyRejection::Missing(k))
        };
        if field("app_id")? != self.config.app_id {
            return Err(NotifyRejection::OtherApp);
        }
        Ok(VerifiedNotify {
            notify_id: field("notify_id")?,
            out_trade_no: field("out_trade_no")?,
            trade_no: field("trade_no")?,
            trade_status: field("trade_status")?,
            total_amount: field("total_amount")?,
            seller_id: params.get("seller_id").cloned().unwrap_or_default(),
        })
    }

    fn seller_id(&self) -> &str {
        &self.config.seller_id
    }

    async fn query(&self, out_trade_no: &str) -> Result<TradeState, GatewayError> {
        match self
            .call(
                "alipay.trade.query",
                json!({ "out_trade_no": out_trade_no }),
            )
            .await
        {
            Ok(v) => Ok(match v["trade_status"].as_str().unwrap_or_default() {
                "TRADE_SUCCESS" | "TRADE_FINISHED" => TradeState::Paid {
                    trade_no: v["trade_no"].as_str().unwrap_or_default().to_string(),
                    amount: fen_of(&v, "total_amount").unwrap_or_default(),
                },
                "TRADE_CLOSED" => TradeState::Closed,
                _ => TradeState::WaitBuyerPay,
            }),
            Err(GatewayError::Refused { code, .. }) if code == "ACQ.TRADE_NOT_EXIST" => {
                Ok(TradeState::NotExist)
            }
            Err(e) => Err(e),
        }
    }

    async fn close(&self, out_trade_no: &str) -> Result<(), GatewayError> {
        match self
            .call(
                "alipay.trade.close",
                json!({ "out_trade_no": out_trade_no }),
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(GatewayError::Refused { code, .. }) if code == "ACQ.TRADE_NOT_EXIST" => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn refund(
        &self,
        out_trade_no: &str,
        out_request_no: &str,
        amount: Fen,
        reason: &str,
    ) -> Result<RefundOutcome, GatewayError> {
        let v = self
            .call(
                "alipay.trade.refund",
                json!({
                    "out_trade_no": out_trade_no,
                    "out_request_no": out_request_no,
                    "refund_amount": amount.yuan(),
                    "refund_reason": reason,
                }),
            )
            .await?;
        Ok(RefundOutcome {
            done: v["fund_change"].as_str() == Some("Y"),
            amount: fen_of(&v, "refund_fee").unwrap_or(amount),
        })
    }

    async fn refund_query(
        &self,
        out_trade_no: &str,
        out_request_no: &str,
    ) -> Result<RefundOutcome, GatewayError> {
        let v = self
            .call(
                "alipay.trade.fastpay.refund.query",
                json!({ "out_trade_no": out_trade_no, "out_request_no": out_request_no }),
            )
            .await?;
        let amount = fen_of(&v, "refund_amount");
        Ok(RefundOutcome {
            done: v["refund_status"].as_str() == Some("REFUND_SUCCESS"),
            amount: amount.unwrap_or_default(),
        })
    }

    async fn bill(&self, day: NaiveDate) -> Result<Vec<BillLine>, GatewayError> {
        let v = self
            .call(
                "alipay.data.dataservice.bill.downloadurl.query",
                json!({ "bill_type": "trade", "bill_date": day.format("%Y-%m-%d").to_string() }),
            )
            .await?;
        let url = v["bill_download_url"]
            .as_str()
            .ok_or_else(|| unreachable("no bill_download_url"))?;
        let bytes = self
            .http
            .get(url)
            .send()
            .await
            .map_err(unreachable)?
            .bytes()
            .await
            .map_err(unreachable)?;
        super::bill::read_download(&bytes).map_err(unreachable)
    }
}
