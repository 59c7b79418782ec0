//! 对账单 — reading the trade lines of Alipay's daily bill (`业务明细`): comment lines start
//! with `#`, the header names the columns, and each trade line carries 支付宝交易号,
//! 商户订单号, 业务类型 and 订单金额（元）. Alipay's download is a zip holding the detail
//! CSV (业务明细) and a summary CSV (业务明细(汇总)), both in GBK; the simulator sends the
//! same, so one reader serves both.

use std::io::{Cursor, Read, Write};

use zc_domain::payment::Fen;
use zc_services::payments::gateway::BillLine;

/// The paid trades of a downloaded bill: a zip of CSV files or a bare CSV file. The
/// summary file has no 商户订单号 column, so it adds no lines.
pub fn read_download(bytes: &[u8]) -> Result<Vec<BillLine>, String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(parse(bytes));
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("账单压缩包无法打开：{e}"))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive
            .by_index(i)
            .map_err(|e| format!("账单压缩包无法读取：{e}"))?;
        // A bill is a few megabytes at most; more than 256 MiB is not a bill.
        if file.size() > 256 << 20 {
            return Err("账单文件过大".into());
        }
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .map_err(|e| format!("账单压缩包无法读取：{e}"))?;
        out.extend(parse(&content));
    }
    Ok(out)
}

/// The paid trades of one bill CSV (refund lines left out).
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

/// The bill as Alipay packs it: a zip with the GBK detail and summary files.
pub fn write_zip(day: &str, lines: &[BillLine]) -> Result<Vec<u8>, String> {
    let compact = day.replace('-', "");
    let detail = write(day, lines);
    let total: i64 = lines.iter().map(|l| l.amount.0).sum();
    let summary = format!(
        "#支付宝业务汇总查询\n门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）\n\
         ,合计,{},0,{}\n#业务汇总列表结束\n",
        lines.len(),
        Fen(total).yuan()
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in [
        (format!("2088000000000001{compact}_业务明细.csv"), detail),
        (
            format!("2088000000000001{compact}_业务明细(汇总).csv"),
            summary,
        ),
    ] {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&encoding_rs::GBK.encode(&text).0)
            .map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
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

    #[test]
    fn a_zipped_gbk_bill_reads_its_detail_and_skips_the_summary() {
        let lines = vec![BillLine {
            out_trade_no: "dl20261130103501001".into(),
            trade_no: "2026113022001400001234".into(),
            amount: Fen(5000),
        }];
        let zipped = write_zip("2026-11-30", &lines).unwrap();
        assert!(zipped.starts_with(b"PK"));
        assert_eq!(read_download(&zipped).unwrap(), lines);
        assert!(read_download(b"PK\x03\x04broken").is_err());
        assert_eq!(
            read_download(write("2026-11-30", &lines).as_bytes()).unwrap(),
            lines
        );
    }
}
