"""The self-check in the verification bundle: `verify_bundle` checks its commitments against the pool
texts and its draws against the bundle's (finding code "commitments"). Good bundles of real stores
(offline, and RANDOM.ORG through the loopback stand-in) and of a hand-built month with a re-draw;
each tampered self-check fails naming the tier and what differs, also when the attacker fixed the
manifest's file hashes to fit.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from engine.bundle import verify_bundle
from reports.bundle import build_bundle, build_bundle_from_record
from reports.pdf_check import protocol_pdf_verdict
from reports.protocol import render_protocol
from reports.signing import sign_pdf
from tests.reports.sample_records import month_record
from tests.reports.test_selfcheck import standin_official  # noqa: F401 - fixture

NAME = "selfcheck-2021-03.json"


def _unzip(data: bytes) -> tuple[dict, dict[str, bytes]]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return json.loads(zf.read("manifest.json")), {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}


def _zip(manifest: dict, files: dict[str, bytes]) -> bytes:
    """Packed again as an attacker would: every file hash in the manifest made to fit."""
    manifest = {**manifest, "files": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(files.items())}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def _with_selfcheck(data: bytes, change) -> bytes:
    manifest, files = _unzip(data)
    doc = json.loads(files[NAME])
    change(doc)
    files[NAME] = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return _zip(manifest, files)


def _failed(findings) -> dict[str, str]:
    return {f.name: f.detail for f in findings if not f.ok}


@pytest.fixture(scope="module")
def offline_bundle(tmp_path_factory):
    """A hand-built offline month with a re-draw of certificate 3 of 50 000, bundled."""
    from engine.rules import load_rules

    folder = tmp_path_factory.mktemp("sc-bundle")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROMOTION_DATA_DIR", str(folder / "data"))
        for name in ("PROTOCOL_SIGNING_P12", "PROTOCOL_SIGNING_PASSWORD", "PROTOCOL_SIGNER_CERT"):
            mp.delenv(name, raising=False)
        record = month_record("offline")
        return build_bundle_from_record(record, sign_pdf(render_protocol(record, load_rules()), data_dir=folder))


def test_good_bundles_carry_the_self_check_and_verify(offline_store, standin_official, offline_bundle, rules):  # noqa: F811
    standin = build_bundle(standin_official[0], "2021-03", rules)
    for data in (build_bundle(offline_store[0], "2021-03", rules), offline_bundle, standin):
        manifest, files = _unzip(data)
        assert NAME in files and NAME in manifest["files"]
        findings = verify_bundle(data, check_pdf=protocol_pdf_verdict)
        ours = [f for f in findings if f.code == "commitments"]
        assert len(ours) == 3 and all(f.ok for f in ours), ours
        if data is standin:  # its results are signed by the stand-in's key, which the pinned RANDOM.ORG key refuses
            findings = [f for f in findings if not (f.name.endswith(": signature") and ".pdf" not in f.name)]
        assert all(f.ok for f in findings), _failed(findings)


def test_a_rehearsal_bundle_has_no_self_check(standin_store, rules):
    _, files = _unzip(build_bundle(standin_store[0], "2021-03", rules, rehearsal=True))
    assert not [n for n in files if n.startswith("selfcheck-")]


def _commitment(doc, den, i, value):
    next(t for t in doc["tiers"] if t["denomination"] == den)["commitments"][i] = value


TAMPERED = {
    "one commitment changed": (
        lambda d: _commitment(d, 70000, 4, "0" * 64),
        "2021-03 70000: commitments",
        "ordinal 5 differs",
    ),
    "a commitment dropped": (
        lambda d: next(t for t in d["tiers"] if t["denomination"] == 100000)["commitments"].pop(),
        "2021-03 100000: commitments",
        "first difference at ordinal 5",
    ),
    "pool hash": (lambda d: d["tiers"][0].update(pool_sha256="ab" * 32), "2021-03 50000: commitments", "pool_sha256"),
    "pool size": (lambda d: d["tiers"][1].update(pool_size=99), "2021-03 70000: commitments", "pool_size"),
    "drawn": (lambda d: d["tiers"][2]["drawn"].reverse(), "2021-03 100000: commitments", "drawn"),
    "re-draw left out": (lambda d: d["tiers"][0]["drawn"].pop(), "2021-03 50000: commitments", "drawn"),
    "entropy": (lambda d: d["tiers"][0].update(entropy="1 2 3"), "2021-03 50000: commitments", "entropy"),
    "tier missing": (lambda d: d["tiers"].pop(), "selfcheck-2021-03.json: commitments", "tiers"),
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_a_tampered_self_check_fails_naming_the_tier(offline_bundle, case):
    change, name, words = TAMPERED[case]
    failed = _failed(verify_bundle(_with_selfcheck(offline_bundle, change), check_pdf=protocol_pdf_verdict))
    assert name in failed and words in failed[name], failed
    assert set(failed) == {name}, failed  # everything else in the bundle still holds


def test_a_self_check_out_of_step_with_an_edited_pool_fails(offline_bundle):
    """The pool text edited and re-hashed in the manifest: the commitments no longer match the text."""
    manifest, files = _unzip(offline_bundle)
    files["pool-2021-03-70000.txt"] = files["pool-2021-03-70000.txt"].replace(b"\n2,", b"\n2,0", 1)
    failed = _failed(verify_bundle(_zip(manifest, files), check_pdf=protocol_pdf_verdict))
    assert "ordinal 2 differs" in failed["2021-03 70000: commitments"], failed


def test_a_signed_result_altered_in_the_self_check_fails(standin_official, rules):  # noqa: F811
    data = build_bundle(standin_official[0], "2021-03", rules)
    manifest, files = _unzip(data)
    text = files[NAME].decode()
    files[NAME] = text.replace('"serialNumber":', '"serialNumber": ', 1).encode()  # same values, other bytes: fine
    assert "2021-03 50000: commitments" not in _failed(
        verify_bundle(_zip(manifest, files), check_pdf=protocol_pdf_verdict)
    )
    doc = json.loads(text)
    doc["tiers"][0]["signed_random"]["random"]["data"][0] += 1
    files[NAME] = json.dumps(doc).encode()
    failed = _failed(verify_bundle(_zip(manifest, files), check_pdf=protocol_pdf_verdict))
    den = doc["tiers"][0]["denomination"]
    assert "signed_random" in failed[f"2021-03 {den}: commitments"], failed
