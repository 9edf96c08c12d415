"""Acceptance-transfer acts (clause 13) and handover protocols (clause 14)."""

from __future__ import annotations

from reports.acts import act_winners, render_act, render_acts
from tests.reports.pdftext import page_texts, pdf_text


def test_one_act_has_the_winner_and_the_certificate(offline_record, rules):
    w = next(w for w in offline_record.current_winners if w.certificate_serial)
    text = pdf_text(render_act(offline_record, w, rules=rules))
    for value in (
        w.client_name,
        w.client_id,
        w.account,
        w.certificate_serial,
        "100 000"[:3],
        "қабылдау-тапсыру актісі".upper(),
        "ПРОТОКОЛ ВРУЧЕНИЯ СЕРТИФИКАТА",
        "Chocomart",
        offline_record.protocol_number,
    ):
        assert value in text, value


def test_all_acts_one_winner_per_page_pair(offline_record, rules):
    winners = act_winners(offline_record)
    pages = page_texts(render_acts(offline_record, rules=rules))
    assert len(pages) == 2 * len(winners)
    for i, w in enumerate(winners):
        assert w.account in pages[2 * i] and w.account in pages[2 * i + 1]


def test_replaced_winner_gets_no_act(offline_record):
    replaced = [w for d in offline_record.draws for w in d.winners if not w.current]
    assert replaced
    accounts = {w.account for w in act_winners(offline_record)}
    assert not accounts & {w.account for w in replaced}
    assert len(act_winners(offline_record, denomination=50000, certificate=3)) == 1
