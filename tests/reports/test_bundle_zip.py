"""The verification bundle, built from records and from real stores, checked with no database."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from engine.bundle import verify_bundle
from reports.bundle import build_bundle_from_record
from reports.pdf_check import protocol_pdf_verdict
from reports.protocol import render_protocol
from reports.signing import sign_pdf
from tests.reports.sample_records import month_record, standin_key_pem


def _bundle(record, rules, tmp_path, **kw):
    pdf = sign_pdf(render_protocol(record, rules), data_dir=tmp_path)
    return build_bundle_from_record(record, pdf, **kw)


def test_bundle_contents(offline_record, rules, tmp_path):
    zf = zipfile.ZipFile(io.BytesIO(_bundle(offline_record, rules, tmp_path)))
    names = set(zf.namelist())
    assert {
        "manifest.json",
        "HOW-TO-VERIFY.txt",
        "protocol-2021-03.pdf",
        "pool-2021-03-50000.txt",
        "entropy-2021-03-50000.txt",
        "pool-2021-03-50000-redraw1-cert3.txt",
    } <= names
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["month"] == "2021-03" and len(manifest["draws"]) == 4
    how = zf.read("HOW-TO-VERIFY.txt").decode()
    assert "Қазақша" in how and "Русский" in how and "English" in how
    pool = next(d for d in offline_record.draws if d.denomination == 50000 and d.kind == "draw").pool
    assert zf.read("pool-2021-03-50000.txt").decode() == pool.text


def test_offline_bundle_verifies(offline_record, rules, tmp_path):
    findings = verify_bundle(_bundle(offline_record, rules, tmp_path), check_pdf=protocol_pdf_verdict)
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]
    assert sum("winners re-derived" in f.detail for f in findings) == 4


def test_signed_responses_are_stored_verbatim_and_checked(random_org_record, rules, tmp_path):
    data = _bundle(random_org_record, rules, tmp_path)
    zf = zipfile.ZipFile(io.BytesIO(data))
    d = random_org_record.draws[0]
    assert zf.read(f"random-2021-04-{d.denomination}.json").decode() == d.signed_random
    # With the key that signed them (the test's stand-in key) everything verifies but the licence:
    # an official draw made with a developer licence fails (integrity rule 6) ...
    findings = verify_bundle(data, public_key_pem=standin_key_pem().encode(), check_pdf=protocol_pdf_verdict)
    failed = [f for f in findings if not f.ok]
    assert failed and all(f.name.endswith(": licence") and "developer licence" in f.detail for f in failed), failed
    # ... with the pinned RANDOM.ORG key the signatures fail too: these numbers were not signed by RANDOM.ORG.
    failed = [f for f in verify_bundle(data, check_pdf=protocol_pdf_verdict) if not f.ok]
    assert sum(f.name.endswith(": signature") and "pdf" not in f.name for f in failed) == len(random_org_record.draws)
    assert all("signature" in f.name or f.name.endswith(": licence") for f in failed)


def _rewrite(data: bytes, name: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            content = src.read(item)
            dst.writestr(item, change(content) if item == name else content)
    return out.getvalue()


def test_tampering_is_found(offline_record, rules, tmp_path):
    data = _bundle(offline_record, rules, tmp_path)
    # A swapped account in a pool: the file no longer matches the manifest, nor its pool hash.
    tampered = _rewrite(data, "pool-2021-03-70000.txt", lambda b: b.replace(b"\n2,", b"\n2,0", 1))
    bad = {f.name for f in verify_bundle(tampered, check_pdf=protocol_pdf_verdict) if not f.ok}
    assert "bundle files" in bad and any("pool" in n and "70000" in n for n in bad)
    # Other entropy: the winners no longer follow.
    tampered = _rewrite(data, "entropy-2021-03-100000.txt", lambda b: b + b" 6")
    assert any("winners" in f.name and not f.ok for f in verify_bundle(tampered, check_pdf=protocol_pdf_verdict))

    # One byte of the protocol.
    def flip(b: bytes) -> bytes:
        i = len(b) // 3
        return b[:i] + bytes([b[i] ^ 1]) + b[i + 1 :]

    tampered = _rewrite(data, "protocol-2021-03.pdf", flip)
    assert any("protocol" in f.name and not f.ok for f in verify_bundle(tampered, check_pdf=protocol_pdf_verdict))
    assert not verify_bundle(b"not a zip", check_pdf=protocol_pdf_verdict)[0].ok


@pytest.mark.parametrize("fixture", ["offline_store", "standin_store"])
def test_bundle_from_a_drawn_store(fixture, request, rules):
    from reports.bundle import build_bundle

    store, _ = request.getfixturevalue(fixture)
    rehearsal = fixture == "standin_store"
    findings = verify_bundle(build_bundle(store, "2021-03", rules, rehearsal=rehearsal), check_pdf=protocol_pdf_verdict)
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]
    if rehearsal:
        assert any("REHEARSAL" in f.detail for f in findings)
