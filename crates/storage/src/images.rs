//! 图片规范化 — every uploaded photo is decoded and written again as a clean JPEG.
//!
//! People upload straight from phones and scanners, so the server does what the seed
//! manual asked them to do by hand: it finds the real type from the bytes, refuses
//! decompression bombs before decoding, turns the picture upright by its EXIF orientation,
//! scales it down to the slot's pixel limit and re-encodes it under the slot's size limit.
//! Re-encoding drops every metadata block, GPS position included.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};

/// Largest upload accepted at all, before any processing.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// Largest picture decoded, in pixels per side; a phone camera is well under it.
const MAX_SIDE: u32 = 12_000;

/// Memory a single decode may use.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a picture was refused; the text is shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefusal {
    #[error("请选择要上传的图片")]
    Empty,
    #[error("图片不能超过20MB")]
    TooLarge,
    #[error("只能上传JPG或PNG格式的图片")]
    NotAnImage,
    #[error("图片尺寸过大（长或宽超过12000像素），无法处理")]
    TooManyPixels,
    #[error("图片已损坏或无法识别，请重新拍照或扫描后上传")]
    Unreadable,
    #[error("图片内容过于复杂，压缩到{0}KB以内后仍看不清，请裁剪后重新上传")]
    CannotFit(u32),
}

/// What the stored picture must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSpec {
    /// Longest side in pixels after scaling.
    pub max_side: u32,
    /// Largest stored size in KB.
    pub max_kb: u32,
    /// Crop to a centred square first (avatars).
    pub square: bool,
}

impl ImageSpec {
    /// 头像 — a square JPEG of 256 px, at most 200 KB.
    pub const AVATAR: ImageSpec = ImageSpec {
        max_side: 256,
        max_kb: 200,
        square: true,
    };

    /// 证件与材料 — a licence or certificate photo, readable when printed: 2400 px, 1 MB.
    pub const DOCUMENT: ImageSpec = ImageSpec {
        max_side: 2400,
        max_kb: 1024,
        square: false,
    };
}

/// A normalised picture.
#[derive(Debug, Clone)]
pub struct NormalisedImage {
    /// JPEG bytes.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The upload's real type, from its first bytes (never from its name).
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png)) => Some(f),
        _ => None,
    }
}

/// Width and height as the file states them, read from its header without decoding;
/// `None` when it is no JPEG or PNG or the header is unreadable.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let format = sniff(bytes)?;
    ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .ok()
}

/// Decodes, turns upright, scales and re-encodes `bytes` to fit `spec`.
pub fn normalise(bytes: &[u8], spec: ImageSpec) -> Result<NormalisedImage, ImageRefusal> {
    if bytes.is_empty() {
        return Err(ImageRefusal::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageRefusal::TooLarge);
    }
    let format = sniff(bytes).ok_or(ImageRefusal::NotAnImage)?;
    let (mut rgb, orientation) = match reduced_jpeg(bytes, format, spec)? {
        Some(decoded) => decoded,
        None => decode_whole(bytes, format)?,
    };
    // Cropping and scaling are symmetric, so they run before turning the picture upright:
    // the rotation then moves the small picture, not the 12-megapixel one.
    if spec.square {
        let side = rgb.width().min(rgb.height());
        let x = (rgb.width() - side) / 2;
        let y = (rgb.height() - side) / 2;
        rgb = image::imageops::crop_imm(&rgb, x, y, side, side).to_image();
    }
    if rgb.width().max(rgb.height()) > spec.max_side {
        rgb = scale_to_fit(&rgb, spec.max_side)?;
    }
    let mut picture = DynamicImage::ImageRgb8(rgb);
    picture.apply_orientation(orientation);
    encode_under(&picture.into_rgb8(), spec)
}

/// Decodes the whole picture (zune-jpeg for JPEG, the fastest full decode here).
fn decode_whole(
    bytes: &[u8],
    format: ImageFormat,
) -> Result<(image::RgbImage, Orientation), ImageRefusal> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let orientation = decoder.orientation().map_err(refusal)?;
    let rgb = DynamicImage::from_decoder(decoder)
        .map_err(refusal)?
        .into_rgb8();
    Ok((rgb, orientation))
}

