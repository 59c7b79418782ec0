//! `/my/fees` — 费用管理 for the applicant: their orders with the seed's filters and
//! columns, 立即支付 (a page that submits the signed form to the cashier), and the return
//! from the cashier, which asks the gateway before it says anything about the payment.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::payment_orders::{OrderFilter, OrderRow, OrderScope};
use zc_domain::{
    Portal,
    payment::{Fen, InvoiceStatus, OrderStatus},
};
use zc_services::payments::orders::{self, ReturnTo};

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::{AppResult, refusal_message},
    middleware::security_headers::FormActionOrigin,
    pager::Pager,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fees", get(list))
        .route("/fees/{id}/pay", post(pay))
        .route("/fees/{id}/return", get(returned))
        .route("/fees/{id}/confirm", post(confirm))
}

/// An order as its lists show it.
pub struct OrderView {
    pub id: i64,
    pub order_no: String,
    pub trade_no: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub item: String,
    pub channel: String,
    pub amount: String,
    pub invoice: &'static str,
    pub invoice_number: String,
    pub invoice_link: String,
    pub time: String,
    pub payable: bool,
    pub payer: String,
    pub refunded: String,
    pub refund_due: bool,
    pub application_id: Option<i64>,
}

impl OrderView {
    /// The view of a row.
    pub fn of(o: &OrderRow) -> OrderView {
        let status = OrderStatus::from_code(&o.status);
        OrderView {
            id: o.id,
            order_no: o.order_no.clone().unwrap_or_default(),
            trade_no: o.trade_no.clone(),
            status: status.map_or("", OrderStatus::label),
            status_code: status.map_or("", OrderStatus::code),
            item: o.item_name.clone(),
            channel: o.channel.clone(),
            amount: Fen(o.amount_fen).yuan(),
            invoice: InvoiceStatus::of(&o.invoice_number).label(),
            invoice_number: o.invoice_number.clone(),
            invoice_link: o.invoice_link.clone(),
            time: format_time(o.paid_at.unwrap_or(o.created_at)),
            payable: status.is_some_and(OrderStatus::payable),
            payer: o.payer_name.clone().unwrap_or_default(),
            refunded: Fen(o.refunded_fen).yuan(),
            refund_due: o.refund_due,
            application_id: o.application_id,
        }
    }
}

/// The list filters, as typed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct FeeQuery {
    #[serde(default)]
    pub order_no: String,
    #[serde(default)]
    pub trade_no: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub item: String,
    // Kept as text: 缴费管理 flattens this into its own query, and flattened fields reach
    // serde as strings, so a number here would refuse every `?page=2`.
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
}

impl FeeQuery {
    /// The page and page size asked for (anything but a number means the default).
    pub fn paging(&self) -> (Option<u64>, Option<u64>) {
        let num = |v: &Option<String>| v.as_deref().and_then(|t| t.trim().parse().ok());
        (num(&self.page), num(&self.per_page))
    }

    /// The database filter (unknown statuses and channels mean "any").
    pub fn filter(&self) -> OrderFilter {
        let clip = |s: &str| s.trim().chars().take(64).collect::<String>();
        OrderFilter {
            order_no: clip(&self.order_no),
            trade_no: clip(&self.trade_no),
            status: OrderStatus::from_code(&self.status)
                .map(|s| s.code().to_string())
                .unwrap_or_default(),
            channel: if self.channel == "支付宝" {
                self.channel.clone()
            } else {
                String::new()
            },
            item: clip(&self.item),
            ..OrderFilter::default()
        }
    }

