"""Reading and validating a signed protocol PDF: its signature, its signer against the pin, its data.

`protocol_pdf_verdict` is what `python -m engine verify` (engine.bundle) is given to judge a protocol PDF.
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as _validate
from pyhanko_certvalidator import ValidationContext

from reports.certificates import certificate_sha256, signer_pin
from reports.signing import PROTOCOL_DATA_FILE


@dataclass(frozen=True)
class SignatureStatus:
    present: bool  # is there a signature at all
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature checks out (and, with trust_cert, chains to it)
    signer: str  # the signer certificate's subject
    self_signed: bool  # the signer certificate is its own issuer
    covers_whole_file: bool = False  # no bytes after the signed revision
    detail: str = ""
    signer_sha256: str = ""  # SHA-256 of the signer certificate (DER), lowercase hex: its fingerprint

    @property
    def ok(self) -> bool:
        """Signed, unchanged, and nothing appended after the signature."""
        return self.present and self.intact and self.valid and self.covers_whole_file


def validate_pdf_signature(pdf_bytes: bytes, trust_cert: bytes | str | os.PathLike | None = None) -> SignatureStatus:
    """Check the (last) signature of a PDF. `trust_cert`: a PEM/DER certificate, or a path to one,
    to trust as the root (the organisation's, or the local self-signed one)."""
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # a damaged file is "not intact", not a crash
        return SignatureStatus(False, False, False, "", False, detail=f"unreadable PDF: {exc}")
    if not sigs:
        return SignatureStatus(False, False, False, "", False, detail="no signature")
    sig = sigs[-1]
    context = None
    if trust_cert is not None:
        data = trust_cert
        if not isinstance(data, bytes):
            data = Path(data).read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(data)], allow_fetching=False)
    try:
        with _quiet("pyhanko", "pyhanko_certvalidator"):  # an untrusted self-signed cert is expected, not news
            status = _validate(sig, context)
    except Exception as exc:
        return SignatureStatus(True, False, False, "", False, detail=f"validation failed: {exc}")
    cert = status.signing_cert
    signer = cert.subject.human_friendly if cert is not None else ""
    self_signed = bool(cert is not None and cert.self_signed)
    valid = bool(status.valid and status.intact and (status.trusted if trust_cert is not None else True))
    covers = sig.coverage is not None and sig.coverage.name in ("ENTIRE_FILE",)
    return SignatureStatus(
        True,
        bool(status.intact),
        valid,
        signer,
        self_signed,
        covers_whole_file=covers,
        detail=status.summary() if hasattr(status, "summary") else "",
        signer_sha256=certificate_sha256(cert.dump()) if cert is not None else "",
    )


def read_protocol_data(pdf_bytes: bytes) -> dict:
    """The protocol-data.json attached to a protocol. ValueError saying why when there is none
    (or more than one, or it is not a JSON object)."""
    try:
        node = PdfFileReader(BytesIO(pdf_bytes), strict=False).root
        for key in ("/Names", "/EmbeddedFiles", "/Names"):  # a flat name tree, as embed_protocol_data writes
            node = node[key] if key in node else {}
        names = node or []
        found = [names[i + 1].get_object() for i in range(0, len(names) - 1, 2) if str(names[i]) == PROTOCOL_DATA_FILE]
    except Exception as exc:  # a damaged file has no readable data, it is not a crash
        raise ValueError(f"cannot read the PDF's attachments: {exc}") from None
    if len(found) != 1:
        raise ValueError(f"{PROTOCOL_DATA_FILE} is {'missing' if not found else 'attached more than once'}")
    try:
        data = json.loads(found[0]["/EF"]["/F"].get_object().data.decode("utf-8"))
    except Exception as exc:
        raise ValueError(f"{PROTOCOL_DATA_FILE} is not readable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{PROTOCOL_DATA_FILE} is not a JSON object")
    return data


@dataclass(frozen=True)
class SignedProtocol:
    """What verification reads from a protocol PDF: its signature and its embedded data."""

    signature: SignatureStatus
    data: dict | None  # None when missing or unreadable (see data_problem)
    data_problem: str = ""


def read_signed_protocol(pdf_bytes: bytes) -> SignedProtocol:
    status = validate_pdf_signature(pdf_bytes)
    try:
        return SignedProtocol(status, read_protocol_data(pdf_bytes))
    except ValueError as exc:
        return SignedProtocol(status, None, str(exc))


# --------------------------------------------------------------------------- the verdict on a protocol PDF


@dataclass(frozen=True)
class PdfCheck:
    """One check of a protocol PDF, named as verification lists it ("<file>: signature", "<file>: signer")."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class ProtocolPdfVerdict:
    """What the PDF of a protocol says: its signature and signer checks, and the data it carries
    (None when missing or unreadable, with the reason in data_problem)."""

    checks: tuple[PdfCheck, ...]
    data: dict | None
    data_problem: str = ""


def protocol_pdf_verdict(name: str, pdf_bytes: bytes) -> ProtocolPdfVerdict:
    """The PDF checks of one protocol, for `engine.bundle` (which is given this function by the command
    that wires them): the signature intact and covering the whole file; the signer named by certificate
    fingerprint and, when one is configured, the pinned one (`signer_pin`); the embedded data read."""
    signed = read_signed_protocol(pdf_bytes)
    st = signed.signature
    if not st.present:
        checks = [PdfCheck(f"{name}: signature", False, f"the protocol is not signed ({st.detail})")]
    elif not st.intact or not st.valid:
        checks = [PdfCheck(f"{name}: signature", False, f"changed after signing ({st.detail})")]
    elif not st.covers_whole_file:
        checks = [
            PdfCheck(
                f"{name}: signature",
                False,
                "the signature does not cover the whole file: something was added after signing",
            )
        ]
    else:
        checks = [PdfCheck(f"{name}: signature", True, "intact, covers the whole file")]
    if st.present and st.signer_sha256:
        checks.append(_signer_check(name, st))
    return ProtocolPdfVerdict(tuple(checks), signed.data, signed.data_problem)


def _signer_check(name: str, st: SignatureStatus) -> PdfCheck:
    who = f"{st.signer}{' (self-signed)' if st.self_signed else ''}, certificate SHA-256 {st.signer_sha256}"
    try:
        pin = signer_pin()
    except ValueError as exc:
        return PdfCheck(
            f"{name}: signer", False, f"signed by {who}; the configured signer certificate cannot be used: {exc}"
        )
    if pin is None:
        return PdfCheck(
            f"{name}: signer",
            True,
            f"signed by {who}; NOT PINNED: no organisation "
            "certificate is configured (PROTOCOL_SIGNER_CERT or PROTOCOL_SIGNING_P12), "
            "so compare this fingerprint with the organisation's published one",
        )
    if pin.sha256 == st.signer_sha256:
        return PdfCheck(f"{name}: signer", True, f"signed by {who}: the pinned certificate ({pin.source})")
    return PdfCheck(
        f"{name}: signer", False, f"signed by {who}, not by the pinned certificate {pin.sha256} ({pin.source})"
    )


@contextmanager
def _quiet(*names: str):
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
