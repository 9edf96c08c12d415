"""verify.html goes into every bundle, listed in the manifest, and asks nothing of the network."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from engine.bundle import verify_bundle
from engine.randomorg import load_public_key
from reports.bundle import build_bundle_from_record
from reports.certificates import local_certificate_pem
from reports.pdf_check import protocol_pdf_verdict
from reports.protocol import render_protocol
from reports.signing import sign_pdf
from reports.verify_page import KEY_SLOT, SIGNER_SLOT, TEMPLATE, verify_html


def test_every_bundle_carries_the_page_listed_in_its_manifest(offline_record, random_org_record, rules, tmp_path):
    for record in (offline_record, random_org_record):
        data = build_bundle_from_record(record, sign_pdf(render_protocol(record, rules), data_dir=tmp_path))
        zf = zipfile.ZipFile(io.BytesIO(data))
        page = zf.read("verify.html")
        assert page == verify_html()
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["files"]["verify.html"] == hashlib.sha256(page).hexdigest()
        how = zf.read("HOW-TO-VERIFY.txt").decode()
        assert how.count("verify.html") == 3  # one line per language
    files = next(f for f in verify_bundle(data, check_pdf=protocol_pdf_verdict) if f.name == "bundle files")
    assert files.ok, files.detail


def test_the_page_is_self_contained():
    page = verify_html().decode("utf-8")
    assert not re.search(r"https?://", page, re.IGNORECASE)
    markup = re.sub(r"(<(script|style)\b[^>]*>).*?(</\2>)", r"\1\3", page, flags=re.DOTALL)
    assert not re.search(r"\b(?:src|href|action|formaction|poster|data|background)\s*=", markup, re.IGNORECASE)
    assert not re.search(
        r"<link\b|<iframe\b|<object\b|<embed\b|<img\b|<base\b|@import|url\(|@font-face", page, re.IGNORECASE
    )
    assert not re.search(r"\b(?:fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|importScripts|Worker)\s*\(", page)
    assert not re.search(r"\.(?:src|href|action)\s*=|setAttribute\(\s*[\"'](?:src|href)", page)
    assert re.findall(r"<script\b[^>]*>", page) == ["<script>"]  # one inline script, no src
    assert "default-src 'none'" in page  # and the browser is told to refuse any request
    # The pinned RANDOM.ORG key is inlined from engine/keys, the only copy in the repository.
    assert KEY_SLOT not in page and KEY_SLOT in TEMPLATE.read_text(encoding="utf-8")
    assert SIGNER_SLOT not in page and 'const PINNED_SIGNER = "";' in page  # no organisation certificate configured
    assert load_public_key().decode().strip() in page


def test_the_page_says_what_it_does_not_check():
    page = verify_html().decode("utf-8")
    assert "python -m engine verify --bundle" in page
    assert "not who signed it" in page and "is checked by a PDF reader or" in page


def test_the_configured_signer_is_pinned_in_the_page(monkeypatch, tmp_path):
    """As `verify --bundle` judges the PDF's signer by the configured organisation certificate, so does
    the page built where it is configured."""
    pem = local_certificate_pem(tmp_path / "org")  # a real certificate, pinned by its file
    (tmp_path / "org.pem").write_bytes(pem)
    fingerprint = hashlib.sha256(x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)).hexdigest()
    monkeypatch.setenv("PROTOCOL_SIGNER_CERT", str(tmp_path / "org.pem"))
    assert f'const PINNED_SIGNER = "{fingerprint}";' in verify_html().decode()
    monkeypatch.setenv("PROTOCOL_SIGNER_CERT", str(tmp_path / "missing.pem"))  # unusable: named, not pinned
    assert 'const PINNED_SIGNER = "";' in verify_html().decode()
    assert 'const PINNED_SIGNER = "";' in verify_html(None).decode()


def test_the_script_parses(tmp_path):
    """A syntax error would leave the page blank; Node's parser finds it without a browser."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node on PATH (tests/e2e/test_verify_html.py runs the page itself)")
    (script,) = re.findall(r"<script>(.*?)</script>", verify_html().decode("utf-8"), re.DOTALL)
    (tmp_path / "verify.js").write_text(script, encoding="utf-8")
    done = subprocess.run([node, "--check", str(tmp_path / "verify.js")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
