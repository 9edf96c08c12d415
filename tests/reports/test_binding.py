"""The signed protocol binds its data (integrity rules 8 and 9): real SQLite stores, real offline draws,
real PDFs read back with pypdf, signatures made and checked by pyHanko.

The attacks are the adversarial tester's: (a) a bundle whose manifest, entropy and winners were
rewritten around the genuine signed PDF; (b) a bundle relabelled as a rehearsal and re-signed with
another key; (c) a protocol re-rendered with a changed winner and signed by another self-signed
certificate; and history rewritten in the database after the protocol went out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.bundle import protocol_data, verify_bundle, verify_protocol
from engine.records import CommissionMember
from reports.bundle import build_bundle, build_bundle_from_record
from reports.certificates import local_certificate_pem, signing_identity
from reports.pdf_check import protocol_pdf_verdict
from reports.protocol import render_protocol
from reports.protocol_pdf import protocol_pdf
from reports.signing import sign_pdf
from tests.reports.pdftext import pdf_text
from tests.reports.sample_records import offline_ordinals

ROOT = Path(__file__).resolve().parents[2]
MONTH = "2021-03"
LATE = dt.date(2021, 5, 12)  # clause 8 asks for April 2021
ENTROPY_AUTHOR = "Ілиясов Дәурен Ғалымұлы"
COMMISSION = (
    CommissionMember("chair", "Сәрсенбаев Ерлан Қайратұлы", "Директор"),
    CommissionMember("secretary", ENTROPY_AUTHOR, "Хатшы"),
)


# --------------------------------------------------------------------------- helpers


def _drawn_store(folder: Path):
    """March 2021 drawn offline into a fresh SQLite file, late, with the entropy entered by the secretary."""
    from engine.demo import write_demo
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    (path,) = write_demo(folder, months=[MONTH])
    url = f"sqlite:///{folder / 'promotion.sqlite'}"
    store = Store(url, actor=ENTROPY_AUTHOR)
    result = preview(path, month=MONTH, draw_date=LATE, history=store.history())
    draw_month(
        store,
        result,
        DrawOccasion(MONTH, LATE, "offline", place="Алматы қ."),
        entropy="5 2 6 1 3 3 4 6 2 1",
        commission=COMMISSION,
        protocol_number="ИҰ-2021-03",
    )
    return store, url


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """One drawn store for the tests that only read it."""
    store, url = _drawn_store(tmp_path_factory.mktemp("binding"))
    yield store, url
    store.close()


def _identity(folder: Path):
    """A self-signed PKCS#12 in `folder` (made like the local one): the organisation's, or an attacker's."""
    local_certificate_pem(folder)
    p12 = folder / "signing" / "protocol-signing.p12"
    password = (folder / "signing" / "protocol-signing.password").read_text().strip()
    return p12, password


def _fingerprint(p12: Path, password: str) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    _, cert, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), password.encode())
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


@pytest.fixture
def organisation(tmp_path, monkeypatch):
    """An organisation certificate configured for signing, hence pinned for verification."""
    p12, password = _identity(tmp_path / "org")
    monkeypatch.setenv("PROTOCOL_SIGNING_P12", str(p12))
    monkeypatch.setenv("PROTOCOL_SIGNING_PASSWORD", password)
    return _fingerprint(p12, password)


@pytest.fixture
def attacker(tmp_path):
    p12, password = _identity(tmp_path / "attacker")
    return signing_identity(pkcs12_path=p12, password=password), _fingerprint(p12, password)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def _unzip(data: bytes) -> tuple[dict, dict[str, bytes]]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    files = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
    return json.loads(zf.read("manifest.json")), files


def _rezip(manifest: dict, files: dict[str, bytes]) -> bytes:
    """The bundle as an attacker re-packs it: every file hash in the manifest made to fit again."""
    manifest = {**manifest, "files": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(files.items())}}
    return _zip({"manifest.json": json.dumps(manifest, ensure_ascii=False).encode(), **files})


