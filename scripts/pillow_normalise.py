"""The same normalisation in Pillow, for BENCHMARKS.md: open, apply EXIF orientation,
scale so the long side is at most 2400 px, and save as JPEG at the best quality that fits
500 KB (85, 75, 65, ...), exactly the steps of zc_storage::images::normalise."""
import io
import statistics
import sys
import time

from PIL import Image, ImageOps

def normalise(data: bytes) -> bytes:
    img = Image.open(io.BytesIO(data))
    img = ImageOps.exif_transpose(img)
    img = img.convert("RGB")
    img.thumbnail((2400, 2400), Image.LANCZOS)
    for quality in (85, 75, 65, 55, 45, 35):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality)
        if out.tell() <= 500 * 1024:
            return out.getvalue()
    raise SystemExit("does not fit")

def main() -> None:
    data = open(sys.argv[1], "rb").read()
    normalise(data)  # warm up
    times = []
    for _ in range(10):
        start = time.perf_counter()
        normalise(data)
        times.append(time.perf_counter() - start)
    print(f"pillow {Image.__version__}: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms over {len(times)} runs")

if __name__ == "__main__":
    main()
