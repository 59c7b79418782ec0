//! 二维码 — the QR code printed on a certificate, as inline SVG.

use qrcode::{EcLevel, QrCode, render::svg};

/// The QR code of `url` as an SVG element, sized `px` square; `None` only when the text is
/// too long for a QR code.
pub fn svg(url: &str, px: u32) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let doc = code
        .render::<svg::Color<'_>>()
        .min_dimensions(px, px)
        .quiet_zone(true)
        .build();
    // Inline in HTML the XML declaration is not wanted.
    let start = doc.find("<svg")?;
    Some(doc[start..].to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_verification_link_becomes_an_svg() {
        let svg = super::svg("https://zc.example.cn/verify/t/0123456789abcdef", 160).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
