//! 支付宝模拟器 — a local gateway that speaks Alipay's protocol, for the demo and the tests:
//! it checks our signed requests with our app's public key exactly as Alipay would, shows
//! a cashier with 付款 / 取消, sends a signed notify, redirects back with signed return
//! parameters, and answers query, close, refund, refund query and bill requests signed
//! with its own key. Its trades live in memory; it is never mounted outside demo mode.

use std::{collections::BTreeMap, collections::HashMap, sync::Arc, time::Duration};

use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use zc_domain::payment::Fen;
use zc_services::payments::gateway::BillLine;

use super::sign::{SigningKey, VerifyingKey, notify_content, request_content};

/// Where the simulator is mounted.
pub const GATEWAY_PATH: &str = "/dev/alipay/gateway.do";

/// The simulator's settings.
#[derive(Debug)]
pub struct SimulatorConfig {
    /// The simulator's own key: it plays Alipay's private key.
    pub key: SigningKey,
    /// Our app's public key, which every request must verify against.
    pub merchant_key: VerifyingKey,
    pub app_id: String,
    pub seller_id: String,
    /// The platform's own address, for the bill download URL.
    pub public_url: String,
}

#[derive(Debug, Clone)]
struct SimTrade {
    trade_no: String,
    amount: Fen,
    subject: String,
    status: &'static str,
    notify_url: String,
    return_url: String,
    token: String,
    paid_at: Option<DateTime<Utc>>,
    refunds: BTreeMap<String, Fen>,
}

impl SimTrade {
    fn refunded(&self) -> Fen {
        Fen(self.refunds.values().map(|f| f.0).sum())
    }
}

struct Sim {
    config: SimulatorConfig,
    trades: Mutex<HashMap<String, SimTrade>>,
    http: reqwest::Client,
}

/// The simulator's routes, to merge into the demo server.
pub fn router(config: SimulatorConfig) -> Router {
    let sim = Arc::new(Sim {
        config,
        trades: Mutex::new(HashMap::new()),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default(),
    });
    Router::new()
        .route(GATEWAY_PATH, get(gateway_get).post(gateway_post))
        .route("/dev/alipay/cashier/pay", post(pay))
        .route("/dev/alipay/cashier/cancel", post(cancel))
        .route("/dev/alipay/bill/{day}", get(bill_file))
        .with_state(sim)
}

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

