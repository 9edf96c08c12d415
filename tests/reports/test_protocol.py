"""The draw protocol: read back with pypdf, signed and validated with pyHanko."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from reports.certificates import local_certificate_pem
from reports.pdf_check import validate_pdf_signature
from reports.protocol import ProtocolError, render_protocol, verification_payload
from reports.signing import sign_pdf
from tests.reports.pdftext import page_texts, pdf_text
from tests.reports.sample_records import month_record

GENERATED = dt.datetime(2021, 4, 5, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def offline_pdf():
    from engine.rules import load_rules

    return render_protocol(month_record("offline"), load_rules(), generated_at=GENERATED)


def test_kazakh_and_russian_text_survive_extraction(offline_pdf):
    text = pdf_text(offline_pdf)
    for word in (
        "ХАТТАМА",
        "Хаттама",
        "Комиссия",
        "жеңімпаз",
        "Жеңімпаздардың тізімі",
        "ПРОТОКОЛ",
        "Список победителей",
        "Іскерлік ұсыныс",
        "2021 жылғы наурыз",
        "март 2021 г.",
        "Сәрсенбаев Ерлан Қайратұлы",
        "Комиссия төрағасы",
        "Комиссия хатшысы",
        "Қайталама ұтыс",
    ):
        assert word in text, word
    for letter in "әғқңөұүһі":
        assert letter in text.lower(), letter


def test_every_winner_and_every_pool_hash_is_in_the_text(offline_pdf, offline_record):
    text = pdf_text(offline_pdf)
    for w in offline_record.current_winners:
        assert w.account in text and w.client_id in text
    for d in offline_record.draws:
        assert d.pool.sha256 in text  # one line, monospace: never split by a line break
        assert d.entropy in text
    for imp in offline_record.imports:
        assert imp.file_sha256 in text and imp.file_name in text


def test_page_footer_counts_pages(offline_pdf):
    pages = page_texts(offline_pdf)
    assert len(pages) >= 2
    for i, page in enumerate(pages, 1):
        assert f"{i} / {len(pages)}" in page


def test_random_org_protocol_shows_the_evidence(random_org_record, rules):
    text = pdf_text(render_protocol(random_org_record, rules))
    for d in random_org_record.draws:
        assert str(d.serial_number) in text and d.ticket_id in text and d.completion_time in text
        assert d.pool.sha256 in text
    assert random_org_record.draws[0].hashed_api_key in text
    assert "RANDOM.ORG" in text and "тексерілді" in text
    assert "әзірлеушілік кілтімен" in text  # the development-licence warning
    assert "255" in text and "225" in text  # clause 7 notice


def test_rehearsal_is_marked_on_every_page(rules):
    pages = page_texts(render_protocol(month_record("random-org", rehearsal=True), rules))
    assert all("РЕПЕТИЦИЯ" in p and "REHEARSAL" in p for p in pages)


def test_no_commission_recorded_leaves_blank_lines(rules):
    text = pdf_text(render_protocol(month_record(commission=False), rules))
    assert "қолмен толтырыңыз" in text
    assert text.count("Комиссия мүшесі") >= 3 and "Комиссия төрағасы" in text and "Комиссия хатшысы" in text


def test_self_signed_notice_is_printed(rules, offline_record):
    assert "өздігінен қол қойылған" in pdf_text(render_protocol(offline_record, rules, signing="self-signed"))


def test_undrawn_tier_is_refused(rules, offline_record):
    partial = replace(offline_record, draws=tuple(d for d in offline_record.draws if d.denomination != 70000))
    with pytest.raises(ProtocolError, match="70000"):
        render_protocol(partial, rules)
    with pytest.raises(ProtocolError):
        render_protocol(replace(offline_record, draws=()), rules)


def test_qr_payload_carries_hashes_and_serials(random_org_record):
    payload = verification_payload(random_org_record)
    assert payload["month"] == "2021-04"
    assert {p["sha256"] for p in payload["pools"]} == {d.pool.sha256 for d in random_org_record.draws}
    assert {p["serial"] for p in payload["pools"]} == {d.serial_number for d in random_org_record.draws}


def test_signature_is_intact_and_one_changed_byte_breaks_it(offline_pdf, tmp_path):
    signed = sign_pdf(offline_pdf, data_dir=tmp_path, reason="test", location="Алматы")
    status = validate_pdf_signature(signed, trust_cert=local_certificate_pem(tmp_path))
    assert status.ok and status.intact and status.valid and status.self_signed
    # One byte inside the signed range (the original document body).
    tampered = bytearray(signed)
    index = len(offline_pdf) // 2
    tampered[index] ^= 0x01
    broken = validate_pdf_signature(bytes(tampered))
    assert not broken.ok and not broken.intact
    # Appending after the signature is a change too.
    assert not validate_pdf_signature(signed + b"\n%appended\n").ok
    assert not validate_pdf_signature(offline_pdf).present


def test_local_certificate_is_created_once(tmp_path):
    first = local_certificate_pem(tmp_path)
    assert local_certificate_pem(tmp_path) == first
    assert (tmp_path / "signing" / "protocol-signing.p12").is_file()


def test_organisation_certificate_from_environment(tmp_path, monkeypatch, offline_pdf):
    from reports.certificates import signing_identity

    local_certificate_pem(tmp_path / "org")  # stands in for the organisation's PKCS#12
    p12 = tmp_path / "org" / "signing" / "protocol-signing.p12"
    password = (tmp_path / "org" / "signing" / "protocol-signing.password").read_text().strip()
    monkeypatch.setenv("PROTOCOL_SIGNING_P12", str(p12))
    monkeypatch.setenv("PROTOCOL_SIGNING_PASSWORD", password)
    identity = signing_identity(data_dir=tmp_path / "unused")
    assert identity.pkcs12_path == p12
    assert not (tmp_path / "unused").exists()
    assert validate_pdf_signature(sign_pdf(offline_pdf, identity=identity)).ok


# ---- from a real store


@pytest.mark.parametrize("fixture", ["offline_store", "standin_store"])
def test_protocol_from_a_drawn_store(fixture, request, rules):
    from reports.protocol_pdf import protocol_pdf

    store, _ = request.getfixturevalue(fixture)
    rehearsal = fixture == "standin_store"
    record = store.month_record("2021-03", rehearsal=rehearsal)
    signed = protocol_pdf(store, "2021-03", rules, rehearsal=rehearsal)
    assert validate_pdf_signature(signed).ok
    text = pdf_text(signed)
    assert "Хаттама" in text and record.protocol_number in text
    for w in record.current_winners:
        assert w.account in text
    for d in record.draws:
        if d.pool is not None:
            assert d.pool.sha256 in text
        if d.serial_number is not None:
            assert str(d.serial_number) in text
    if rehearsal:
        assert all("РЕПЕТИЦИЯ" in p for p in page_texts(signed))


@pytest.mark.parametrize("with_redraws", [True, False])
def test_sections_are_numbered_without_gaps(rules, offline_record, with_redraws):
    import re

    record = (
        offline_record
        if with_redraws
        else replace(offline_record, draws=tuple(d for d in offline_record.draws if d.kind == "draw"))
    )
    text = pdf_text(render_protocol(record, rules))
    numbers = [int(n) for n in re.findall(r"^(\d+)\. [^\n]* / ", text, flags=re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8


def test_the_commission_present_at_each_redraw_is_printed(rules, offline_record):
    """Integrity rule 3: a re-draw is the commission's act; the protocol says who was present, with
    their roles, in Kazakh and Russian, and says so plainly when nobody was recorded."""
    from engine.records import CommissionMember, RedrawCommission

    (d,) = offline_record.redraws
    present = RedrawCommission(
        d.denomination,
        d.redraw_of_certificate,
        d.draw_date,
        "Астана",
        (CommissionMember("chair", "Сауле Жақыпова", "Директор"), CommissionMember("member", "Олжас Бекұлы", "Заңгер")),
    )
    text = " ".join(pdf_text(render_protocol(replace(offline_record, redraw_commissions=(present,)), rules)).split())
    cert = d.redraw_of_certificate
    assert f"№ {cert} сертификаттың қайталама ұтыс ойынына" in text
    assert f"при повторном розыгрыше сертификата № {cert}" in text
    assert "Сауле Жақыпова (комиссия төрағасы)" in text and "Сауле Жақыпова (председатель комиссии)" in text
    assert "Олжас Бекұлы (член комиссии)" in text
    unrecorded = " ".join(pdf_text(render_protocol(offline_record, rules)).split())
    assert "Сауле Жақыпова" not in unrecorded
    assert "Состав комиссии, присутствовавшей при повторных розыгрышах, не записан." in unrecorded
