"""Which certificate signs the protocol, and which one verification pins.

The organisation's certificate comes from a PKCS#12 file named by
`PROTOCOL_SIGNING_P12` with its password in `PROTOCOL_SIGNING_PASSWORD`
(engine.config.setting: the environment, else the top level of Streamlit's default secrets.toml
files, read without importing Streamlit, the same for the app and the command line). With none configured,
a local self-signed certificate is created once under the data directory
(`<data>/signing/protocol-signing.p12`, password in a 0600 file next to it) and
the protocol says on its face that it is not the organisation's certificate.

Verification names the signer by the SHA-256 of its certificate and, when one is configured,
pins it (`signer_pin`): `PROTOCOL_SIGNER_CERT` (a PEM or DER certificate file, or the
fingerprint in hex), else the certificate of the configured `PROTOCOL_SIGNING_P12`. The local
self-signed certificate is never a pin: anyone can make one like it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from engine import config

P12_ENV = "PROTOCOL_SIGNING_P12"
PASSWORD_ENV = "PROTOCOL_SIGNING_PASSWORD"
SIGNER_CERT_ENV = "PROTOCOL_SIGNER_CERT"
LOCAL_P12 = "protocol-signing.p12"
LOCAL_PASSWORD = "protocol-signing.password"
LOCAL_SUBJECT = "Local self-signed - NOT the organisation certificate"


@dataclass(frozen=True)
class SigningIdentity:
    pkcs12_path: Path
    password: bytes | None
    self_signed: bool


def signing_identity(
    *,
    pkcs12_path: str | os.PathLike | None = None,
    password: str | bytes | None = None,
    data_dir: str | os.PathLike | None = None,
) -> SigningIdentity:
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

    _, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    return cert is not None and cert.issuer == cert.subject


def _local_identity(data_dir: Path) -> SigningIdentity:
    """Create the self-signed certificate on first use; reuse it afterwards."""
    folder = data_dir / "signing"
    p12 = folder / LOCAL_P12
    pw_file = folder / LOCAL_PASSWORD
    if p12.is_file() and pw_file.is_file():
        return SigningIdentity(p12, pw_file.read_text("utf-8").strip().encode(), self_signed=True)

    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kazakhtelecom JSC promotion commission (local)"),
            x509.NameAttribute(NameOID.COMMON_NAME, LOCAL_SUBJECT),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
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


def local_certificate_pem(data_dir: str | os.PathLike | None = None) -> bytes:
    """The local self-signed certificate (PEM), for validation with `trust_cert`."""
    identity = _local_identity(Path(data_dir) if data_dir else config.data_dir())
    _, cert, _ = pkcs12.load_key_and_certificates(identity.pkcs12_path.read_bytes(), identity.password)
    return cert.public_bytes(serialization.Encoding.PEM)


# --------------------------------------------------------------------------- the signer pin


def certificate_sha256(der: bytes) -> str:
    """A certificate's fingerprint: SHA-256 of its DER encoding, lowercase hex."""
    return hashlib.sha256(der).hexdigest()


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
        return SignerPin(
            certificate_sha256(_certificate_der(path.read_bytes(), str(path))), f"{SIGNER_CERT_ENV} {path}"
        )
    p12 = config.setting(P12_ENV)
    if p12:
        password = config.setting(PASSWORD_ENV)
        try:
            _, cert, _ = pkcs12.load_key_and_certificates(
                Path(p12).read_bytes(), password.encode("utf-8") if password else None
            )
        except (OSError, ValueError) as exc:
            raise ValueError(f"{P12_ENV}: cannot read the certificate of {p12}: {exc}") from None
        if cert is None:
            raise ValueError(f"{P12_ENV}: {p12} holds no certificate")
        return SignerPin(certificate_sha256(cert.public_bytes(Encoding.DER)), f"{P12_ENV} {p12}")
    return None


def _certificate_der(data: bytes, where: str) -> bytes:

    try:
        cert = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ValueError(f"{where}: not a PEM or DER certificate: {exc}") from None
    return cert.public_bytes(Encoding.DER)