/// A JPEG much larger than the slot allows is decoded at a reduced DCT scale (1/2, 1/4
/// or 1/8), which skips most of the decoding work: the largest reduction that still
/// leaves the long side at [`REDUCED_AT_LEAST`] of the slot's limit. A 12-megapixel phone
/// photo for a 2400 px slot is decoded at 2000 × 1500 and needs no further scaling; one
/// for a 256 px avatar at 500 × 375. `None` when no reduction applies (the picture is
/// decoded whole) or the JPEG is of a kind this decoder does not scale (CMYK).
fn reduced_jpeg(
    bytes: &[u8],
    format: ImageFormat,
    spec: ImageSpec,
) -> Result<Option<(image::RgbImage, Orientation)>, ImageRefusal> {
    if format != ImageFormat::Jpeg {
        return Ok(None);
    }
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(|_| ImageRefusal::Unreadable)?;
    let info = decoder.info().ok_or(ImageRefusal::Unreadable)?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if w.max(h) > MAX_SIDE {
        return Err(ImageRefusal::TooManyPixels);
    }
    let long = w.max(h);
    let wanted = (u64::from(spec.max_side) * REDUCED_AT_LEAST.0 / REDUCED_AT_LEAST.1) as u32;
    if long < wanted.saturating_mul(2)
        || !matches!(
            info.pixel_format,
            jpeg_decoder::PixelFormat::RGB24 | jpeg_decoder::PixelFormat::L8
        )
    {
        return Ok(None);
    }
    let request = |side: u32| -> u16 {
        u16::try_from((u64::from(side) * u64::from(wanted)).div_ceil(u64::from(long)))
            .unwrap_or(u16::MAX)
    };
    let (sw, sh) = decoder
        .scale(request(w), request(h))
        .map_err(|_| ImageRefusal::Unreadable)?;
    let pixels = decoder.decode().map_err(|_| ImageRefusal::Unreadable)?;
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => DynamicImage::ImageLuma8(
            image::GrayImage::from_raw(sw, sh, pixels).ok_or(ImageRefusal::Unreadable)?,
        )
        .into_rgb8(),
        _ => image::RgbImage::from_raw(sw, sh, pixels).ok_or(ImageRefusal::Unreadable)?,
    };
    Ok(Some((rgb, orientation)))
}

/// How far a reduced decode may go below the slot's limit: 5/6 of it (2000 of 2400 px).
const REDUCED_AT_LEAST: (u64, u64) = (5, 6);

/// Scales so that the long side is `max_side`, with a Lanczos3 filter (SIMD, by
/// fast_image_resize; the same filter Pillow's LANCZOS uses).
fn scale_to_fit(rgb: &image::RgbImage, max_side: u32) -> Result<image::RgbImage, ImageRefusal> {
    let (w, h) = (rgb.width(), rgb.height());
    let k = f64::from(max_side) / f64::from(w.max(h));
    let (nw, nh) = (
        ((f64::from(w) * k).round() as u32).max(1),
        ((f64::from(h) * k).round() as u32).max(1),
    );
    resize_to(rgb, nw, nh)
}

/// Scales to exactly `nw` × `nh` with the same Lanczos3 filter (SIMD).
fn resize_to(rgb: &image::RgbImage, nw: u32, nh: u32) -> Result<image::RgbImage, ImageRefusal> {
    let mut dst = fast_image_resize::images::Image::new(nw, nh, fast_image_resize::PixelType::U8x3);
    fast_image_resize::Resizer::new()
        .resize(
            rgb,
            &mut dst,
            &fast_image_resize::ResizeOptions::new().resize_alg(
                fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3),
            ),
        )
        .map_err(|_| ImageRefusal::Unreadable)?;
    image::RgbImage::from_raw(nw, nh, dst.into_vec()).ok_or(ImageRefusal::Unreadable)
}

/// 二寸免冠照片 — the size printed on a certificate: 413 × 579 pixels (300 dpi).
pub const PHOTO_SIZE: (u32, u32) = (413, 579);

