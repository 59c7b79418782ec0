//! 报表工作簿 — a workbook of several small tables, one per worksheet, each with a title
//! line, a watermark line and a header; numbers stay numbers so that people can sum and
//! chart them. For figures (统计报表), not for rosters of thousands of people.

use rust_xlsxwriter::{Format, Workbook};

use crate::{SheetError, cell::formula_safe};

/// A cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// Nothing to show (a rate before anything was decided).
    Empty,
}

/// A workbook being filled, one table per sheet.
pub struct TableBook {
    workbook: Workbook,
    watermark: String,
}

impl TableBook {
    /// A workbook whose every sheet carries `watermark` (who exported it, when).
    pub fn new(watermark: &str) -> TableBook {
        TableBook {
            workbook: Workbook::new(),
            watermark: watermark.to_string(),
        }
    }

    /// Adds a sheet `name` with `title`, `headers` and `rows`.
    pub fn add(
        &mut self,
        name: &str,
        title: &str,
        headers: &[&str],
        rows: &[Vec<Cell>],
    ) -> Result<(), SheetError> {
        let bold = Format::new().set_bold();
        let sheet = self.workbook.add_worksheet();
        sheet.set_name(name)?;
        sheet.write_string_with_format(0, 0, formula_safe(title).as_ref(), &bold)?;
        sheet.write_string(1, 0, formula_safe(&self.watermark).as_ref())?;
        for (i, h) in headers.iter().enumerate() {
            sheet.set_column_width(i as u16, if i == 0 { 28 } else { 14 })?;
            sheet.write_string_with_format(2, i as u16, *h, &bold)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 3;
            for (c, cell) in row.iter().take(headers.len()).enumerate() {
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(r, c as u16, formula_safe(t).as_ref())?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c as u16, *n)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        Ok(())
    }

    /// The workbook as bytes.
    pub fn into_bytes(mut self) -> Result<Vec<u8>, SheetError> {
        Ok(self.workbook.save_to_buffer()?)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut file = zip.by_name(name).expect("the part");
        let mut out = String::new();
        file.read_to_string(&mut out).expect("utf-8");
        out
    }

    #[test]
    fn each_table_is_a_sheet_with_numbers_kept_as_numbers() {
        let mut book = TableBook::new("张三 导出 · 2026-12-03 09:00");
        book.add(
            "按状态",
            "申报状态",
            &["状态", "数量"],
            &[vec![Cell::Text("=单位受理中".into()), Cell::Number(12.0)]],
        )
        .unwrap();
        book.add(
            "按系列",
            "申报系列",
            &["系列", "通过率(%)"],
            &[vec![Cell::Text("工程".into()), Cell::Empty]],
        )
        .unwrap();
        let bytes = book.into_bytes().unwrap();
        let workbook = part(&bytes, "xl/workbook.xml");
        assert!(workbook.contains("按状态") && workbook.contains("按系列"));
        let first = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(first.contains("<v>12</v>"), "a number cell: {first}");
        let strings = part(&bytes, "xl/sharedStrings.xml");
        assert!(strings.contains("'=单位受理中"), "formula-safe text");
        assert!(strings.contains("张三 导出"));
    }
}