fn china_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn random_digits(n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

async fn gateway_get(
    State(sim): State<Arc<Sim>>,
    Query(p): Query<BTreeMap<String, String>>,
) -> Response {
    gateway(sim, p).await
}

async fn gateway_post(
    State(sim): State<Arc<Sim>>,
    Form(p): Form<BTreeMap<String, String>>,
) -> Response {
    gateway(sim, p).await
}

/// A signed JSON answer, as Alipay sends: the node's exact text is what is signed.
fn answer(sim: &Sim, method: &str, node: Value) -> Response {
    let name = format!("{}_response", method.replace('.', "_"));
    let text = node.to_string();
    let sign = sim.config.key.sign(&text).unwrap_or_default();
    let body = format!("{{\"{name}\":{text},\"sign\":\"{sign}\"}}");
    (
        [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
        body,
    )
        .into_response()
}

fn failure(sub_code: &str, sub_msg: &str) -> Value {
    json!({"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg})
}

fn page(title: &str, body: &str) -> Response {
    Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\">\
         <title>{0}</title><style>body{{font:16px/1.6 sans-serif;max-width:30rem;margin:2rem auto;\
         padding:0 1rem}}button{{font-size:1.1rem;padding:.6rem 1.4rem;margin:.3rem}}\
         .sim{{background:#fff3cd;padding:.4rem .8rem}}</style></head><body>\
         <p class=\"sim\">本地支付宝模拟器（演示模式，不会真实扣款）</p><h1>{0}</h1>{1}</body></html>",
        escape(title),
        body
    ))
    .into_response()
}

async fn gateway(sim: Arc<Sim>, p: BTreeMap<String, String>) -> Response {
    let method = p.get("method").cloned().unwrap_or_default();
    let signed = p
        .get("sign")
        .is_some_and(|s| sim.config.merchant_key.verify(&request_content(&p), s));
    let biz: Value = p
        .get("biz_content")
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    let cashier = method == "alipay.trade.page.pay" || method == "alipay.trade.wap.pay";
    if p.get("app_id") != Some(&sim.config.app_id) || !signed {
        let why = if signed {
            "isv.invalid-app-id"
        } else {
            "isv.invalid-signature"
        };
        if cashier {
            return (
                StatusCode::BAD_REQUEST,
                page(
                    "支付请求无效",
                    &format!("<p>错误代码：{why}（验签失败或应用不符）</p>"),
                ),
            )
                .into_response();
        }
        let node = json!({"code": "40002", "msg": "Invalid Arguments", "sub_code": why, "sub_msg": "验签出错"});
        return answer(&sim, &method, node);
    }
    let out_trade_no = biz["out_trade_no"].as_str().unwrap_or_default().to_string();
    match method.as_str() {
        m if m == "alipay.trade.page.pay" || m == "alipay.trade.wap.pay" => {
            open_cashier(&sim, &p, &biz, &out_trade_no).await
        }
        "alipay.trade.query" => {
            let trades = sim.trades.lock().await;
            let node = match trades.get(&out_trade_no) {
                Some(t) => json!({
                    "code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                    "trade_no": t.trade_no, "trade_status": t.status,
                    "total_amount": t.amount.yuan(), "buyer_logon_id": "zc***@example.com",
                }),
                None => failure("ACQ.TRADE_NOT_EXIST", "交易不存在"),
            };
            answer(&sim, &method, node)
        }
        "alipay.trade.close" => {
            let mut trades = sim.trades.lock().await;
            let node = match trades.get_mut(&out_trade_no) {
                Some(t) if t.status == "WAIT_BUYER_PAY" => {
                    t.status = "TRADE_CLOSED";
                    json!({"code": "10000", "msg": "Success", "out_trade_no": out_trade_no, "trade_no": t.trade_no})
                }
                Some(_) => failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"),
                None => failure("ACQ.TRADE_NOT_EXIST", "交易不存在"),
            };
            answer(&sim, &method, node)
        }
        "alipay.trade.refund" => {
            let request_no = biz["out_request_no"].as_str().unwrap_or(&out_trade_no);
            let amount = biz["refund_amount"]
                .as_str()
                .and_then(|a| Fen::parse_yuan(a).ok());
            let mut trades = sim.trades.lock().await;
            let node = match (trades.get_mut(&out_trade_no), amount) {
                (None, _) => failure("ACQ.TRADE_NOT_EXIST", "交易不存在"),
                (Some(_), None) => failure("ACQ.REFUND_FEE_ERROR", "退款金额无效"),
                (Some(t), Some(a)) => {
                    let repeated = t.refunds.contains_key(request_no);
                    if t.paid_at.is_none() {
                        failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
                    } else if !repeated && t.refunded().0 + a.0 > t.amount.0 {
                        failure("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
                    } else {
                        if !repeated {
                            t.refunds.insert(request_no.to_string(), a);
                        }
                        if t.refunded() == t.amount {
                            t.status = "TRADE_CLOSED";
                        }
                        json!({
                            "code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                            "trade_no": t.trade_no, "fund_change": if repeated { "N" } else { "Y" },
                            "refund_fee": t.refunded().yuan(),
                        })
                    }
                }
            };
            answer(&sim, &method, node)
        }
        "alipay.trade.fastpay.refund.query" => {
            let request_no = biz["out_request_no"].as_str().unwrap_or_default();
            let trades = sim.trades.lock().await;
            let node = match trades.get(&out_trade_no) {
                None => failure("ACQ.TRADE_NOT_EXIST", "交易不存在"),
                Some(t) => match t.refunds.get(request_no) {
                    Some(a) => json!({
                        "code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                        "out_request_no": request_no, "refund_amount": a.yuan(),
                        "total_amount": t.amount.yuan(), "refund_status": "REFUND_SUCCESS",
                    }),
                    // Alipay answers success with no refund fields when there is none.
                    None => {
                        json!({"code": "10000", "msg": "Success", "out_trade_no": out_trade_no})
                    }
                },
            };
            answer(&sim, &method, node)
        }
        "alipay.data.dataservice.bill.downloadurl.query" => {
            let day = biz["bill_date"].as_str().unwrap_or_default();
            let url = format!(
                "{}/dev/alipay/bill/{}",
                sim.config.public_url.trim_end_matches('/'),
                day
            );
            answer(
                &sim,
                &method,
                json!({"code": "10000", "msg": "Success", "bill_download_url": url}),
            )
        }
        _ => answer(
            &sim,
            &method,
            json!({"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method", "sub_msg": "模拟器不支持该接口"}),
        ),
    }
}

async fn open_cashier(
    sim: &Sim,
    p: &BTreeMap<String, String>,
    biz: &Value,
    out_trade_no: &str,
) -> Response {
    let amount = biz["total_amount"]
        .as_str()
        .and_then(|a| Fen::parse_yuan(a).ok());
    let (Some(amount), false) = (amount, out_trade_no.is_empty()) else {
        return (
            StatusCode::BAD_REQUEST,
            page("支付请求无效", "<p>缺少订单号或金额</p>"),
        )
            .into_response();
    };
    let subject = biz["subject"].as_str().unwrap_or_default().to_string();
    let mut trades = sim.trades.lock().await;
    let trade = trades
        .entry(out_trade_no.to_string())
        .or_insert_with(|| SimTrade {
            trade_no: format!(
                "{}2200{}",
                Utc::now().with_timezone(&china()).format("%Y%m%d"),
                random_digits(12)
            ),
            amount,
            subject: subject.clone(),
            status: "WAIT_BUYER_PAY",
            notify_url: String::new(),
            return_url: String::new(),
            token: random_digits(20),
            paid_at: None,
            refunds: BTreeMap::new(),
        });
    if trade.amount != amount {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "支付请求无效",
                "<p>同一订单号的金额与之前不同（ACQ.CONTEXT_INCONSISTENT）</p>",
            ),
        )
            .into_response();
    }
    if trade.status != "WAIT_BUYER_PAY" {
        return page(
            "该订单不能支付",
            &format!("<p>交易状态：{}</p>", escape(trade.status)),
        );
    }
    trade.notify_url = p.get("notify_url").cloned().unwrap_or_default();
    trade.return_url = p.get("return_url").cloned().unwrap_or_default();
    let hidden = format!(
        "<input type=\"hidden\" name=\"out_trade_no\" value=\"{}\">\
         <input type=\"hidden\" name=\"token\" value=\"{}\">",
        escape(out_trade_no),
        trade.token
    );
    page(
        "支付宝收银台",
        &format!(
            "<dl><dt>商品</dt><dd id=\"subject\">{}</dd><dt>订单号</dt><dd>{}</dd>\
             <dt>应付金额</dt><dd id=\"amount\">¥{}</dd></dl>\
             <form method=\"post\" action=\"/dev/alipay/cashier/pay\">{hidden}\
             <button id=\"sim-pay\" type=\"submit\">付款</button></form>\
             <form method=\"post\" action=\"/dev/alipay/cashier/cancel\">{hidden}\
             <button id=\"sim-cancel\" type=\"submit\">取消</button></form>",
            escape(&subject),
            escape(out_trade_no),
            amount.yuan()
        ),
    )
}

#[derive(serde::Deserialize)]
struct CashierAction {
    out_trade_no: String,
    token: String,
}

async fn pay(State(sim): State<Arc<Sim>>, Form(f): Form<CashierAction>) -> Response {
    let now = Utc::now();
    let (notify_url, return_url, params) = {
        let mut trades = sim.trades.lock().await;
        let Some(t) = trades
            .get_mut(&f.out_trade_no)
            .filter(|t| t.token == f.token)
        else {
            return (StatusCode::NOT_FOUND, page("交易不存在", "")).into_response();
        };
        if t.status == "WAIT_BUYER_PAY" {
            t.status = "TRADE_SUCCESS";
            t.paid_at = Some(now);
        }
        let mut n: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in [
            ("notify_time", china_time(now)),
            ("notify_type", "trade_status_sync".into()),
            ("notify_id", random_digits(24)),
            ("charset", "utf-8".into()),
            ("version", "1.0".into()),
            ("sign_type", "RSA2".into()),
            ("app_id", sim.config.app_id.clone()),
            ("seller_id", sim.config.seller_id.clone()),
            ("out_trade_no", f.out_trade_no.clone()),
            ("trade_no", t.trade_no.clone()),
            ("trade_status", t.status.to_string()),
            ("total_amount", t.amount.yuan()),
            ("receipt_amount", t.amount.yuan()),
            ("buyer_pay_amount", t.amount.yuan()),
            ("subject", t.subject.clone()),
            ("gmt_create", china_time(now)),
            ("gmt_payment", china_time(t.paid_at.unwrap_or(now))),
        ] {
            n.insert(k.to_string(), v);
        }
        let sign = sim.config.key.sign(&notify_content(&n)).unwrap_or_default();
        n.insert("sign".into(), sign);
        (t.notify_url.clone(), t.return_url.clone(), n)
    };
    // Alipay retries until it reads `success`; the simulator tries a few times.
    let http = sim.http.clone();
    let notify = params.clone();
    tokio::spawn(async move {
        for wait in [0u64, 1, 3, 10] {
            tokio::time::sleep(Duration::from_secs(wait)).await;
            if let Ok(r) = http.post(&notify_url).form(&notify).send().await
                && r.text().await.is_ok_and(|b| b == "success")
            {
                return;
            }
        }
        tracing::warn!(url = %notify_url, "simulated notify was not answered with success");
    });
    back(&sim, &return_url, &f.out_trade_no, Some(&params))
}

async fn cancel(State(sim): State<Arc<Sim>>, Form(f): Form<CashierAction>) -> Response {
    let return_url = {
        let trades = sim.trades.lock().await;
        match trades.get(&f.out_trade_no).filter(|t| t.token == f.token) {
            Some(t) => t.return_url.clone(),
            None => return (StatusCode::NOT_FOUND, page("交易不存在", "")).into_response(),
        }
    };
    back(&sim, &return_url, &f.out_trade_no, None)
}

/// Redirects to the merchant's return URL with signed parameters (after payment), or the
/// bare URL (after 取消).
fn back(
    sim: &Sim,
    return_url: &str,
    out_trade_no: &str,
    paid: Option<&BTreeMap<String, String>>,
) -> Response {
    let Some(n) = paid else {
        return Redirect::to(return_url).into_response();
    };
    let mut r: BTreeMap<String, String> = BTreeMap::new();
    for k in ["app_id", "seller_id", "trade_no", "total_amount", "charset"] {
        if let Some(v) = n.get(k) {
            r.insert(k.to_string(), v.clone());
        }
    }
    r.insert("out_trade_no".into(), out_trade_no.to_string());
    r.insert("method".into(), "alipay.trade.page.pay.return".into());
    r.insert("timestamp".into(), china_time(Utc::now()));
    r.insert("version".into(), "1.0".into());
    r.insert("sign_type".into(), "RSA2".into());
    let sign = sim.config.key.sign(&notify_content(&r)).unwrap_or_default();
    r.insert("sign".into(), sign);
    let query = serde_urlencoded::to_string(&r).unwrap_or_default();
    let sep = if return_url.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{return_url}{sep}{query}")).into_response()
}

async fn bill_file(State(sim): State<Arc<Sim>>, Path(day): Path<String>) -> Response {
    let Ok(date) = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let trades = sim.trades.lock().await;
    let mut lines: Vec<BillLine> = trades
        .iter()
        .filter(|(_, t)| {
            t.paid_at
                .is_some_and(|p| p.with_timezone(&china()).date_naive() == date)
        })
        .map(|(no, t)| BillLine {
            out_trade_no: no.clone(),
            trade_no: t.trade_no.clone(),
            amount: t.amount,
        })
        .collect();
    lines.sort_by(|a, b| a.out_trade_no.cmp(&b.out_trade_no));
    match super::bill::write_zip(&day, &lines) {
        Ok(zip) => ([(header::CONTENT_TYPE, "application/zip")], zip).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}
