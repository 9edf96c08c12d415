"""reports.documents: the one registry of documents, for the app's downloads and `python -m reports`."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from reports import documents
from reports.__main__ import main
from reports.selfcheck import SelfCheckRefused
from tests.reports.sample_records import month_record

MAGIC = {"pdf": b"%PDF", "zip": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}


def test_file_names_and_types():
    assert documents.file_name("protocol", "2021-03", rehearsal=False) == "protocol-2021-03.pdf"
    assert documents.file_name("publish_xlsx", "2021-03", rehearsal=True) == "winners-rehearsal-2021-03.xlsx"
    assert documents.file_name("selfcheck_html", "2021-03", rehearsal=False) == "selfcheck-2021-03.html"
    assert documents.mime_type("bundle") == "application/zip"
    assert documents.kinds(rehearsal=False) == [
        "protocol",
        "acts",
        "publish_xlsx",
        "publish_html",
        "selfcheck_json",
        "selfcheck_html",
        "accounting",
        "bundle",
    ]
    assert "selfcheck_json" not in documents.kinds(rehearsal=True)  # never published for a rehearsal


@pytest.mark.parametrize("kind", list(documents.DOCUMENTS))
def test_every_document_renders_from_the_store(offline_store, rules, kind):
    store, _ = offline_store
    data = documents.render(kind, documents.Request(store, "2021-03", rules))
    ext = documents.DOCUMENTS[kind].ext
    if ext in MAGIC:
        assert data.startswith(MAGIC[ext])
    if ext == "xlsx":
        openpyxl.load_workbook(io.BytesIO(data))
    if ext == "zip":
        assert "manifest.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    if ext == "json":
        assert json.loads(data)["month"] == "2021-03"
    if ext == "html":
        assert b"<" in data


def test_the_self_check_is_refused_for_a_rehearsal(offline_store, rules):
    store, _ = offline_store
    rehearsal = month_record("offline", rehearsal=True)
    with pytest.raises(SelfCheckRefused):
        documents.render(
            "selfcheck_json", documents.Request(store, rehearsal.month, rules, rehearsal=True, record=rehearsal)
        )


def test_the_command_line_writes_what_the_registry_renders(offline_store, rules, tmp_path):
    store, url = offline_store
    out = tmp_path / "selfcheck"
    assert main(["selfcheck", "--month", "2021-03", "--db", url, "-o", str(out)]) == 0
    request = documents.Request(store, "2021-03", rules)
    for kind in ("selfcheck_json", "selfcheck_html"):
        name = documents.file_name(kind, "2021-03", rehearsal=False)
        assert (out / name).read_bytes() == documents.render(kind, request)
    html = tmp_path / "list.html"
    assert main(["publish", "--month", "2021-03", "--db", url, "-o", str(html)]) == 0
    assert html.read_bytes() == documents.render("publish_html", request)
