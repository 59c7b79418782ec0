//! Normalising a 12-megapixel phone JPEG to a ≤ 500 KB JPEG of at most 2400 px, the work
//! behind every upload. `scripts/bench_normalise.sh` runs this and the same steps in
//! Pillow on the same file, side by side.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use image::{ImageFormat, Rgb, RgbImage, codecs::jpeg::JpegEncoder};
use zc_storage::images::{ImageSpec, crop_photo, normalise};

/// A photo-like 4000 × 3000 picture (gradients with grain, so it neither compresses
/// trivially nor looks like noise), encoded as a quality-92 JPEG like a phone's.
fn phone_jpeg() -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let grain = (seed % 24) as i32 - 12;
        let r = ((x / 16) as i32 + grain).clamp(0, 255) as u8;
        let g = ((y / 12) as i32 + grain).clamp(0, 255) as u8;
        let b = (((x + y) / 28) as i32 + grain).clamp(0, 255) as u8;
        Rgb([r, g, b])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .expect("encode");
    out
}

fn bench(c: &mut Criterion) {
    let jpeg = phone_jpeg();
    // The same file for the Pillow side of the comparison.
    let path = std::env::var("ZC_BENCH_JPEG")
        .unwrap_or_else(|_| format!("{}/bench-12mp.jpg", env!("CARGO_TARGET_TMPDIR")));
    std::fs::write(&path, &jpeg).expect("write the benchmark picture");
    assert_eq!(image::guess_format(&jpeg).ok(), Some(ImageFormat::Jpeg));
    let spec = ImageSpec {
        max_side: 2400,
        max_kb: 500,
        square: false,
    };
    let out = normalise(&jpeg, spec).expect("normalises");
    assert!(out.jpeg.len() <= 500 * 1024);
    println!(
        "stored: {} × {}, {} KB",
        out.width,
        out.height,
        out.jpeg.len() / 1024
    );
    let mut group = c.benchmark_group("normalise");
    group.sample_size(10);
    group.bench_function("12mp_phone_jpeg_to_500kb", |b| {
        b.iter(|| normalise(black_box(&jpeg), spec).expect("normalises"))
    });
    // Confirming the 二寸照片: cut the 413 × 579 photo out of a picture a browser sent
    // already scaled (900 × 1200, as the load harness sends), after its normalisation.
    let scaled = image::DynamicImage::ImageRgb8(RgbImage::from_fn(900, 1200, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 256) as u8])
    }));
    let mut sent = Vec::new();
    JpegEncoder::new_with_quality(&mut sent, 90)
        .encode_image(&scaled)
        .expect("encode");
    let kept = normalise(&sent, spec).expect("normalises").jpeg;
    group.bench_function("crop_2inch_photo_from_900x1200", |b| {
        b.iter(|| crop_photo(black_box(&kept), None, 200).expect("crops"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