def _embedded(pdf: bytes) -> dict:
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert list(attachments) == ["protocol-data.json"]
    (content,) = attachments["protocol-data.json"]
    return json.loads(content)


def _failed(findings) -> list:
    return [f for f in findings if not f.ok]


def _signer(findings, pdf_name: str):
    (finding,) = [f for f in findings if f.name == f"{pdf_name}: signer"]
    return finding


# --------------------------------------------------------------------------- the genuine documents


def test_genuine_bundle_passes_and_names_the_signer(drawn, rules):
    store, _ = drawn
    data = build_bundle(store, MONTH, rules)
    findings = verify_bundle(data, check_pdf=protocol_pdf_verdict)
    assert not _failed(findings), _failed(findings)
    manifest, files = _unzip(data)
    local = signing_identity()  # nothing configured: the local self-signed certificate signed it
    signer = _signer(findings, "protocol-2021-03.pdf")
    assert _fingerprint(local.pkcs12_path, local.password.decode()) in signer.detail
    assert "NOT PINNED" in signer.detail
    # The PDF's embedded data is the manifest's protocol_data, and both are the stored month's.
    embedded = _embedded(files["protocol-2021-03.pdf"])
    assert embedded == manifest["protocol_data"] == protocol_data(store.month_record(MONTH))
    assert [d["denomination"] for d in embedded["draws"]] == [50000, 70000, 100000]
    assert all(d["entropy_by"] == ENTROPY_AUTHOR and d["entropy_at"] for d in embedded["draws"])
    assert embedded["audit_head"] == {"seq": store.audit_head()[0], "sha256": store.audit_head()[1]}


def test_genuine_bundle_with_the_organisation_certificate_is_pinned(drawn, rules, organisation):
    store, _ = drawn
    findings = verify_bundle(build_bundle(store, MONTH, rules), check_pdf=protocol_pdf_verdict)
    assert not _failed(findings), _failed(findings)
    signer = _signer(findings, "protocol-2021-03.pdf")
    assert organisation in signer.detail and "pinned certificate" in signer.detail


def test_the_data_is_inside_the_signed_range(drawn, rules):
    """Data attached after signing (a new revision) leaves the signature short of the whole file."""
    from reports.signing import embed_protocol_data

    store, _ = drawn
    pdf = protocol_pdf(store, MONTH, rules)
    forged = json.loads(json.dumps(_embedded(pdf)))
    forged["draws"][0]["winners"][0][2] = "0000000000"
    appended = embed_protocol_data(pdf, forged)
    findings = verify_protocol(appended, store, name="p.pdf", check_pdf=protocol_pdf_verdict)
    assert {f.name for f in _failed(findings)} >= {"p.pdf: signature"}
    assert "does not cover the whole file" in next(f.detail for f in findings if f.name == "p.pdf: signature")


# --------------------------------------------------------------------------- (a) rewritten around the genuine PDF


