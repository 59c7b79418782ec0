//! 表格 — one worksheet written row by row in constant memory, so a 20,000-line 花名册
//! costs no more memory than a 20-line one. Every sheet opens with a title line and a
//! watermark line (who exported it, when), then the header, then the data.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::cell::formula_safe;

/// Why a sheet could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("spreadsheet: {0}")]
    Xlsx(#[from] XlsxError),
}

/// A worksheet being written.
pub struct Sheet {
    workbook: Workbook,
    columns: u16,
    next_row: u32,
}

impl Sheet {
    /// Starts a sheet named `name` with `title` and `watermark` above the `headers`.
    pub fn new(
        name: &str,
        title: &str,
        watermark: &str,
        headers: &[&str],
    ) -> Result<Sheet, SheetError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (i, _) in headers.iter().enumerate() {
            sheet.set_column_width(i as u16, 18)?;
        }
        sheet.write_string_with_format(0, 0, formula_safe(title).as_ref(), &bold)?;
        sheet.write_string(1, 0, formula_safe(watermark).as_ref())?;
        for (i, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(2, i as u16, *h, &bold)?;
        }
        Ok(Sheet {
            workbook,
            columns: headers.len() as u16,
            next_row: 3,
        })
    }

    /// Appends a data row; every cell is written as text and made formula-safe. Cells
    /// beyond the header are dropped.
    pub fn push<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), SheetError> {
        let row = self.next_row;
        let sheet = self.workbook.worksheet_from_index(0)?;
        for (i, c) in cells.iter().take(usize::from(self.columns)).enumerate() {
            let text = c.as_ref();
            if !text.is_empty() {
                sheet.write_string(row, i as u16, formula_safe(text).as_ref())?;
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// How many data rows were written.
    pub fn rows(&self) -> u32 {
        self.next_row - 3
    }

    /// Writes the workbook to `path`.
    pub fn save(mut self, path: &Path) -> Result<(), SheetError> {
        self.workbook.save(path)?;
        Ok(())
    }

    /// The workbook as bytes, for small sheets sent straight to the browser.
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
    fn a_sheet_holds_title_watermark_header_and_escaped_rows() {
        let mut sheet = Sheet::new(
            "花名册",
            "申报花名册",
            "导出：张三 2026-11-27",
            &["姓名", "单位"],
        )
        .expect("sheet");
        sheet.push(&["李四", "=HYPERLINK(\"x\")"]).expect("row");
        sheet.push(&["王五", "广西壮美建设"]).expect("row");
        assert_eq!(sheet.rows(), 2);
        let bytes = sheet.into_bytes().expect("bytes");
        // Constant-memory sheets write strings inline, in the sheet part itself.
        let xml = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(xml.contains("申报花名册"));
        assert!(xml.contains("导出：张三 2026-11-27"));
        assert!(xml.contains("李四"));
        assert!(xml.contains("'=HYPERLINK"), "{xml}");
        assert!(!xml.contains("<f>"), "no cell is a formula");
    }
}
