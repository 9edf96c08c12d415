"""RULES.md clauses about the documents that a mutation of reports/ could break unnoticed.

Each test was written because a deliberate mutation (named in its docstring) survived the rest of
tests/engine and tests/reports.
"""

from __future__ import annotations

from dataclasses import replace

from reports.protocol import render_protocol
from reports.strings import ts
from tests.reports.pdftext import pdf_text


def _method_section(pdf: bytes) -> str:
    """The text of the protocol's "method" section, up to the pool hashes section."""
    text = pdf_text(pdf)
    start = text.index(" / ".join(ts("sec_method")))
    end = text.index(ts("sec_pools")[0], start)
    return " ".join(text[start:end].split())  # a cell may wrap its words over lines


def test_offline_method_is_named_as_such_with_its_algorithm(offline_record, rules):
    """RULES step 3: the offline method is "chosen explicitly by the commission and named as such in
    the protocol". Mutations killed: the method section names RANDOM.ORG for an offline draw; the
    offline algorithm left out of the protocol."""
    section = _method_section(render_protocol(offline_record, rules))
    assert "Офлайн әдіс" in section and "Офлайн-метод" in section and "RFC 3797" in section
    assert "RANDOM.ORG" not in section
    assert "bytes.fromhex(pool_sha256)" in section and "SHA-256(i₄ ‖ seed ‖ i₄)" in section
    for d in offline_record.draws:
        assert d.entropy in section


def test_random_org_method_is_not_called_offline(random_org_record, rules):
    section = _method_section(render_protocol(random_org_record, rules))
    assert "generateSignedIntegers" in section and "Офлайн" not in section


def test_protocol_never_claims_a_signature_it_did_not_verify(random_org_record, rules):
    """RULES step 2: "The signature is verified before any winner is shown". The protocol reports the
    verification per draw; a draw whose signature was not verified must be shown as NOT verified.
    Mutation killed: the protocol printing "verified" whatever the record says (the column header
    already contains the word "тексерілді", so the earlier test could not tell)."""
    verified = _method_section(render_protocol(random_org_record, rules))
    assert "ТЕКСЕРІЛМЕГЕН" not in verified and "НЕ ПРОВЕРЕНА" not in verified
    first, *rest = random_org_record.draws
    unverified = replace(random_org_record, draws=(replace(first, signature_verified=False), *rest))
    section = _method_section(render_protocol(unverified, rules))
    assert section.count("ТЕКСЕРІЛМЕГЕН") == 1 and section.count("НЕ ПРОВЕРЕНА") == 1
