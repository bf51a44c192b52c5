"""What kind of file someone uploads: its type from the name's extension, checked against its first bytes.

The extension decides the type (and so what a download says it is); the type must be on
the allowed list (settings.ATTACHMENT_CONTENT_TYPES). Then the first bytes must agree:
a PDF starts with "%PDF-", a PNG with its signature, an Office document is a ZIP or an
OLE file, and so on — and nothing may start like a program (Windows, Linux, macOS, a
script) or a web page, whatever it is called. Only the standard library: `mimetypes`
with a fixed table (not the machine's /etc/mime.types, so every server decides alike)
and a few magic numbers.
"""

from __future__ import annotations

import mimetypes

# Python's own table, plus the office and image types it leaves to the operating system.
_TYPES = mimetypes.MimeTypes()
for _extension, _type in {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".webp": "image/webp",
    ".rtf": "application/rtf",
    ".md": "text/markdown",
}.items():
    _TYPES.add_type(_type, _extension)

ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with files; an empty ZIP
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # Word/Excel/PowerPoint 97–2003
# How a file of each type starts. Types not named here (text) are checked for looking like text.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),  # then 4 bytes of length and "WEBP": see _matches
    "application/rtf": (b"{\\rtf",),
    "application/zip": ZIP,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ZIP,
    "application/vnd.oasis.opendocument.text": ZIP,
    "application/vnd.oasis.opendocument.spreadsheet": ZIP,
    "application/vnd.oasis.opendocument.presentation": ZIP,
    "application/msword": OLE,
    "application/vnd.ms-excel": OLE,
    "application/vnd.ms-powerpoint": OLE,
}
# Starts that are never accepted, whatever the file is called.
PROGRAMS = {
    b"MZ": "a Windows program",
    b"\x7fELF": "a Linux program",
    b"\xfe\xed\xfa\xce": "a macOS program",
    b"\xfe\xed\xfa\xcf": "a macOS program",
    b"\xce\xfa\xed\xfe": "a macOS program",
    b"\xcf\xfa\xed\xfe": "a macOS program",
    b"\xca\xfe\xba\xbe": "a macOS or Java program",
    b"#!": "a script",
}
WEB_PAGE_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<iframe", b"<?xml")
HEAD_BYTES = 2048

# Short names for messages: "PDF, Word, …" rather than MIME types.
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "text/plain": "text",
    "text/csv": "CSV",
    "text/markdown": "Markdown",
    "application/rtf": "RTF",
    "application/zip": "ZIP",
    "application/msword": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument",
}


def type_from_name(filename: str) -> str | None:
    """The MIME type a file's extension stands for (case-insensitive), or None for an unknown one."""
    content_type, _encoding = _TYPES.guess_type(filename.lower(), strict=False)
    return content_type


def accepted_kinds(allowed: list[str]) -> str:
    """ "PDF, PNG, JPEG, Word, Excel, …": the allowed types in words, each once."""
    names = dict.fromkeys(TYPE_NAMES.get(content_type, content_type) for content_type in allowed)
    return ", ".join(names)


def content_problem(content_type: str, head: bytes) -> str | None:
    """Why a file whose name says `content_type` but which starts with `head` is refused, or None."""
    for start, what in PROGRAMS.items():
        # "MZ" is also how a text may begin ("MZ Logistics quote"); a program has NUL bytes right after.
        if head.startswith(start) and (start != b"MZ" or b"\x00" in head[:64]):
            return f"its contents are {what}"
    if _looks_like_a_web_page(head):
        return "its contents are a web page"
    if content_type in SIGNATURES:
        if not _matches(content_type, head):
            return f"its contents are not {TYPE_NAMES.get(content_type, content_type)}"
    elif content_type.startswith("text/") and b"\x00" in head:
        return "its contents are not text"
    return None


def _matches(content_type: str, head: bytes) -> bool:
    if content_type == "image/webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    return head.startswith(SIGNATURES[content_type])


def _looks_like_a_web_page(head: bytes) -> bool:
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return start.startswith(WEB_PAGE_STARTS)
