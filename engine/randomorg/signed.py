"""Signed RANDOM.ORG results: parse them, find the signed bytes, verify the signature.

Used by the client on every answer and, offline, by whoever checks a stored
or published result against the pinned RANDOM.ORG public key
(engine/keys/randomorg-public-key.pem).

What "the signed bytes" are. RANDOM.ORG signs the compact JSON of the
`random` object exactly as it sent it (its key order, "," and ":" without
spaces, "/" not escaped). We therefore never trust a re-serialisation blindly:
the candidates tried, in order, are

1. the raw text of the `random` value cut out of the body, with whitespace
   between tokens removed (strings, numbers and key order stay byte for byte).
   For an HTTP response this is exactly what was received; for a saved file
   it undoes pretty-printing, the one change people make when saving;
2. a compact re-serialisation with the key order kept and non-ASCII kept
   literal (what the server signs if the body escaped "/" as "\\/");
3. the same with non-ASCII escaped as \\uXXXX.

All candidates carry the same JSON value, so whichever one verifies, the
numbers we use are the numbers RANDOM.ORG signed: `SignedResult.random` is
always parsed back from the text that verified. Reordered keys or any changed
value fail, by design. The stored form `SignedResult.response_text` is
`{"random":<verified text>,"signature":"…"}`, so anyone can check it by
cutting out the `random` text and verifying it as is.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from engine.randomorg.errors import RandomOrgError

if TYPE_CHECKING:  # annotations only: the records layer is above this one
    from engine.records import DrawRecord

PINNED_PUBLIC_KEY_PATH = Path(__file__).resolve().parents[1] / "keys" / "randomorg-public-key.pem"

# --------------------------------------------------------------------------- raw JSON text

_WS = " \t\n\r"
_decoder = json.JSONDecoder()


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _member_spans(text: str, start: int = 0) -> dict[str, tuple[int, int]]:
    """Spans (start, end) of the member values of the JSON object at text[start].

    Raises ValueError on malformed JSON or a duplicate key: with two `random`
    members it would be unclear which one was signed.
    """
    try:
        i = _skip_ws(text, start)
        if text[i] != "{":
            raise ValueError("expected a JSON object")
        spans: dict[str, tuple[int, int]] = {}
        i = _skip_ws(text, i + 1)
        if text[i] == "}":
            return spans
        while True:
            if text[i] != '"':
                raise ValueError("expected a key")
            key, i = json.decoder.scanstring(text, i + 1)
            i = _skip_ws(text, i)
            if text[i] != ":":
                raise ValueError("expected ':'")
            value_start = _skip_ws(text, i + 1)
            _, value_end = _decoder.raw_decode(text, value_start)
            if key in spans:
                raise ValueError(f"duplicate key {key!r}")
            spans[key] = (value_start, value_end)
            i = _skip_ws(text, value_end)
            if text[i] == ",":
                i = _skip_ws(text, i + 1)
            elif text[i] == "}":
                return spans
            else:
                raise ValueError("expected ',' or '}'")
    except IndexError:
        raise ValueError("JSON text ends too early") from None


def _compact(raw: str) -> str:
    """Remove whitespace between JSON tokens; strings stay exactly as written."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == '"':
            _, end = json.decoder.scanstring(raw, i + 1)
            out.append(raw[i:end])
            i = end
        elif c in _WS:
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _candidate_texts(raw_random: str) -> list[str]:
    """Texts that may be the signed bytes of this `random` object (see module docstring)."""
    value = json.loads(raw_random)
    candidates = [
        _compact(raw_random),
        json.dumps(value, separators=(",", ":"), ensure_ascii=False),
        json.dumps(value, separators=(",", ":"), ensure_ascii=True),
    ]
    return list(dict.fromkeys(candidates))


def _signed_parts(text: str) -> tuple[str, str]:
    """(raw `random` text, signature) from a {"random":…,"signature":…} object.

    Also accepts a whole JSON-RPC response ({"result":{"random":…}}), since
    people save what their tool showed them.
    """
    text = text.lstrip("\ufeff")
    spans = _member_spans(text)
    if "random" not in spans and "result" in spans:
        offset = spans["result"][0]
        spans = _member_spans(text, offset)
    if "random" not in spans or "signature" not in spans:
        raise ValueError("no 'random' and 'signature' members")
    r0, r1 = spans["random"]
    s0, s1 = spans["signature"]
    signature = json.loads(text[s0:s1])
    if text[r0] != "{" or not isinstance(signature, str):
        raise ValueError("'random' must be an object and 'signature' a string")
    return text[r0:r1], signature


