"""PAdES signatures on the protocol (pyHanko) and the data embedded before signing.

The certificate to sign with comes from reports.certificates. The protocol carries its data as an
embedded file, `protocol-data.json`, added before signing so the signature covers it
(`embed_protocol_data`; reports.pdf_check reads it back and validates the signature).
"""

from __future__ import annotations

import json
import os
from io import BytesIO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash

from reports.certificates import SigningIdentity, signing_identity

PROTOCOL_DATA_FILE = "protocol-data.json"


def sign_pdf(
    pdf_bytes: bytes,
    *,
    pkcs12_path: str | os.PathLike | None = None,
    password: str | bytes | None = None,
    data_dir: str | os.PathLike | None = None,
    reason: str = "",
    location: str = "",
    identity: SigningIdentity | None = None,
) -> bytes:
    """Sign `pdf_bytes` (PAdES baseline B) and return the signed file."""
    identity = identity or signing_identity(pkcs12_path=pkcs12_path, password=password, data_dir=data_dir)
    loaded = signers.SimpleSigner.load_pkcs12(str(identity.pkcs12_path), passphrase=identity.password)
    if loaded is None:
        raise ValueError(f"could not read the PKCS#12 file {identity.pkcs12_path} (wrong password?)")
    signer = KeyOnceSigner(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    meta = signers.PdfSignatureMetadata(
        field_name="CommissionProtocol",
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


class KeyOnceSigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, reading its RSA key once.

    SimpleSigner.sign_raw parses the private key from DER for every signature it makes, and
    `cryptography` checks an RSA key's consistency on every parse: three RSA-3072 checks per
    protocol (the PKCS#12 load, pyHanko's dry run that sizes the signature, the signature),
    about 0.1 s each, more than half the signing time. The PKCS#12 load has just checked this
    key, so the signatures reuse one parsed key. Other key types go through pyHanko unchanged.
    """

    _pyca_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        if self._pyca_key is None:
            self._pyca_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None, unsafe_skip_rsa_key_validation=True
            )
        return self._pyca_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


# --------------------------------------------------------------------------- the embedded data


def embed_protocol_data(pdf_bytes: bytes, data: dict) -> bytes:
    """`pdf_bytes` with `data` attached as protocol-data.json (an incremental update). Sign
    afterwards: the signature then covers the attachment like every other byte."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    stream = embed.EmbeddedFileObject.from_file_data(writer, text.encode("utf-8"), mime_type="application/json")
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=PROTOCOL_DATA_FILE,
            file_name=PROTOCOL_DATA_FILE,
            embedded_data=stream,
            description="The draw's data, machine-readable: python -m engine verify --protocol / --bundle",
        ),
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
