"""Draw one file's preview: run by previews.py as its own process (`python -I preview_render.py TYPE PATH`), never
imported by the application. It limits itself first (CPU time, memory, no files written), then reads the picture
or the PDF's first page and writes a small WebP to standard output; any failure is a non-zero exit and no output.

A PDF is drawn by PDFium (pypdfium2), a large C library parsing what anyone may have sent: whatever goes wrong in
it (a crash, a loop, memory eaten) ends this process only.
"""

import io
import resource
import sys

CPU_SECONDS = 5
MEMORY_BYTES = 1024 * 1024 * 1024  # address space: PDFium and Pillow reserve more than they use
MAX_WIDTH, MAX_HEIGHT = 480, 960
MAX_IMAGE_PIXELS = 40_000_000  # as the upload's check: a larger picture is not decoded


def limit() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def picture(path: str):
    from PIL import Image, ImageOps
    from pillow_heif import register_heif_opener

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # twice this raises DecompressionBombError on opening
    image = Image.open(path)
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValueError("too many pixels")
    image.draft("RGB", (MAX_WIDTH, MAX_HEIGHT))  # a JPEG decodes at a fraction of its size
    return ImageOps.exif_transpose(image)


def first_page(path: str):
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    page = document[0]
    width, height = page.get_size()
    scale = min(MAX_WIDTH / width, MAX_HEIGHT / height)
    return page.render(scale=scale).to_pil()


def main(media_type: str, path: str) -> None:
    limit()
    image = first_page(path) if media_type == "application/pdf" else picture(path)
    image.thumbnail((MAX_WIDTH, MAX_HEIGHT))
    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    out = io.BytesIO()
    image.save(out, "WEBP", quality=75, exif=b"", icc_profile=None, xmp=b"")  # no metadata of the original
    sys.stdout.buffer.write(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