def test_a_manifest_entropy_and_winners_rewritten_around_the_genuine_pdf(drawn, rules):
    store, _ = drawn
    manifest, files = _unzip(build_bundle(store, MONTH, rules))
    # The attacker picks new entropy for 50 000 and makes everything the bundle can check fit it:
    # the entropy file, the winners re-derived from it, the manifest's protocol_data, the file hashes.
    entry = next(e for e in manifest["draws"] if e["denomination"] == 50000 and e["kind"] == "draw")
    new_entropy = "1 1 1 1 1 1 1 1 1 1"
    pool_text = files[entry["pool"]["file"]].decode()
    lines = [line.split(",") for line in pool_text.splitlines()]
    ordinals = offline_ordinals(entry["pool"]["sha256"], new_entropy, entry["pool"]["size"], entry["drawn"])
    winners = [
        {"certificate": c, "ordinal": o, "account": lines[o - 1][1], "client_id": lines[o - 1][2]}
        for c, o in enumerate(ordinals, 1)
    ]
    files[entry["entropy_file"]] = new_entropy.encode()
    entry["winners"] = winners
    data_entry = next(d for d in manifest["protocol_data"]["draws"] if d["denomination"] == 50000)
    data_entry["entropy"] = new_entropy
    data_entry["winners"] = [[w["certificate"], w["ordinal"], w["account"], w["client_id"]] for w in winners]
    selfcheck = json.loads(files[f"selfcheck-{MONTH}.json"])  # and the entrants' self-check, to fit
    tier = next(t for t in selfcheck["tiers"] if t["denomination"] == 50000)
    tier["entropy"], tier["drawn"] = new_entropy, ordinals
    files[f"selfcheck-{MONTH}.json"] = json.dumps(selfcheck, ensure_ascii=False).encode()
    findings = verify_bundle(_rezip(manifest, files), check_pdf=protocol_pdf_verdict)
    failed = _failed(findings)
    # Every recomputation agrees with the rewritten files; only the signed PDF disagrees, and says where.
    assert failed and all(f.name.startswith("protocol-2021-03.pdf: ") for f in failed), failed
    assert any(f.name.endswith(": manifest") for f in failed)
    (draw,) = [f for f in failed if f.name == "protocol-2021-03.pdf: 2021-03 50000 draw"]
    assert "entropy:" in draw.detail and "winners:" in draw.detail
    assert any("winners re-derived" in f.detail and f.ok for f in findings)


def test_a_manifest_rewritten_but_its_protocol_data_left_alone(drawn, rules):
    store, _ = drawn
    manifest, files = _unzip(build_bundle(store, MONTH, rules))
    entry = next(e for e in manifest["draws"] if e["denomination"] == 100000)
    entry["winners"][0]["account"], entry["winners"][1]["account"] = (
        entry["winners"][1]["account"],
        entry["winners"][0]["account"],
    )
    failed = _failed(verify_bundle(_rezip(manifest, files), check_pdf=protocol_pdf_verdict))
    assert "protocol-2021-03.pdf: 2021-03 100000 draw" in {f.name for f in failed}


# --------------------------------------------------------------------------- (b) relabelled as a rehearsal


def _relabelled(store, rules, attacker_identity) -> bytes:
    record = store.month_record(MONTH)
    fake = replace(record, rehearsal=True, draws=tuple(replace(d, rehearsal=True) for d in record.draws))
    pdf = sign_pdf(render_protocol(fake, rules), identity=attacker_identity)
    return build_bundle_from_record(fake, pdf)


def test_b_relabelled_rehearsal_resigned_fails_against_the_organisation_certificate(
    drawn, rules, organisation, attacker
):
    store, _ = drawn
    identity, attacker_fp = attacker
    findings = verify_bundle(_relabelled(store, rules, identity), check_pdf=protocol_pdf_verdict)
    failed = _failed(findings)
    signer = _signer(findings, "protocol-2021-03-rehearsal.pdf")
    assert signer in failed
    assert attacker_fp in signer.detail and organisation in signer.detail and "not by the pinned" in signer.detail


def test_b_relabelled_rehearsal_without_a_pin_names_the_other_signer(drawn, rules, attacker):
    store, _ = drawn
    identity, attacker_fp = attacker
    local = signing_identity()
    findings = verify_bundle(_relabelled(store, rules, identity), check_pdf=protocol_pdf_verdict)
    signer = _signer(findings, "protocol-2021-03-rehearsal.pdf")
    # Not pinned, so not failed here: but it names the fingerprint, which is not the organisation's.
    assert signer.ok and attacker_fp in signer.detail and "NOT PINNED" in signer.detail
    assert _fingerprint(local.pkcs12_path, local.password.decode()) not in signer.detail
    assert any("REHEARSAL" in f.detail for f in findings)


