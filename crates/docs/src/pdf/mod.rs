//! PDF documents laid out by typst with the bundled CJK font, so a certificate or a form
//! looks the same on every machine: no system fonts are read.
//!
//! Each document is a `.typ` template in `templates/` fed with JSON (`sys.inputs.data`)
//! and pictures as bytes (`sys.inputs.<name>`). Text is inserted as strings, never
//! evaluated as markup, so nothing a person typed can change the layout.

pub mod certificate;
pub mod form;
pub mod read_back;
pub mod roster;

use std::sync::LazyLock;

use typst::{
    Library, LibraryExt, World,
    diag::{FileError, FileResult},
    foundations::{Bytes, Datetime, Dict, Duration, Str, Value},
    syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot},
    text::{Font, FontBook},
    utils::LazyHash,
};
use typst_layout::PagedDocument;

/// Noto Sans CJK SC (SIL OFL 1.1, `fonts/OFL.txt`): simplified Chinese with CJK
/// extension A and part of extension B, as GB 18030 names need.
static FONT_DATA: &[u8] = include_bytes!("../../fonts/NotoSansCJKsc-Regular.otf");

/// The font family the templates ask for.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = Font::iter(Bytes::new(FONT_DATA)).collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// Why a document could not be made, in words for the staff member or applicant.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PdfError {
    /// A character the font cannot draw; printing it would leave a blank box.
    #[error("字体中没有以下字符，无法生成文件：{0}。请联系平台管理员补充字体，或改用手写填写该栏")]
    MissingGlyphs(String),
    /// A value longer than its box on the form.
    #[error("{field}超过{max}个字，表格中放不下（现有{len}个字）")]
    TooLong {
        field: &'static str,
        max: usize,
        len: usize,
    },
    /// A certificate needs the holder's 2-inch photo.
    #[error("申报材料中没有二寸免冠照片，无法生成证书文件，请联系发证机关")]
    MissingPhoto,
    /// A picture that is not a readable JPEG or PNG.
    #[error("{0}无法读取（应为 JPG 或 PNG 图片），请重新上传")]
    Picture(&'static str),
    /// The layout engine refused; a bug in a template.
    #[error("文件排版失败：{0}")]
    Layout(String),
}

/// A picture handed to a template.
pub(crate) struct Picture<'a> {
    pub input: &'static str,
    pub what: &'static str,
    pub bytes: &'a [u8],
}

/// Characters in `texts` the bundled font cannot draw, each once, in order.
pub fn missing_glyphs<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let font = &FONTS.fonts[0];
    let mut missing = String::new();
    for c in texts.into_iter().flat_map(str::chars) {
        if !c.is_control() && !font.info().coverage.contains(c as u32) && !missing.contains(c) {
            missing.push(c);
        }
    }
    missing
}

/// Every string in a JSON value.
fn strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// A refusal when `value` has more than `max` characters.
pub(crate) fn fits(field: &'static str, value: &str, max: usize) -> Result<(), PdfError> {
    let len = value.chars().count();
    if len > max {
        return Err(PdfError::TooLong { field, max, len });
    }
    Ok(())
}

fn picture_ok(p: &Picture<'_>) -> bool {
    let b = p.bytes;
    let jpeg = b.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = b.starts_with(b"\x89PNG\r\n\x1a\n");
    let svg = p.input == "qr" && b.starts_with(b"<svg");
    jpeg || png || svg
}

struct DocWorld {
    library: LazyHash<Library>,
    main: Source,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            // Templates read nothing from disk: pictures arrive as inputs.
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Dates come in the data, from the platform's one clock.
        None
    }
}

/// Lays out `template` with `data` and `pictures` and writes the PDF.
pub(crate) fn render(
    name: &str,
    template: &str,
    data: &serde_json::Value,
    pictures: &[Picture<'_>],
) -> Result<Vec<u8>, PdfError> {
    let mut texts = Vec::new();
    strings(data, &mut texts);
    let missing = missing_glyphs(texts);
    if !missing.is_empty() {
        return Err(PdfError::MissingGlyphs(missing));
    }
    if let Some(bad) = pictures.iter().find(|p| !picture_ok(p)) {
        return Err(PdfError::Picture(bad.what));
    }
    let mut inputs = Dict::new();
    let json = serde_json::to_vec(data).map_err(|e| PdfError::Layout(e.to_string()))?;
    inputs.insert(Str::from("data"), Value::Bytes(Bytes::new(json)));
    for p in pictures {
        inputs.insert(
            Str::from(p.input),
            Value::Bytes(Bytes::new(p.bytes.to_vec())),
        );
    }
    let path =
        VirtualPath::new(format!("/{name}.typ")).map_err(|e| PdfError::Layout(format!("{e:?}")))?;
    let id = RootedPath::new(VirtualRoot::Project, path).intern();
    let world = DocWorld {
        library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
        main: Source::new(id, template.to_string()),
    };
    let document: Result<PagedDocument, PdfError> =
        typst::compile(&world).output.map_err(|errors| {
            let first = errors
                .first()
                .map(|e| e.message.to_string())
                .unwrap_or_default();
            PdfError::Layout(first)
        });
    let pdf = document.and_then(|document| {
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
            let first = errors
                .first()
                .map(|e| e.message.to_string())
                .unwrap_or_default();
            // An image typst cannot decode surfaces here or in layout.
            PdfError::Layout(first)
        })
    });
    // typst memoises layout work in a process-wide cache that only grows; every dossier
    // is new input, so without eviction a 1,000-dossier bundle held gigabytes. Results
    // unused for a few documents go (the parsed font is kept by the world, not here).
    comemo::evict(CACHE_AGE);
    pdf
}

/// Documents a memoised result may go unused before it is evicted.
const CACHE_AGE: usize = 4;

#[cfg(test)]
pub(crate) mod test_support {
    pub fn text_of(pdf: &[u8]) -> String {
        super::read_back::text_of(pdf).unwrap()
    }

    pub fn embeds_font_subset(pdf: &[u8]) -> bool {
        super::read_back::embeds_font_subset(pdf).unwrap()
    }

    pub fn image_count(pdf: &[u8]) -> usize {
        super::read_back::image_count(pdf).unwrap()
    }

    /// A small real JPEG, standing in for a photo.
    pub fn jpeg() -> Vec<u8> {
        include_bytes!("../../tests/photo.jpg").to_vec()
    }
}
