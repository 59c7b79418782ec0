//! `/office/fees` and `/committee/fees` — 缴费管理: the orders of the 职改办's (or the
//! committee's) dossiers with filters and totals, each order's refunds and notifies,
//! 退款 with a reason, the invoice, an .xlsx export of the filtered list, and (for the
//! 职改办) reconciliation against the gateway's daily bill.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use zc_db::payment_orders::{OrderFilter, OrderScope};
use zc_domain::{Portal, calendar::china_day_start, payment::Fen};
use zc_services::{
    FieldErrors, ServiceError,
    payments::refunds::{self, in_scope, scope_of},
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, refusal_message, shown_on_page},
    pager::Pager,
    routes::my_fees::{FeeQuery, OrderView, order_page, status_choices},
    state::AppState,
    views::{Nav, format_date, format_time, portal_nav},
};

/// Routes under `/office` and `/committee` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fees", get(list))
        .route("/fees/export", get(export))
        .route("/fees/reconcile", post(reconcile))
        .route("/fees/{id}", get(show))
        .route("/fees/{id}/refund", post(refund))
        .route("/fees/{id}/invoice", post(invoice))
}

/// The portal the page was reached through.
fn portal_of(ctx: &PageContext) -> (Portal, &'static str) {
    if ctx.path.starts_with("/committee") {
        (Portal::Committee, "/committee")
    } else {
        (Portal::Office, "/office")
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
struct StaffQuery {
    #[serde(flatten)]
    q: FeeQuery,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    refund_due: String,
}

impl StaffQuery {
    fn filter(&self) -> OrderFilter {
        let day = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
        OrderFilter {
            created_from: day(&self.from).map(china_day_start),
            created_before: day(&self.until).map(|d| china_day_start(d + Duration::days(1))),
            refund_due: self.refund_due == "1",
            ..self.q.filter()
        }
    }

    fn params(&self) -> Vec<(String, String)> {
        let mut p = self.q.params();
        for (k, v) in [
            ("from", &self.from),
            ("until", &self.until),
            ("refund_due", &self.refund_due),
        ] {
            if !v.trim().is_empty() {
                p.push((k.to_string(), v.trim().to_string()));
            }
        }
        p
    }
}

struct Totals {
    count: i64,
    received: String,
    refunded: String,
    open: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/fees.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    base: &'static str,
    q: StaffQuery,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<OrderView>,
    totals: Totals,
    pager: Pager,
    export_href: String,
    is_office: bool,
    differences: Vec<(String, String, String, String)>,
    reconcile_day: String,
    /// Why the typed bill date was refused, beside the field.
    reconcile_error: Option<String>,
    message: Option<String>,
}

async fn staff_scope(state: &AppState, ctx: &PageContext) -> AppResult<OrderScope> {
    let user = ctx.user.as_ref().ok_or(AppError::Forbidden)?;
    scope_of(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    q: StaffQuery,
    message: Option<String>,
    reconcile: Option<(String, Option<String>)>,
) -> AppResult<ListPage> {
    let scope = staff_scope(state, &ctx).await?;
    let (portal, base) = portal_of(&ctx);
    let filter = q.filter();
    let path = format!("{base}/fees");
    let (t, pager, rows) =
        order_page(state, scope, &filter, q.q.paging(), &path, q.params()).await?;
    let differences = match scope {
        OrderScope::Office(office) => {
            zc_db::payment_notifies::differences_of_office(&state.db, office, 50)
                .await?
                .into_iter()
                .map(|d| (format_date(d.bill_date), d.out_trade_no, d.kind, d.detail))
                .collect()
        }
        _ => Vec::new(),
    };
    let export_href = format!(
        "{base}/fees/export?{}",
        serde_urlencoded::to_string(q.params()).unwrap_or_default()
    );
    Ok(ListPage {
        nav: portal_nav(portal, &format!("{base}/fees")),
        ctx,
        base,
        q,
        statuses: status_choices(),
        rows,
        totals: Totals {
            count: t.count,
            received: Fen(t.received_fen).yuan(),
            refunded: Fen(t.refunded_fen).yuan(),
            open: Fen(t.open_fen).yuan(),
        },
        pager,
        export_href,
        is_office: matches!(scope, OrderScope::Office(_)),
        differences,
        reconcile_day: reconcile.as_ref().map_or_else(
            || format_date(state.db.today() - Duration::days(1)),
            |r| r.0.clone(),
        ),
        reconcile_error: reconcile.and_then(|r| r.1),
        message,
    })
}

async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<StaffQuery>,
) -> AppResult<ListPage> {
    render(&state, ctx, q, None, None).await
}

async fn export(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<StaffQuery>,
) -> AppResult<Response> {
    let scope = staff_scope(&state, &ctx).await?;
    let filter = q.filter();
    let headers = [
        "订单号",
        "支付流水号",
        "支付状态",
        "费用事项",
        "缴费人",
        "支付渠道",
        "总额(元)",
        "已退款(元)",
        "开票状态",
        "发票号码",
        "支付时间",
    ];
    let who = ctx
        .user
        .as_ref()
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let mut sheet = zc_docs::sheet::Sheet::new(
        "缴费订单",
        "缴费订单",
        &format!("{} 导出 · {}", who, format_time(state.db.now())),
        &headers,
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    let mut offset = 0;
    loop {
        let rows = zc_db::payment_orders::list(&state.db, scope, &filter, 1000, offset).await?;
        if rows.is_empty() {
            break;
        }
        offset += rows.len() as i64;
        for o in rows.iter().map(OrderView::of) {
            sheet
                .push(&[
                    o.order_no,
                    o.trade_no,
                    o.status.to_string(),
                    o.item,
                    o.payer,
                    o.channel,
                    o.amount,
                    o.refunded,
                    o.invoice.to_string(),
                    o.invoice_number,
                    o.time,
                ])
                .map_err(|e| AppError::Internal(e.into()))?;
        }
    }
    let bytes = sheet
        .into_bytes()
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"jiaofei.xlsx\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
struct ReconcileForm {
    #[serde(default)]
    day: String,
}

async fn reconcile(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<ReconcileForm>,
) -> AppResult<Response> {
    let result = refunds::reconcile(
        &state.db,
        state.payments.as_ref(),
        user.actor(&ip),
        &f.day,
        state.db.today(),
    )
    .await;
    let (message, error) = match result {
        Ok((day, n)) => (Some(format!("{day} 对账完成，新发现差异{n}条")), None),
        Err(ServiceError::Invalid(errors)) => (None, errors.get("day").map(str::to_string)),
        Err(e) => (None, Some(refusal_message(e)?)),
    };
    let typed = Some((f.day, error));
    Ok(render(&state, ctx, StaffQuery::default(), message, typed)
        .await?
        .into_response())
}

#[derive(Debug, Default, Deserialize, Clone)]
struct RefundForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
struct InvoiceForm {
    #[serde(default)]
    invoice_number: String,
    #[serde(default)]
    invoice_link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/fee_order.html")]
struct OrderPage {
    ctx: PageContext,
    nav: Nav,
    base: &'static str,
    order: OrderView,
    refundable: String,
    refunds: Vec<(String, String, String, String)>,
    notifies: Vec<(String, String, String, String)>,
    refund: RefundForm,
    invoice: InvoiceForm,
    errors: FieldErrors,
    message: Option<String>,
}

async fn render_order(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    refund: Option<RefundForm>,
    invoice: Option<InvoiceForm>,
    errors: FieldErrors,
    message: Option<String>,
) -> AppResult<OrderPage> {
    let user = ctx.signed_in()?;
    let order = in_scope(&state.db, user.id, id).await?;
    let (portal, base) = portal_of(&ctx);
    let refunds = zc_db::payment_orders::refunds_of(&state.db, id)
        .await?
        .into_iter()
        .map(|r| {
            let status = match r.status.as_str() {
                "done" => "已退款",
                "failed" => "失败",
                _ => "处理中",
            };
            (
                format_time(r.created_at),
                Fen(r.amount_fen).yuan(),
                r.reason,
                status.to_string(),
            )
        })
        .collect();
    let notifies = zc_db::payment_notifies::of_order(&state.db, id)
        .await?
        .into_iter()
        .map(|n| {
            (
                format_time(n.received_at),
                n.out_trade_no,
                n.trade_status,
                n.outcome,
            )
        })
        .collect();
    let view = OrderView::of(&order);
    Ok(OrderPage {
        nav: portal_nav(portal, &format!("{base}/fees")),
        refundable: Fen(order.amount_fen - order.refunded_fen).yuan(),
        invoice: invoice.unwrap_or(InvoiceForm {
            invoice_number: view.invoice_number.clone(),
            invoice_link: view.invoice_link.clone(),
        }),
        refund: refund.unwrap_or_default(),
        order: view,
        ctx,
        base,
        refunds,
        notifies,
        errors,
        message,
    })
}

async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<OrderPage> {
    render_order(&state, ctx, id, None, None, FieldErrors::default(), None).await
}

async fn refund(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<RefundForm>,
) -> AppResult<Response> {
    let (_, base) = portal_of(&ctx);
    match refunds::refund(
        &state.db,
        state.payments.as_ref(),
        user.actor(&ip),
        id,
        &f.amount,
        &f.reason,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{base}/fees/{id}")).into_response()),
        Err(e) => {
            let (errors, message) = shown_on_page(e)?;
            Ok(
                render_order(&state, ctx, id, Some(f), None, errors, message)
                    .await?
                    .into_response(),
            )
        }
    }
}

async fn invoice(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<InvoiceForm>,
) -> AppResult<Response> {
    let (_, base) = portal_of(&ctx);
    match refunds::set_invoice(
        &state.db,
        user.actor(&ip),
        id,
        &f.invoice_number,
        &f.invoice_link,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{base}/fees/{id}")).into_response()),
        Err(e) => {
            let (errors, message) = shown_on_page(e)?;
            Ok(
                render_order(&state, ctx, id, None, Some(f), errors, message)
                    .await?
                    .into_response(),
            )
        }
    }
}