    /// The filters to keep on pager links.
    pub fn params(&self) -> Vec<(String, String)> {
        let f = self.filter();
        [
            ("order_no", f.order_no),
            ("trade_no", f.trade_no),
            ("status", f.status),
            ("channel", f.channel),
            ("item", f.item),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

/// One page of a scope's orders with the filter's totals, for the applicant's and the
/// staff's lists alike.
pub async fn order_page(
    state: &AppState,
    scope: OrderScope,
    filter: &OrderFilter,
    (page, per_page): (Option<u64>, Option<u64>),
    path: &str,
    params: Vec<(String, String)>,
) -> AppResult<(zc_db::payment_orders::OrderTotals, Pager, Vec<OrderView>)> {
    let totals = zc_db::payment_orders::totals(&state.db, scope, filter).await?;
    let pager = Pager::new(totals.count as u64, page, per_page, path, params);
    let rows = zc_db::payment_orders::list(
        &state.db,
        scope,
        filter,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .iter()
    .map(OrderView::of)
    .collect();
    Ok((totals, pager, rows))
}

/// The status choices of the filter: `(code, label)`.
pub fn status_choices() -> Vec<(&'static str, &'static str)> {
    OrderStatus::ALL
        .into_iter()
        .map(|s| (s.code(), s.label()))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "my/fees.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    q: FeeQuery,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<OrderView>,
    pager: Pager,
    message: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Notice {
    paid: Option<i64>,
    waiting: Option<i64>,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    q: FeeQuery,
    message: Option<String>,
    notice: Option<String>,
) -> AppResult<ListPage> {
    let user = ctx.signed_in()?;
    let scope = OrderScope::Payer(user.id);
    let filter = q.filter();
    let (_, pager, rows) =
        order_page(state, scope, &filter, q.paging(), "/my/fees", q.params()).await?;
    Ok(ListPage {
        nav: portal_nav(Portal::My, "/my/fees"),
        ctx,
        q,
        statuses: status_choices(),
        rows,
        pager,
        message,
        notice,
    })
}

async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<FeeQuery>,
    Query(n): Query<Notice>,
) -> AppResult<ListPage> {
    let notice = match (n.paid, n.waiting) {
        (Some(_), _) => Some("缴费成功，请留意评审会的相关信息。".to_string()),
        (_, Some(_)) => Some(
            "尚未收到支付宝的付款确认。如您已付款，系统会在几分钟内自动确认；如未付款，可再次点击“立即支付”。"
                .to_string(),
        ),
        _ => None,
    };
    render(&state, ctx, q, None, notice).await
}

#[derive(Template, WebTemplate)]
#[template(path = "my/cashier.html")]
struct CashierPage {
    ctx: PageContext,
    nav: Nav,
    action: String,
    fields: Vec<(String, String)>,
}

/// Phones get the phone cashier.
fn on_phone(headers: &HeaderMap) -> bool {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ua| {
            ["Mobile", "Android", "iPhone"]
                .iter()
                .any(|m| ua.contains(m))
        })
}

fn origin_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let scheme = url.split_once("://").map_or("https", |(s, _)| s);
    format!("{scheme}://{host}")
}

async fn pay(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let return_url = format!("{base}/my/fees/{id}/return");
    let quit_url = format!("{base}/my/fees");
    let result = orders::pay(
        &state.db,
        state.payments.as_ref(),
        user.id,
        id,
        on_phone(&headers),
        ReturnTo {
            return_url: &return_url,
            quit_url: &quit_url,
        },
    )
    .await;
    match result {
        Ok(form) => {
            let origin = origin_of(&form.action);
            let mut res = CashierPage {
                nav: portal_nav(Portal::My, "/my/fees"),
                ctx,
                action: form.action,
                fields: form.fields,
            }
            .into_response();
            res.extensions_mut().insert(FormActionOrigin(origin));
            Ok(res)
        }
        Err(e) => {
            let message = refusal_message(e)?;
            Ok(
                render(&state, ctx, FeeQuery::default(), Some(message), None)
                    .await?
                    .into_response(),
            )
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/fee_return.html")]
struct ReturnPage {
    ctx: PageContext,
    nav: Nav,
    order: OrderView,
}

/// Back from the cashier: nothing in the address is believed; the page asks the
/// platform to check with the gateway (a POST, so this GET changes nothing).
async fn returned(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<ReturnPage> {
    let order = orders::own(&state.db, user.id, id).await?;
    Ok(ReturnPage {
        nav: portal_nav(Portal::My, "/my/fees"),
        ctx,
        order: OrderView::of(&order),
    })
}

async fn confirm(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    match orders::confirm(&state.db, state.payments.as_ref(), user.id, id).await {
        Ok(o) if OrderStatus::from_code(&o.status).is_some_and(OrderStatus::money_received) => {
            Ok(Redirect::to(&format!("/my/fees?paid={id}")).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/my/fees?waiting={id}")).into_response()),
        Err(e) => {
            let message = refusal_message(e)?;
            Ok(
                render(&state, ctx, FeeQuery::default(), Some(message), None)
                    .await?
                    .into_response(),
            )
        }
    }
}
