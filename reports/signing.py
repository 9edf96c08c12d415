"""PAdES signatures on the protocol (pyHanko), its embedded data, and their validation.

The organisation's certificate comes from a PKCS#12 file named by
`PROTOCOL_SIGNING_P12` with its password in `PROTOCOL_SIGNING_PASSWORD`
(engine.config.setting: the environment, else the top level of Streamlit's default secrets.toml
files, read without importing Streamlit, the same for the app and the command line). With none configured,
a local self-signed certificate is created once under the data directory
(`<data>/signing/protocol-signing.p12`, password in a 0600 file next to it) and
the protocol says on its face that it is not the organisation's certificate.

The protocol carries its data as an embedded file, `protocol-data.json`,
added before signing so the signature covers it (`embed_protocol_data`,
`read_signed_protocol`). Verification names the signer by the SHA-256 of its
certificate and, when one is configured, pins it (`signer_pin`):
`PROTOCOL_SIGNER_CERT` (a PEM or DER certificate file, or the fingerprint in
hex), else the certificate of the configured `PROTOCOL_SIGNING_P12`. The local
self-signed certificate is never a pin: anyone can make one like it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from engine import config

P12_ENV = "PROTOCOL_SIGNING_P12"
PASSWORD_ENV = "PROTOCOL_SIGNING_PASSWORD"
SIGNER_CERT_ENV = "PROTOCOL_SIGNER_CERT"
PROTOCOL_DATA_FILE = "protocol-data.json"
LOCAL_P12 = "protocol-signing.p12"
LOCAL_PASSWORD = "protocol-signing.password"
LOCAL_SUBJECT = "Local self-signed - NOT the organisation certificate"


@dataclass(frozen=True)
class SigningIdentity:
    pkcs12_path: Path
    password: bytes | None
    self_signed: bool


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


def signing_identity(*, pkcs12_path: str | os.PathLike | None = None, password: str | bytes | None = None,
                     data_dir: str | os.PathLike | None = None) -> SigningIdentity:
    """The certificate to sign with: explicit, configured, or the local self-signed one."""
    path = pkcs12_path or config.setting(P12_ENV)
    if path:
        pw = password if password is not None else config.setting(PASSWORD_ENV)
        if isinstance(pw, str):
            pw = pw.encode("utf-8")
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"{P12_ENV}: no such PKCS#12 file: {path}")
        return SigningIdentity(path, pw, self_signed=_p12_self_signed(path, pw))
    return _local_identity(Path(data_dir) if data_dir else config.data_dir())


def _p12_self_signed(path: Path, password: bytes | None) -> bool:
    from cryptography.hazmat.primitives.serialization import pkcs12

    _, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    return cert is not None and cert.issuer == cert.subject


def _local_identity(data_dir: Path) -> SigningIdentity:
    """Create the self-signed certificate on first use; reuse it afterwards."""
    folder = data_dir / "signing"
    p12 = folder / LOCAL_P12
    pw_file = folder / LOCAL_PASSWORD
    if p12.is_file() and pw_file.is_file():
        return SigningIdentity(p12, pw_file.read_text("utf-8").strip().encode(), self_signed=True)

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kazakhtelecom JSC promotion commission (local)"),
        x509.NameAttribute(NameOID.COMMON_NAME, LOCAL_SUBJECT),
    ])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(24)
    blob = pkcs12.serialize_key_and_certificates(
        b"protocol-signing", key, cert, None, serialization.BestAvailableEncryption(password.encode())
    )
    # Write the password first, the certificate last: a half-written pair is recreated next time.
    fd = os.open(pw_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(password + "\n")
    tmp = p12.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(blob)
    os.replace(tmp, p12)
    return SigningIdentity(p12, password.encode(), self_signed=True)


def sign_pdf(pdf_bytes: bytes, *, pkcs12_path: str | os.PathLike | None = None, password: str | bytes | None = None,
             data_dir: str | os.PathLike | None = None, reason: str = "", location: str = "",
             identity: SigningIdentity | None = None) -> bytes:
    """Sign `pdf_bytes` (PAdES baseline B) and return the signed file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    identity = identity or signing_identity(pkcs12_path=pkcs12_path, password=password, data_dir=data_dir)
    loaded = signers.SimpleSigner.load_pkcs12(str(identity.pkcs12_path), passphrase=identity.password)
    if loaded is None:
        raise ValueError(f"could not read the PKCS#12 file {identity.pkcs12_path} (wrong password?)")
    signer = _key_once_signer()(signing_key=loaded.signing_key, signing_cert=loaded.signing_cert,
                                cert_registry=loaded.cert_registry, signature_mechanism=loaded.signature_mechanism)
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    meta = signers.PdfSignatureMetadata(
        field_name="CommissionProtocol", reason=reason or None, location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


@lru_cache(maxsize=1)
def _key_once_signer() -> type:
    """pyHanko's SimpleSigner, reading its RSA key once.

    SimpleSigner.sign_raw parses the private key from DER for every signature it makes, and
    `cryptography` checks an RSA key's consistency on every parse: three RSA-3072 checks per
    protocol (the PKCS#12 load, pyHanko's dry run that sizes the signature, the signature),
    about 0.1 s each, more than half the signing time. The PKCS#12 load has just checked this
    key, so the signatures reuse one parsed key. Other key types go through pyHanko unchanged.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class KeyOnceSigner(signers.SimpleSigner):
        _pyca_key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None, unsafe_skip_rsa_key_validation=True)
            return self._pyca_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    return KeyOnceSigner


def validate_pdf_signature(pdf_bytes: bytes, trust_cert: bytes | str | os.PathLike | None = None) -> SignatureStatus:
    """Check the (last) signature of a PDF. `trust_cert`: a PEM/DER certificate, or a path to one,
    to trust as the root (the organisation's, or the local self-signed one)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature as _validate
    from pyhanko_certvalidator import ValidationContext

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
    return SignatureStatus(True, bool(status.intact), valid, signer, self_signed, covers_whole_file=covers,
                           detail=status.summary() if hasattr(status, "summary") else "",
                           signer_sha256=certificate_sha256(cert.dump()) if cert is not None else "")


def certificate_sha256(der: bytes) -> str:
    """A certificate's fingerprint: SHA-256 of its DER encoding, lowercase hex."""
    return hashlib.sha256(der).hexdigest()


# --------------------------------------------------------------------------- the signer pin


@dataclass(frozen=True)
class SignerPin:
    """The certificate a protocol's signer must be (integrity rule 9)."""

    sha256: str  # fingerprint, lowercase hex
    source: str  # where it was configured, for the finding's text


def signer_pin() -> SignerPin | None:
    """The configured signer for verification: `PROTOCOL_SIGNER_CERT` (a PEM or DER certificate file,
    or its SHA-256 fingerprint in hex), else the certificate of `PROTOCOL_SIGNING_P12`. None when
    neither is configured. ValueError when one is configured but cannot be read: a pin that silently
    falls away would let any signer pass."""
    value = config.setting(SIGNER_CERT_ENV)
    if value:
        value = value.strip()
        hex_digits = value.replace(":", "").lower()
        if len(hex_digits) == 64 and all(c in "0123456789abcdef" for c in hex_digits):
            return SignerPin(hex_digits, f"{SIGNER_CERT_ENV} (fingerprint)")
        path = Path(value)
        if not path.is_file():
            raise ValueError(f"{SIGNER_CERT_ENV}: no such certificate file: {path}")
        return SignerPin(certificate_sha256(_certificate_der(path.read_bytes(), str(path))),
                         f"{SIGNER_CERT_ENV} {path}")
    p12 = config.setting(P12_ENV)
    if p12:
        from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

        password = config.setting(PASSWORD_ENV)
        try:
            _, cert, _ = pkcs12.load_key_and_certificates(
                Path(p12).read_bytes(), password.encode("utf-8") if password else None)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{P12_ENV}: cannot read the certificate of {p12}: {exc}") from None
        if cert is None:
            raise ValueError(f"{P12_ENV}: {p12} holds no certificate")
        return SignerPin(certificate_sha256(cert.public_bytes(Encoding.DER)), f"{P12_ENV} {p12}")
    return None


def _certificate_der(data: bytes, where: str) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        cert = (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
                else x509.load_der_x509_certificate(data))
    except ValueError as exc:
        raise ValueError(f"{where}: not a PEM or DER certificate: {exc}") from None
    return cert.public_bytes(Encoding.DER)


# --------------------------------------------------------------------------- the embedded data


def embed_protocol_data(pdf_bytes: bytes, data: dict) -> bytes:
    """`pdf_bytes` with `data` attached as protocol-data.json (an incremental update). Sign
    afterwards: the signature then covers the attachment like every other byte."""
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    stream = embed.EmbeddedFileObject.from_file_data(writer, text.encode("utf-8"), mime_type="application/json")
    embed.embed_file(writer, embed.FileSpec(
        file_spec_string=PROTOCOL_DATA_FILE, file_name=PROTOCOL_DATA_FILE, embedded_data=stream,
        description="The draw's data, machine-readable: python -m engine verify --protocol / --bundle"))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def read_protocol_data(pdf_bytes: bytes) -> dict:
    """The protocol-data.json attached to a protocol. ValueError saying why when there is none
    (or more than one, or it is not a JSON object)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        node = PdfFileReader(BytesIO(pdf_bytes), strict=False).root
        for key in ("/Names", "/EmbeddedFiles", "/Names"):  # a flat name tree, as embed_protocol_data writes
            node = node[key] if key in node else {}
        names = node or []
        found = [names[i + 1].get_object() for i in range(0, len(names) - 1, 2)
                 if str(names[i]) == PROTOCOL_DATA_FILE]
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
        checks = [PdfCheck(f"{name}: signature", False, "the signature does not cover the whole file: "
                                                        "something was added after signing")]
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
        return PdfCheck(f"{name}: signer", False, f"signed by {who}; the configured signer "
                                                  f"certificate cannot be used: {exc}")
    if pin is None:
        return PdfCheck(f"{name}: signer", True, f"signed by {who}; NOT PINNED: no organisation "
                        "certificate is configured (PROTOCOL_SIGNER_CERT or PROTOCOL_SIGNING_P12), "
                        "so compare this fingerprint with the organisation's published one")
    if pin.sha256 == st.signer_sha256:
        return PdfCheck(f"{name}: signer", True, f"signed by {who}: the pinned certificate ({pin.source})")
    return PdfCheck(f"{name}: signer", False, f"signed by {who}, not by the pinned certificate "
                    f"{pin.sha256} ({pin.source})")


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


def local_certificate_pem(data_dir: str | os.PathLike | None = None) -> bytes:
    """The local self-signed certificate (PEM), for validation with `trust_cert`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    identity = _local_identity(Path(data_dir) if data_dir else config.data_dir())
    _, cert, _ = pkcs12.load_key_and_certificates(identity.pkcs12_path.read_bytes(), identity.password)
    return cert.public_bytes(serialization.Encoding.PEM)


def protocol_pdf(store, month: str, rules, *, rehearsal: bool = False, data_dir: str | os.PathLike | None = None,
                 generated_at: dt.datetime | None = None, record=None) -> bytes:
    """Render the month's protocol from the store and sign it. `record`: the month as already read
    (the bundle passes the one its manifest is made from, so both carry the same audit head)."""
    from reports.protocol import SIGNING_ORGANISATION, SIGNING_SELF_SIGNED, render_protocol

    record = record or store.month_record(month, rehearsal=rehearsal)
    identity = signing_identity(data_dir=data_dir or _store_data_dir(store))
    pdf = render_protocol(record, rules, generated_at=generated_at,
                          signing=SIGNING_SELF_SIGNED if identity.self_signed else SIGNING_ORGANISATION)
    return sign_pdf(pdf, identity=identity, reason=f"Protocol {record.protocol_number} of the draw for {month}",
                    location=record.place or "Kazakhstan")


def _store_data_dir(store) -> Path | None:
    """The folder of the store's SQLite file, so the local certificate lives with the data;
    None (the default data directory) for other databases."""
    value = getattr(store, "data_dir", None)
    if value:
        return Path(value)
    if config.configured_data_dir():
        return None
    engine = getattr(store, "engine", None)
    database = getattr(getattr(engine, "url", None), "database", None)
    if getattr(store, "dialect", "") == "sqlite" and database and database != ":memory:":
        return Path(database).resolve().parent
    return None