/// The largest 413:579 rectangle inside `rect` (or the whole picture), centred in it and
/// kept inside the picture; `(x, y, w, h)`.
pub fn photo_frame(
    width: u32,
    height: u32,
    rect: Option<(u32, u32, u32, u32)>,
) -> (u32, u32, u32, u32) {
    let (width, height) = (width.max(1), height.max(1));
    let (x, y, w, h) = rect.unwrap_or((0, 0, width, height));
    let x = x.min(width - 1);
    let y = y.min(height - 1);
    let w = w.clamp(1, width - x);
    let h = h.clamp(1, height - y);
    let (pw, ph) = PHOTO_SIZE;
    // Fit the photo's proportions inside w × h.
    let (fw, fh) = if u64::from(w) * u64::from(ph) > u64::from(h) * u64::from(pw) {
        ((u64::from(h) * u64::from(pw) / u64::from(ph)) as u32, h)
    } else {
        (w, (u64::from(w) * u64::from(ph) / u64::from(pw)) as u32)
    };
    let (fw, fh) = (fw.max(1), fh.max(1));
    (x + (w - fw) / 2, y + (h - fh) / 2, fw, fh)
}

/// Cuts the 2-inch photo out of an already normalised picture: the frame chosen in the
/// crop preview (or the centred one), scaled to exactly 413 × 579 and kept under `max_kb`.
pub fn crop_photo(
    jpeg: &[u8],
    rect: Option<(u32, u32, u32, u32)>,
    max_kb: u32,
) -> Result<NormalisedImage, ImageRefusal> {
    let picture = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
        .map_err(|_| ImageRefusal::Unreadable)?;
    let (x, y, w, h) = photo_frame(picture.width(), picture.height(), rect);
    // The SIMD resizer: the image crate's own Lanczos3 took most of a crop's 35 ms.
    let framed = resize_to(
        &picture.crop_imm(x, y, w, h).to_rgb8(),
        PHOTO_SIZE.0,
        PHOTO_SIZE.1,
    )?;
    let spec = ImageSpec {
        max_side: PHOTO_SIZE.1,
        max_kb,
        square: false,
    };
    encode_under(&framed, spec)
}

/// Encodes at the best quality that fits the size limit.
fn encode_under(rgb: &image::RgbImage, spec: ImageSpec) -> Result<NormalisedImage, ImageRefusal> {
    let limit = spec.max_kb as usize * 1024;
    for quality in [85u8, 75, 65, 55, 45, 35] {
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, quality)
            .encode(
                rgb.as_raw(),
                u16::try_from(rgb.width()).map_err(|_| ImageRefusal::TooManyPixels)?,
                u16::try_from(rgb.height()).map_err(|_| ImageRefusal::TooManyPixels)?,
                jpeg_encoder::ColorType::Rgb,
            )
            .map_err(|_| ImageRefusal::Unreadable)?;
        if jpeg.len() <= limit {
            return Ok(NormalisedImage {
                jpeg,
                width: rgb.width(),
                height: rgb.height(),
            });
        }
    }
    Err(ImageRefusal::CannotFit(spec.max_kb))
}

fn refusal(e: image::ImageError) -> ImageRefusal {
    match e {
        image::ImageError::Limits(_) => ImageRefusal::TooManyPixels,
        _ => ImageRefusal::Unreadable,
    }
}

