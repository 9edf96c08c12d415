"""Read a PDF back the way a user's copy-and-paste would."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages]
