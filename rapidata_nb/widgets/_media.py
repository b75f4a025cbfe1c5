"""Turning datapoints into media dictionaries the front end can show.

This is the one place that decides how bytes travel (STYLE §3 item 7, as lonboard's
``_serialization.py``): a URL is passed through for the browser to load, a local file or raw bytes
are sent as a binary buffer (ipywidgets moves ``bytes`` inside synced dicts without base64), and
large images are shrunk first so one page stays small.
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

__all__ = ["MAX_IMAGE_BYTES", "THUMBNAIL_SIZE", "media_name", "to_media"]

MAX_IMAGE_BYTES = 1_000_000
"""Images larger than this are re-encoded to at most :data:`THUMBNAIL_SIZE` pixels before sending."""

THUMBNAIL_SIZE = 1024
"""Longest side, in pixels, of a shrunk image."""

_KIND_BY_PREFIX = {"image": "image", "video": "video", "audio": "audio", "text": "text"}

DataType = Literal["media", "text"]


def _kind(mime: str | None) -> str:
    if not mime:
        return "image"
    return _KIND_BY_PREFIX.get(mime.split("/", 1)[0], "image")


def _sniff(data: bytes) -> str:
    """Guess the MIME type of raw bytes from their magic number."""
    signatures = {
        b"\x89PNG": "image/png",
        b"\xff\xd8\xff": "image/jpeg",
        b"GIF8": "image/gif",
        b"RIFF": "image/webp",
        b"ID3": "audio/mpeg",
        b"OggS": "audio/ogg",
        b"fLaC": "audio/flac",
    }
    for magic, mime in signatures.items():
        if data.startswith(magic):
            if magic == b"RIFF" and data[8:12] == b"WAVE":
                return "audio/wav"
            return mime
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.lstrip().startswith(b"<svg") or data.lstrip().startswith(b"<?xml"):
        return "image/svg+xml"
    return "application/octet-stream"


def _shrink(data: bytes, mime: str) -> tuple[bytes, str]:
    """Re-encode a large raster image to a thumbnail (keeps small ones untouched)."""
    if len(data) <= MAX_IMAGE_BYTES or mime in {"image/svg+xml", "image/gif"}:
        return data, mime
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        out = io.BytesIO()
        if image.mode in {"RGBA", "LA", "P"}:
            image.save(out, format="PNG", optimize=True)
            return out.getvalue(), "image/png"
        image.convert("RGB").save(out, format="JPEG", quality=85)
        return out.getvalue(), "image/jpeg"


def media_name(value: Any) -> str:
    """A short display name for a datapoint (file name, URL basename, or the text itself)."""
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("text") or "")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    text = str(value)
    if text.startswith(("http://", "https://")):
        return Path(urlparse(text).path).name or text
    if len(text) < 260 and os.sep in text:
        return Path(text).name
    return text if len(text) <= 60 else text[:57] + "…"


def to_media(value: Any, *, data_type: DataType = "media", what: str = "datapoint") -> dict[str, Any]:
    """Convert one datapoint to a media dictionary (see ``Media`` in ``widgets_js/common.js``).

    Args:
        value: A URL, a local path, raw ``bytes``, a PIL image, text (with ``data_type="text"``), or an
            already converted media dictionary.
        data_type: ``"text"`` shows strings as text; ``"media"`` treats them as URLs or paths.
        what: How to name the value in an error message.

    Returns:
        ``{"kind", "name", "src"}`` for URLs, ``{"kind", "name", "data", "mime"}`` for bytes,
        ``{"kind": "text", "name", "text"}`` for text.

    Raises:
        ValueError: A string that is neither a URL nor an existing file, with ``data_type="media"``.
        TypeError: A value of an unsupported type.
    """
    if isinstance(value, Mapping) and "kind" in value:
        return dict(value)
    if data_type == "text":
        return {"kind": "text", "name": media_name(value), "text": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        mime = _sniff(data)
        if mime.startswith("image/"):
            data, mime = _shrink(data, mime)
        return {"kind": _kind(mime), "name": media_name(value), "data": data, "mime": mime}
    if hasattr(value, "save") and hasattr(value, "mode"):  # a PIL image
        out = io.BytesIO()
        value.save(out, format="PNG")
        return to_media(out.getvalue(), what=what)
    if isinstance(value, (str, os.PathLike)):
        text = str(os.fspath(value))
        if text.startswith("data:"):
            declared = text[5:].split(",", 1)[0].split(";", 1)[0]
            return {"kind": _kind(declared), "name": "data URL", "src": text}
        if text.startswith(("http://", "https://")):
            guessed = mimetypes.guess_type(urlparse(text).path)[0]
            return {"kind": _kind(guessed), "name": media_name(text), "src": text}
        path = Path(text).expanduser()
        if path.is_file():
            data = path.read_bytes()
            mime = mimetypes.guess_type(path.name)[0] or _sniff(data)
            if mime.startswith("text/"):
                return {"kind": "text", "name": path.name, "text": data.decode("utf-8", errors="replace")}
            if mime.startswith("image/"):
                data, mime = _shrink(data, mime)
            return {"kind": _kind(mime), "name": path.name, "data": data, "mime": mime}
        raise ValueError(
            f"{what} {text!r} is neither a URL nor an existing file; "
            "pass data_type='text' if your datapoints are texts"
        )
    raise TypeError(f"{what} must be a URL, a file path, bytes or text, not {type(value).__name__}")