#[cfg(test)]
mod tests {
    use image::{Rgb, RgbImage, codecs::jpeg::JpegEncoder};

    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    /// A JPEG whose left half is red and right half blue, with an EXIF block holding
    /// `orientation` and a GPS tag pointer.
    fn jpeg_with_exif(width: u32, height: u32, orientation: u16) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&img)
            .unwrap();
        // TIFF, little endian: one IFD with Orientation (0x0112) and GPSInfo (0x8825).
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0x8825u16.to_le_bytes());
        tiff.extend_from_slice(&4u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(&0u32.to_le_bytes());
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn a_phone_photo_becomes_a_small_square_jpeg() {
        let out = normalise(&png(1600, 1200), ImageSpec::AVATAR).unwrap();
        assert_eq!((out.width, out.height), (256, 256));
        assert!(out.jpeg.len() <= 200 * 1024);
        assert_eq!(sniff(&out.jpeg), Some(ImageFormat::Jpeg));
    }

    #[test]
    fn exif_orientation_is_applied_and_the_metadata_is_dropped() {
        let photo = jpeg_with_exif(200, 100, 6);
        assert!(photo.windows(4).any(|w| w == b"Exif"));
        let spec = ImageSpec {
            max_side: 1000,
            max_kb: 500,
            square: false,
        };
        let out = normalise(&photo, spec).unwrap();
        assert_eq!((out.width, out.height), (100, 200), "rotated upright");
        assert!(!out.jpeg.windows(4).any(|w| w == b"Exif"), "EXIF removed");
        // Orientation 6 turns the picture clockwise: the red left half ends up on top.
        let decoded = image::load_from_memory(&out.jpeg).unwrap().to_rgb8();
        let top = decoded.get_pixel(50, 20);
        let bottom = decoded.get_pixel(50, 180);
        assert!(top[0] > 200 && top[2] < 60, "top is red: {top:?}");
        assert!(
            bottom[2] > 200 && bottom[0] < 60,
            "bottom is blue: {bottom:?}"
        );
    }

    #[test]
    fn a_much_larger_jpeg_is_decoded_reduced_and_still_turned_upright() {
        // 2000 px for a 400 px slot: decoded at a quarter (500 px), then scaled to 400.
        let photo = jpeg_with_exif(2000, 1000, 6);
        let spec = ImageSpec {
            max_side: 400,
            max_kb: 200,
            square: false,
        };
        let out = normalise(&photo, spec).unwrap();
        assert_eq!((out.width, out.height), (200, 400), "rotated upright");
        let decoded = image::load_from_memory(&out.jpeg).unwrap().to_rgb8();
        let (top, bottom) = (decoded.get_pixel(100, 40), decoded.get_pixel(100, 360));
        assert!(top[0] > 200 && top[2] < 60, "top is red: {top:?}");
        assert!(
            bottom[2] > 200 && bottom[0] < 60,
            "bottom is blue: {bottom:?}"
        );
        assert!(!out.jpeg.windows(4).any(|w| w == b"Exif"), "EXIF removed");
    }

    #[test]
    fn a_reduced_decode_stops_at_five_sixths_of_the_limit() {
        // 1200 px for a 720 px slot: half is 600 px, 5/6 of the limit, and is kept as is;
        // 1000 px for the same slot is decoded whole and scaled to 720.
        let spec = ImageSpec {
            max_side: 720,
            max_kb: 300,
            square: false,
        };
        let out = normalise(&jpeg_with_exif(1200, 900, 1), spec).unwrap();
        assert_eq!((out.width, out.height), (600, 450));
        let out = normalise(&jpeg_with_exif(1000, 750, 1), spec).unwrap();
        assert_eq!((out.width, out.height), (720, 540));
    }

    #[test]
    fn only_jpeg_and_png_bytes_are_accepted() {
        assert_eq!(
            normalise(b"GIF89a.....", ImageSpec::AVATAR).unwrap_err(),
            ImageRefusal::NotAnImage
        );
        assert_eq!(
            normalise(b"<svg xmlns=", ImageSpec::AVATAR).unwrap_err(),
            ImageRefusal::NotAnImage
        );
        assert_eq!(
            normalise(b"", ImageSpec::AVATAR).unwrap_err(),
            ImageRefusal::Empty
        );
        let mut broken = png(10, 10);
        broken.truncate(40);
        assert_eq!(
            normalise(&broken, ImageSpec::AVATAR).unwrap_err(),
            ImageRefusal::Unreadable
        );
    }

    #[test]
    fn the_photo_frame_keeps_the_two_inch_proportions_inside_the_picture() {
        // A landscape phone picture: the frame is as tall as the picture, centred.
        let (x, y, w, h) = photo_frame(1600, 900, None);
        assert_eq!((y, h), (0, 900));
        assert_eq!(w, 900 * 413 / 579);
        assert_eq!(x, (1600 - w) / 2);
        // A chosen rectangle poking out of the picture is pulled back in.
        let (x, y, w, h) = photo_frame(800, 1000, Some((700, 900, 500, 500)));
        assert!(x + w <= 800 && y + h <= 1000);
        let photo = normalise(&png(1600, 900), ImageSpec::DOCUMENT).unwrap();
        let out = crop_photo(&photo.jpeg, None, 200).unwrap();
        assert_eq!((out.width, out.height), PHOTO_SIZE);
        assert!(out.jpeg.len() <= 200 * 1024);
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A valid small PNG whose header claims 60000 × 60000 pixels.
        let mut bomb = png(8, 8);
        bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32fast::hash(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            normalise(&bomb, ImageSpec::AVATAR).unwrap_err(),
            ImageRefusal::TooManyPixels
        );
    }
}