# --------------------------------------------------------------------------- signatures


def load_public_key(path: str | os.PathLike[str] | None = None) -> bytes:
    """PEM bytes of a public key; by default the pinned RANDOM.ORG key."""
    return Path(path or PINNED_PUBLIC_KEY_PATH).read_bytes()


def verify_signature(random_text: str | bytes, signature_b64: str, public_key_pem: bytes) -> bool:
    """True when `signature_b64` is a valid RSA PKCS#1 v1.5 / SHA-512 signature of the bytes."""
    data = random_text.encode("utf-8") if isinstance(random_text, str) else random_text
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    key = serialization.load_pem_public_key(public_key_pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the public key is not an RSA key")
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA512())
    except InvalidSignature:
        return False
    return True


def _verified_text(raw_random: str, signature: str, public_key_pem: bytes) -> str | None:
    for candidate in _candidate_texts(raw_random):
        if verify_signature(candidate, signature, public_key_pem):
            return candidate
    return None


def _is_development_licence(licence: object) -> bool:
    if not isinstance(licence, dict):
        return False
    text = str(licence.get("text") or "").lower()
    return "development" in text or "testing" in text or licence.get("type") == "developer"


@dataclass(frozen=True)
class SignedResult:
    """One signed result of RANDOM.ORG, as stored and published."""

    response_text: str  # {"random":<random_text>,"signature":"…"}: what we store and publish
    random_text: str  # the exact compact JSON over which the signature verifies
    random: dict[str, Any]
    signature: str
    data: tuple[int, ...]
    serial_number: int
    completion_time: str
    hashed_api_key: str
    user_data: object
    ticket_id: str | None
    license: dict[str, Any] | None
    development_licence: bool
    method: str

    @classmethod
    def from_parts(cls, random_text: str, signature: str) -> SignedResult:
        """Build from the signed text and its signature (no verification here)."""
        random = json.loads(random_text)
        if not isinstance(random, dict):
            raise ValueError("'random' is not a JSON object")
        data = random.get("data")
        serial = random.get("serialNumber")
        if not isinstance(data, list) or not all(type(x) is int for x in data):
            raise ValueError("'random.data' is not a list of integers")
        if type(serial) is not int:
            raise ValueError("'random.serialNumber' is not an integer")
        ticket = random.get("ticketData")
        licence = random.get("license")
        response_text = '{"random":' + random_text + ',"signature":' + json.dumps(signature) + "}"
        return cls(
            response_text=response_text,
            random_text=random_text,
            random=random,
            signature=signature,
            data=tuple(data),
            serial_number=serial,
            completion_time=str(random.get("completionTime") or ""),
            hashed_api_key=str(random.get("hashedApiKey") or ""),
            user_data=random.get("userData"),
            ticket_id=ticket.get("ticketId") if isinstance(ticket, dict) else None,
            license=licence if isinstance(licence, dict) else None,
            development_licence=_is_development_licence(licence),
            method=str(random.get("method") or ""),
        )

    @classmethod
    def from_response_text(cls, text: str) -> SignedResult:
        """Parse a stored or published {"random":…,"signature":…} text (not verified here).

        The `random` text is taken as written, with whitespace between tokens
        removed: right for what the draw stored. For a text from elsewhere
        use `check_signed_text` / `check_signed_file`, which also find the
        signed bytes when a tool re-escaped the strings.
        """
        raw, signature = _signed_parts(text)
        return cls.from_parts(_compact(raw), signature)

    def verify(self, public_key_pem: bytes | None = None) -> bool:
        """Does the signature verify over `random_text`? Default key: the pinned RANDOM.ORG key."""
        return verify_signature(self.random_text, self.signature, public_key_pem or load_public_key())