def test_b_manifest_relabelled_around_the_official_pdf(drawn, rules):
    store, _ = drawn
    manifest, files = _unzip(build_bundle(store, MONTH, rules))
    manifest["rehearsal"] = True
    for entry in manifest["draws"]:
        entry["rehearsal"] = True
    manifest["protocol_data"]["rehearsal"] = True
    failed = _failed(verify_bundle(_rezip(manifest, files), check_pdf=protocol_pdf_verdict))
    (header,) = [f for f in failed if f.name == "protocol-2021-03.pdf: 2021-03 header"]
    assert "the manifest says a rehearsal, the signed protocol says official" in header.detail


def test_b_relabelled_protocol_against_the_database(drawn, rules, attacker):
    store, _ = drawn
    identity, _ = attacker
    record = store.month_record(MONTH)
    fake = replace(record, rehearsal=True, draws=tuple(replace(d, rehearsal=True) for d in record.draws))
    pdf = sign_pdf(render_protocol(fake, rules), identity=identity)
    failed = _failed(verify_protocol(pdf, store, name="p.pdf", check_pdf=protocol_pdf_verdict))
    assert any("no rehearsal draw of 2021-03" in f.detail for f in failed)


# --------------------------------------------------------------------------- (c) a changed winner, re-signed


def _changed_winner(store, rules, identity):
    """The 70 000 tier's certificate 1 given to someone else in the pool, re-rendered and re-signed."""
    record = store.month_record(MONTH)
    draw = record.tier_draw(70000)
    lines = [line.split(",") for line in draw.pool.text.splitlines()]
    taken = {w.ordinal for w in draw.winners}
    other = next(line for line in lines if int(line[0]) not in taken)
    first = replace(draw.winners[0], ordinal=int(other[0]), account=other[1], client_id=other[2])
    forged_draw = replace(draw, winners=(first, *draw.winners[1:]))
    forged = replace(record, draws=tuple(forged_draw if d.id == draw.id else d for d in record.draws))
    return record, sign_pdf(render_protocol(forged, rules), identity=identity), other[1]


def test_c_changed_winner_fails_against_the_database(drawn, rules, attacker):
    store, _ = drawn
    identity, attacker_fp = attacker
    _, pdf, account = _changed_winner(store, rules, identity)
    findings = verify_protocol(pdf, store, name="forged.pdf", check_pdf=protocol_pdf_verdict)
    failed = _failed(findings)
    (draw,) = [f for f in failed if f.name == "forged.pdf: 2021-03 70000 draw"]
    assert "winners:" in draw.detail and account in draw.detail
    assert attacker_fp in _signer(findings, "forged.pdf").detail
    assert next(f for f in findings if f.name == "forged.pdf: signature").ok  # its own signature is intact


def test_c_changed_winner_fails_against_the_organisation_certificate(drawn, rules, organisation, attacker):
    store, _ = drawn
    identity, attacker_fp = attacker
    _, pdf, _ = _changed_winner(store, rules, identity)
    signer = _signer(verify_protocol(pdf, store, name="forged.pdf", check_pdf=protocol_pdf_verdict), "forged.pdf")
    assert not signer.ok and attacker_fp in signer.detail and organisation in signer.detail


def test_c_changed_winner_inside_a_bundle(drawn, rules, attacker):
    store, _ = drawn
    identity, _ = attacker
    record, pdf, _ = _changed_winner(store, rules, identity)
    failed = _failed(verify_bundle(build_bundle_from_record(record, pdf), check_pdf=protocol_pdf_verdict))
    names = {f.name for f in failed}
    assert {"protocol-2021-03.pdf: manifest", "protocol-2021-03.pdf: 2021-03 70000 draw"} <= names
    assert all(n.startswith("protocol-2021-03.pdf") for n in names)


# --------------------------------------------------------------------------- the protocol against the database


