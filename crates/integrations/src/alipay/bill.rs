//! 对账单 — reading the trade lines of Alipay's daily bill (`业务明细`): comment lines start
//! with `#`, the header names the columns, and each trade line carries 支付宝交易号,
//! 商户订单号, 业务类型 and 订单金额（元）. Alipay sends it as GBK; the simulator as UTF-8.

use zc_domain::payment::Fen;
use zc_services::payments::gateway::BillLine;

/// The paid trades of a bill (refund lines left out).
pub fn parse(bytes: &[u8]) -> Vec<BillLine> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    };
    let mut header: Option<Vec<String>> = None;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<String> = line.split(',').map(|c| c.trim().to_string()).collect();
        let Some(h) = &header else {
            header = Some(cols);
            continue;
        };
        let at = |name: &str| h.iter().position(|c| c.starts_with(name));
        let get = |name: &str| at(name).and_then(|i| cols.get(i)).cloned();
        if get("业务类型").as_deref() != Some("交易") {
            continue;
        }
        let (Some(trade_no), Some(out_trade_no), Some(amount)) = (
            get("支付宝交易号"),
            get("商户订单号"),
            get("订单金额").and_then(|a| Fen::parse_yuan(&a).ok()),
        ) else {
            continue;
        };
        out.push(BillLine {
            out_trade_no,
            trade_no,
            amount,
        });
    }
    out
}

/// Writes bill lines in the same layout (the simulator's bill file).
pub fn write(day: &str, lines: &[BillLine]) -> String {
    let mut out = format!("#支付宝业务明细查询\n#账号：[模拟器]\n#起始日期：[{day} 00:00:00]\n");
    out.push_str("支付宝交易号,商户订单号,业务类型,商品名称,订单金额（元）\n");
    for l in lines {
        out.push_str(&format!(
            "{},{},交易,,{}\n",
            l.trade_no,
            l.out_trade_no,
            l.amount.yuan()
        ));
    }
    out.push_str("#业务明细列表结束\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trade_lines_are_read_and_refunds_left_out() {
        let text = "#支付宝业务明细查询\n支付宝交易号,商户订单号,业务类型,商品名称,订单金额（元）\n\
                    2026001,dl1,交易,评审费,50.00\n2026002,dl2,退款,评审费,50.00\n#结束\n";
        let lines = parse(text.as_bytes());
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].out_trade_no, "dl1");
        assert_eq!(lines[0].amount, Fen(5000));
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(parse(&gbk), lines);
        let again = write("2026-11-30", &lines);
        assert_eq!(parse(again.as_bytes()), lines);
    }
}
