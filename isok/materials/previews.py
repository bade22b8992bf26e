"""Small pictures of a material's files, shown before anyone downloads them: a picture made smaller, a PDF's first
page. They are drawn in a separate process (preview_render.py) with limits on CPU time and memory and a timeout,
never in the web worker: a file that cannot be drawn in time simply has no preview, and its upload stands.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

RENDERER = Path(__file__).with_name("preview_render.py")
PREVIEWED = {"image/jpeg", "image/png", "application/pdf"}  # what the upload's check keeps of pictures, and PDFs
TIMEOUT_SECONDS = 10
MAX_PREVIEW_BYTES = 2 * 1024 * 1024


def previewed(media_type: str) -> bool:
    return media_type in PREVIEWED


def draw(stream: BinaryIO, media_type: str) -> bytes | None:
    """A WebP preview (at most 480 px wide) of the file read from the stream's position, or None when it has none or
    it could not be drawn."""
    if not previewed(media_type):
        return None
    with tempfile.NamedTemporaryFile(prefix="isok-preview-") as copy:
        shutil.copyfileobj(stream, copy)  # the renderer reads a file (an upload is spooled, a stored one streamed)
        copy.flush()
        try:
            done = subprocess.run(  # noqa: S603  (our interpreter and script, a fixed media type, our temporary file)
                [sys.executable, "-I", str(RENDERER), media_type, copy.name],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except (subprocess.TimeoutExpired, OSError):
            return None
    data = done.stdout
    if done.returncode != 0 or len(data) > MAX_PREVIEW_BYTES or not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return None
    return data