def test_protocol_verifies_then_history_rewritten_fails_on_the_audit_head(tmp_path, rules):
    from engine.store import audit_sha256, canonical_json
    from engine.verify import verify

    store, url = _drawn_store(tmp_path / "db")
    pdf = protocol_pdf(store, MONTH, rules)
    findings = verify_protocol(pdf, store, name="p.pdf", check_pdf=protocol_pdf_verdict)
    assert not _failed(findings), _failed(findings)
    seq, printed = store.audit_head()
    assert f"audit entry {seq} sha256 {printed}" in next(f.detail for f in findings if f.name == "p.pdf: audit head")
    # Later entries (a claim, say) do not disturb the anchor.
    store.append_audit("note", {"text": "after the protocol"})
    assert not _failed(verify_protocol(pdf, store, name="p.pdf", check_pdf=protocol_pdf_verdict))

    # Rewrite history: edit entry 2 and recompute every later hash, so the chain itself is consistent.
    audit = store.raw_audit()
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    with db:
        prev = audit[0]["sha256"]
        for e in audit[1:]:
            payload = json.loads(e["payload"])
            if e["seq"] == 2:
                payload["rewritten"] = True
            digest = audit_sha256(prev, e["seq"], e["at"], e["action"], e["actor"], payload)
            db.execute(
                "UPDATE audit SET payload = ?, prev_sha256 = ?, sha256 = ? WHERE seq = ?",
                (canonical_json(payload), prev, digest, e["seq"]),
            )
            prev = digest
    db.close()
    assert next(f for f in verify(store) if f.name == "audit chain").ok  # the database alone cannot tell
    failed = _failed(verify_protocol(pdf, store, name="p.pdf", check_pdf=protocol_pdf_verdict))
    (head,) = failed
    assert head.name == "p.pdf: audit head"
    stored = next(e["sha256"] for e in store.raw_audit() if e["seq"] == seq)
    assert f"audit entry {seq}" in head.detail and printed in head.detail and stored in head.detail
    assert "rewritten" in head.detail
    store.close()


