"""engine.bundle.verify_bundle: a month's bundle checked from the ZIP alone, no database."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from engine.bundle import verify_bundle
from engine.verify import Finding
from reports.bundle import build_bundle_from_record
from reports.pdf_check import protocol_pdf_verdict
from tests.reports.sample_records import month_record, standin_key_pem


def checked(bundle, **options):
    """verify_bundle as `python -m engine verify --bundle` runs it: with reports' PDF checks."""
    return verify_bundle(bundle, check_pdf=protocol_pdf_verdict, **options)


@pytest.fixture(scope="module")
def bundle() -> bytes:
    # The engine check does not need a real protocol to re-derive winners; a placeholder PDF shows up
    # as failed findings of the protocol file (no signature, no embedded data), and nothing else.
    return build_bundle_from_record(month_record("offline"), b"%PDF-1.7\n%placeholder\n")


def test_findings_are_named_and_typed(bundle):
    findings = checked(bundle)
    assert all(isinstance(f, Finding) and f.name for f in findings)
    assert [f.name for f in findings if not f.ok] == [
        "protocol-2021-03.pdf: signature",
        "protocol-2021-03.pdf: embedded data",
    ]


def test_without_a_pdf_checker_the_protocol_fails_as_not_checked(bundle):
    """The engine does not read PDFs: a caller that gives no checker is told so, never passed quietly."""
    findings = verify_bundle(bundle, check_pdf=None)
    protocol = [f for f in findings if f.name.startswith("protocol-2021-03.pdf")]
    assert [(f.name, f.ok) for f in protocol] == [("protocol-2021-03.pdf: signature", False)]
    assert "NOT CHECKED" in protocol[0].detail
    others = [f for f in findings if f not in protocol]
    assert others and all(f.ok for f in others)


def test_from_a_file_path(bundle, tmp_path):
    path = tmp_path / "b.zip"
    path.write_bytes(bundle)
    assert [f.ok for f in checked(path)] == [f.ok for f in checked(bundle)]


def test_manifest_winner_changed_is_found(bundle):
    src = zipfile.ZipFile(io.BytesIO(bundle))
    manifest = json.loads(src.read("manifest.json"))
    manifest["draws"][0]["winners"][0]["account"] = "0000000000"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, json.dumps(manifest) if name == "manifest.json" else src.read(name))
    bad = [f for f in checked(out.getvalue()) if not f.ok and "winners" in f.name]
    assert bad and "expected" in bad[0].detail


def test_missing_manifest():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("x.txt", "x")
    (finding,) = checked(out.getvalue())
    assert not finding.ok and "manifest" in finding.detail


def test_rehearsal_stand_in_key_from_the_bundle():
    record = month_record("random-org", rehearsal=True)
    keys = {d.id: standin_key_pem() for d in record.draws}
    findings = checked(build_bundle_from_record(record, b"%PDF-1.7\n", public_keys=keys))
    sig = [f for f in findings if f.name.endswith("signature") and "pdf" not in f.name]
    assert sig and all(f.ok for f in sig)
    assert any(f.name.endswith("rehearsal") and "REHEARSAL" in f.detail for f in findings)
    # The same numbers presented as an official draw are checked against the pinned RANDOM.ORG key: they fail.
    official = month_record("random-org")
    bad = [
        f
        for f in checked(build_bundle_from_record(official, b"%PDF-1.7\n", public_keys=keys))
        if not f.ok and "signature" in f.name and "pdf" not in f.name
    ]
    assert len(bad) == len(official.draws)
