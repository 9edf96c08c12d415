"""The documents page's downloads: the registry's documents (reports.documents) of this session's store."""

from __future__ import annotations

from collections.abc import Callable

from reports import documents
from ui.stores import rules, store


def kinds(*, rehearsal: bool) -> list[str]:
    """The documents the page offers for a month, in its order (reports.documents)."""
    return documents.kinds(rehearsal=rehearsal)


def document_later(kind: str, month: str, *, rehearsal: bool) -> tuple[Callable[[], bytes], str, str]:
    """(make, file name, MIME type): `make()` renders the document when called, with no Streamlit
    call inside (the store and rules are bound now), so a download button can run it on click,
    on its own thread: one click, and nothing is rendered for documents nobody asks for."""
    s, r = store(), rules()

    def make() -> bytes:
        return documents.render(kind, documents.Request(s, month, r, rehearsal=rehearsal))

    return make, documents.file_name(kind, month, rehearsal=rehearsal), documents.mime_type(kind)