def test_cli_exit_codes(tmp_path, rules, attacker):
    store, url = _drawn_store(tmp_path / "cli")
    genuine = tmp_path / "protocol.pdf"
    genuine.write_bytes(protocol_pdf(store, MONTH, rules))
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(_changed_winner(store, rules, attacker[0])[1])
    store.close()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "engine", "verify", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=dict(os.environ),
        )

    ok = run("--protocol", str(genuine), "--db", url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ok   protocol.pdf: signer:" in ok.stdout and "NOT PINNED" in ok.stdout
    bad = run("--protocol", str(forged), "--db", url)
    assert bad.returncode == 1
    assert "FAIL forged.pdf: 2021-03 70000 draw: winners:" in bad.stdout
    assert run("--protocol", str(tmp_path / "missing.pdf"), "--db", url).returncode == 2
    as_json = run("--protocol", str(genuine), "--db", url, "--json")
    assert as_json.returncode == 0 and all(f["ok"] for f in json.loads(as_json.stdout))


# --------------------------------------------------------------------------- what the protocol prints


def test_protocol_prints_the_audit_head_the_late_notice_and_the_entropy_author(drawn, rules):
    store, _ = drawn
    pdf = protocol_pdf(store, MONTH, rules)
    text = pdf_text(pdf)
    head = _embedded(pdf)["audit_head"]
    assert "Аудит журналының соңғы жазбасы" in text and "Последняя запись журнала аудита" in text
    assert f"№ {head['seq']}" in text and head["sha256"] in text
    assert "8-тармақ талап еткеннен кеш өткізілді" in text and "позже, чем требует пункт 8" in text
    assert "01.04.2021" in text and "30.04.2021" in text and "12.05.2021" in text
    assert "Кто ввёл, когда" in text and ENTROPY_AUTHOR in text


def test_timely_draw_has_no_late_notice_and_old_draws_no_author_column(offline_record, rules):
    text = pdf_text(render_protocol(offline_record, rules))  # drawn on 05.04.2021, no entropy author stored
    assert "кеш өткізілді" not in text and "Кто ввёл" not in text


def test_abandoned_tickets_are_printed(offline_record, rules):
    from engine.records import AbandonedTicket

    ticket = AbandonedTicket(
        draw_id=9,
        month="2021-03",
        denomination=70000,
        kind="draw",
        certificate=None,
        ticket_id="a1b2c3d4e5f60718",
        failure="bad_signature: the signature does not verify",
        reason="ответ RANDOM.ORG не проверен",
        abandoned_by="Сәрсенбаев Е.",
        abandoned_at=dt.datetime(2021, 4, 5, 5, 50, tzinfo=dt.UTC),
    )
    record = replace(offline_record, abandoned=(ticket,))
    pdf = render_protocol(record, rules)
    text = " ".join(pdf_text(pdf).split())  # free text wraps inside its table cell
    assert "Комиссия бас тартқан RANDOM.ORG билеттері" in text and "a1b2c3d4e5f60718" in text
    assert "ответ RANDOM.ORG не проверен" in text and "api.random.org/tickets/form" in text
    assert _embedded(pdf)["abandoned"] == [
        {
            "ticket_id": "a1b2c3d4e5f60718",
            "denomination": 70000,
            "kind": "draw",
            "certificate": None,
            "failure": "bad_signature: the signature does not verify",
            "reason": "ответ RANDOM.ORG не проверен",
            "abandoned_by": "Сәрсенбаев Е.",
            "abandoned_at": "2021-04-05T05:50:00+00:00",
        }
    ]


# --------------------------------------------------------------------------- the pin


def test_signer_pinned_by_certificate_file_or_fingerprint(drawn, rules, tmp_path, monkeypatch):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    store, _ = drawn
    pdf = protocol_pdf(store, MONTH, rules)  # signed with the local self-signed certificate
    local_pem = local_certificate_pem()
    cert = x509.load_pem_x509_certificate(local_pem)
    fingerprint = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()

    def signer() -> object:
        return _signer(verify_protocol(pdf, store, name="p.pdf", check_pdf=protocol_pdf_verdict), "p.pdf")

    (tmp_path / "local.pem").write_bytes(local_pem)
    (tmp_path / "local.der").write_bytes(cert.public_bytes(Encoding.DER))
    for value in (
        tmp_path / "local.pem",
        tmp_path / "local.der",
        ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper(),
    ):
        monkeypatch.setenv("PROTOCOL_SIGNER_CERT", str(value))
        assert signer().ok and "pinned certificate (PROTOCOL_SIGNER_CERT" in signer().detail
    other = local_certificate_pem(tmp_path / "other")
    (tmp_path / "other.pem").write_bytes(other)
    monkeypatch.setenv("PROTOCOL_SIGNER_CERT", str(tmp_path / "other.pem"))
    assert not signer().ok and fingerprint in signer().detail
    # A pin that cannot be read fails rather than silently letting any signer pass.
    monkeypatch.setenv("PROTOCOL_SIGNER_CERT", str(tmp_path / "missing.pem"))
    assert not signer().ok and "cannot be used" in signer().detail


def test_unsigned_or_dataless_pdfs_fail(drawn, rules):
    store, _ = drawn
    record = store.month_record(MONTH)
    unsigned = render_protocol(record, rules)
    failed = {f.name for f in _failed(verify_protocol(unsigned, store, name="u.pdf", check_pdf=protocol_pdf_verdict))}
    assert failed == {"u.pdf: signature"}
    from reports.pdfkit import P, PageDecor, build_pdf

    bare = sign_pdf(build_pdf([P("x")], PageDecor(organiser="o", promotion=("p", "p"), footer_left="f"), title="t"))
    failed = _failed(verify_protocol(bare, store, name="b.pdf", check_pdf=protocol_pdf_verdict))
    assert [f.name for f in failed] == ["b.pdf: embedded data"] and "missing" in failed[0].detail
