//! Reads back what a PDF we wrote shows: its text (decoded through the font's ToUnicode
//! map, as a reader's copy and search do), whether the font is embedded as a subset, and
//! how many pictures it holds. Tests use it to check documents the way a person would.

use std::collections::HashMap;

use lopdf::{Document, Object};

/// What could not be read.
#[derive(Debug, thiserror::Error)]
#[error("PDF 无法读取：{0}")]
pub struct ReadError(String);

fn load(pdf: &[u8]) -> Result<Document, ReadError> {
    Document::load_mem(pdf).map_err(|e| ReadError(e.to_string()))
}

/// The `<code> <unicode>` pairs of every ToUnicode map in the file.
fn unicode_map(doc: &Document) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    for obj in doc.objects.values() {
        let Ok(stream) = obj.as_stream() else {
            continue;
        };
        let Ok(content) = stream.decompressed_content() else {
            continue;
        };
        let text = String::from_utf8_lossy(&content);
        if !text.contains("beginbfchar") {
            continue;
        }
        for line in text.lines() {
            let hex: Vec<&str> = line
                .split(['<', '>'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if let [code, dst] = hex[..]
                && let Ok(code) = u16::from_str_radix(code, 16)
            {
                let units: Vec<u16> = (0..dst.len() / 4)
                    .filter_map(|i| u16::from_str_radix(&dst[i * 4..i * 4 + 4], 16).ok())
                    .collect();
                map.insert(code, String::from_utf16_lossy(&units));
            }
        }
    }
    map
}

/// The text of every page, in drawing order, one line per text object.
pub fn text_of(pdf: &[u8]) -> Result<String, ReadError> {
    let doc = load(pdf)?;
    let map = unicode_map(&doc);
    let decode = |bytes: &[u8], out: &mut String| {
        for pair in bytes.chunks_exact(2) {
            if let Some(s) = map.get(&u16::from_be_bytes([pair[0], pair[1]])) {
                out.push_str(s);
            }
        }
    };
    let mut out = String::new();
    for page in doc.get_pages().values() {
        let content = doc
            .get_and_decode_page_content(*page)
            .map_err(|e| ReadError(e.to_string()))?;
        for op in content.operations {
            match op.operator.as_str() {
                "Tj" | "'" | "\"" => {
                    if let Some(Object::String(bytes, _)) = op.operands.last() {
                        decode(bytes, &mut out);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        for item in items {
                            if let Object::String(bytes, _) = item {
                                decode(bytes, &mut out);
                            }
                        }
                    }
                }
                "ET" => out.push('\n'),
                _ => {}
            }
        }
    }
    Ok(out)
}

/// Whether the file embeds a subset of the bundled CJK font (`ABCDEF+NotoSansCJK…`).
pub fn embeds_font_subset(pdf: &[u8]) -> Result<bool, ReadError> {
    let doc = load(pdf)?;
    Ok(doc.objects.values().any(|o| {
        o.as_dict().is_ok_and(|d| {
            d.get(b"FontName")
                .or_else(|_| d.get(b"BaseFont"))
                .and_then(Object::as_name)
                .is_ok_and(|n| {
                    let n = String::from_utf8_lossy(n);
                    n.contains("+NotoSansCJK")
                })
        })
    }))
}

/// How many pictures the file holds.
pub fn image_count(pdf: &[u8]) -> Result<usize, ReadError> {
    let doc = load(pdf)?;
    Ok(doc
        .objects
        .values()
        .filter(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(Object::as_name)
                    .is_ok_and(|n| n == b"Image")
            })
        })
        .count())
}