def check_signed_text(text: str, public_key_pem: bytes | None = None, *, source: str = "the text") -> SignedResult:
    """Check a stored {"random":…,"signature":…} text; raise RandomOrgError("bad_signature") if it fails.

    The text may be pretty-printed, have other members around, or be a whole
    JSON-RPC response; the `random` object's content and key order must be
    intact (see the module docstring for the texts tried). `source` names the
    text in messages (a file name, a draw).
    """
    key = public_key_pem or load_public_key()
    try:
        raw, signature = _signed_parts(text)
    except ValueError as exc:
        raise RandomOrgError(
            "bad_signature", f"{source}: not a signed RANDOM.ORG result ({exc}); nothing can be verified."
        ) from None
    verified = _verified_text(raw, signature, key)
    if verified is None:
        raise RandomOrgError(
            "bad_signature",
            f"{source}: the signature does not verify with this public key. The numbers may have been"
            " changed, or they were not signed by RANDOM.ORG (a rehearsal stand-in signs with its own key).",
        )
    try:
        return SignedResult.from_parts(verified, signature)
    except ValueError as exc:
        raise RandomOrgError("protocol", f"{source}: the signed result is not one of integers ({exc}).") from None


def check_signed_file(path: str | os.PathLike[str], public_key_pem: bytes | None = None) -> SignedResult:
    """`check_signed_text` of a saved file (UTF-8, a byte-order mark is tolerated)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise RandomOrgError("bad_signature", f"{path}: not UTF-8 text; nothing can be verified.") from None
    return check_signed_text(text, public_key_pem, source=str(path))


# --------------------------------------------------------------------------- binding a result to its request


@dataclass(frozen=True)
class SignedRequest:
    """What a draw asks RANDOM.ORG for (RULES.md step 2): n distinct numbers in 1..pool size, the
    month, tier and pool hash (and a re-draw's certificate) as userData, on the draw's ticket."""

    n: int
    maximum: int
    user_data: dict[str, Any]
    ticket_id: str | None
    minimum: int = 1

    @classmethod
    def of(
        cls,
        month: str,
        denomination: int,
        pool_sha256: str,
        pool_size: int,
        n: int,
        ticket_id: str | None,
        certificate: int | None = None,
    ) -> SignedRequest:
        user_data: dict[str, Any] = {"month": month, "denomination": denomination, "pool_sha256": pool_sha256}
        if certificate:
            user_data["certificate"] = certificate
        # A draw always asks on its ticket: a result with no ticket, or another one, is not bound.
        return cls(n=n, maximum=pool_size, user_data=user_data, ticket_id=ticket_id or "")

    @classmethod
    def of_draw(cls, draw: DrawRecord, n: int) -> SignedRequest:
        """The request of a stored draw (a DrawRecord)."""
        return cls.of(
            draw.month,
            draw.denomination,
            draw.pool.sha256 if draw.pool else "",
            draw.pool.size if draw.pool else 0,
            n,
            draw.ticket_id,
            draw.redraw_of_certificate if draw.kind == "redraw" else None,
        )

    @classmethod
    def of_row(cls, d: dict, pool: dict, n: int) -> SignedRequest:
        """The request of a draw as stored rows (store.raw_rows(), a bundle): the draw `d` (month,
        denomination, kind, redraw_certificate, ticket_id) over `pool` (sha256, size)."""
        return cls.of(
            d["month"],
            d["denomination"],
            pool["sha256"],
            pool["size"],
            n,
            d["ticket_id"],
            d["redraw_certificate"] if d["kind"] == "redraw" else None,
        )


def answer_mismatches(signed: SignedResult, request: SignedRequest) -> list[str]:
    """The parts of a signed result that do not answer `request` (empty: it answers it). The one
    home of "a signed RANDOM.ORG result matches the request it answers", for the client (on every
    answer), the draw, `abandon` and `verify`. Names: "userData", "n", "min", "max", "replacement",
    "data" (not n distinct numbers in min..max), "ticket"."""
    r = signed.random
    low, high, n = request.minimum, request.maximum, request.n
    user_data = json.loads(json.dumps(request.user_data))  # as it comes back: after a JSON round trip
    return [
        name
        for name, ok in (
            ("userData", r.get("userData") == user_data),
            ("n", r.get("n") == n),
            ("min", r.get("min") == low),
            ("max", r.get("max") == high),
            ("replacement", r.get("replacement") is False),
            (
                "data",
                len(signed.data) == n and len(set(signed.data)) == n and all(low <= x <= high for x in signed.data),
            ),
            ("ticket", signed.ticket_id == request.ticket_id),
        )
        if not ok
    ]
