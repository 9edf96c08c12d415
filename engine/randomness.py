"""Where the draw's random numbers come from.

Two sources, as RULES.md "The draw" describes them:

* RANDOM.ORG's signed API (JSON-RPC 2.0, Release 4): `RandomOrgClient` asks
  for signed integers, verifies RANDOM.ORG's RSA signature before anything is
  returned, and can recover a result through its ticket after a crash.
  `verify_signature` and `check_signed_file` check a stored or published
  result offline against the pinned RANDOM.ORG public key.
* The offline method (RFC 3797 with SHA-256) for when RANDOM.ORG cannot be
  reached: `offline_select`, described for documents by `OFFLINE_ALGORITHM_TEXT`.

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

Nothing here imports Streamlit, reportlab or plotly.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import os
import re
import threading
import time
from bisect import bisect_right, insort
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

DEFAULT_URL = "https://api.random.org/json-rpc/4/invoke"
PINNED_PUBLIC_KEY_PATH = Path(__file__).resolve().parent / "keys" / "randomorg-public-key.pem"

# Limits of generateSignedIntegers (RANDOM.ORG API Release 4).
MAX_N = 10_000
MAX_ABS = 1_000_000_000
MAX_USER_DATA_CHARS = 1000

CONNECT_TIMEOUT = 10.0  # a short connect timeout: nothing has been sent yet, failing fast is safe

ERROR_KINDS = (
    "no_key",
    "key_not_running",
    "allowance",
    "bad_signature",
    "timeout",
    "unreachable",
    "server_error",
    "ticket",
    "protocol",
)

_RECOVER_HINT = (
    " If a ticket was used for this draw, RANDOM.ORG may already have answered:"
    " recover the result with the ticket before asking again."
)


class RandomOrgError(Exception):
    """A RANDOM.ORG call failed. `kind` (one of ERROR_KINDS) is stable for the UI.

    `code` is the JSON-RPC error code when RANDOM.ORG sent one, else None.
    """

    def __init__(self, kind: str, message: str, code: int | None = None, *, response_text: str = "") -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown RandomOrgError kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message
        # The answer as received, when there was one (a bad signature): kept as evidence (rule 5).
        self.response_text = response_text

    def __repr__(self) -> str:
        return f"RandomOrgError(kind={self.kind!r}, code={self.code!r}, message={self.message!r})"


def _error_for_code(code: int, server_message: str) -> RandomOrgError:
    """Map a JSON-RPC error code from RANDOM.ORG to our error kinds."""
    said = f" (RANDOM.ORG said: {server_message})" if server_message else ""
    if code in (400, 404, 405):
        return RandomOrgError(
            "no_key",
            f"RANDOM.ORG does not accept this API key for signed integers (error {code}){said}."
            " Check RANDOM_ORG_API_KEY: the key must exist and be a Release 4 key with the signed API.",
            code,
        )
    if code == 401:
        return RandomOrgError(
            "key_not_running",
            f"The RANDOM.ORG API key is not running (error 401){said}."
            " Start it in the RANDOM.ORG account dashboard, then try again.",
            code,
        )
    if code in (402, 403):
        what = "requests" if code == 402 else "random bits"
        return RandomOrgError(
            "allowance",
            f"The RANDOM.ORG key has used up its daily allowance of {what} (error {code}){said}."
            " It resets at midnight UTC (06:00 in Astana): draw after that, or use the offline"
            " method if the commission decides so.",
            code,
        )
    if code in (420, 421, 422, 423, 426):
        meaning = {
            420: "does not exist",
            421: "belongs to another API key",
            422: "has already been used",
            423: "cannot be created: too many unused singleton tickets",
            426: "has not been used yet",
        }[code]
        return RandomOrgError(
            "ticket",
            f"The RANDOM.ORG ticket {meaning} (error {code}){said}."
            " A used ticket is never drawn again: recover its result instead.",
            code,
        )
    if code == -32603 or -32099 <= code <= -32000:
        return RandomOrgError(
            "server_error",
            f"RANDOM.ORG reported an internal error (error {code}){said}. Try again in a few minutes.",
            code,
        )
    return RandomOrgError(
        "protocol",
        f"RANDOM.ORG refused the request (error {code}){said}. This is a fault in the request; report it.",
        code,
    )


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
        removed: right for what this module stored. For a text from elsewhere
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


# --------------------------------------------------------------------------- client


@dataclass(frozen=True)
class RandomOrgConfig:
    api_key: str
    url: str
    public_key_path: str

    @classmethod
    def from_env(cls, secrets: Mapping[str, Any] | None = None) -> RandomOrgConfig:
        """Read RANDOM_ORG_API_KEY, RANDOM_ORG_URL, RANDOM_ORG_PUBLIC_KEY: `secrets` first, then os.environ."""

        def get(name: str) -> str:
            if secrets is not None and name in secrets and secrets[name] not in (None, ""):
                return str(secrets[name]).strip()
            return os.environ.get(name, "").strip()

        return cls(
            api_key=get("RANDOM_ORG_API_KEY"),
            url=get("RANDOM_ORG_URL") or DEFAULT_URL,
            public_key_path=get("RANDOM_ORG_PUBLIC_KEY") or str(PINNED_PUBLIC_KEY_PATH),
        )


def hashed_api_key(api_key: str) -> str:
    """What RANDOM.ORG puts in `hashedApiKey`: base64 of the key's SHA-512."""
    return base64.b64encode(hashlib.sha512(api_key.encode("utf-8")).digest()).decode("ascii")


class RandomOrgClient:
    """A small RANDOM.ORG JSON-RPC client: one request at a time, advisoryDelay obeyed.

    Every signed result is verified against `public_key_pem` (default: the
    pinned RANDOM.ORG key) before it is returned.
    """

    def __init__(
        self,
        api_key: str,
        url: str = DEFAULT_URL,
        public_key_pem: bytes | None = None,
        timeout: float = 120.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api_key = api_key
        self.url = url
        self.public_key_pem = public_key_pem or load_public_key()
        serialization.load_pem_public_key(self.public_key_pem)  # a broken key file fails here, not mid-draw
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()  # RANDOM.ORG asks for one request at a time per client
        self._not_before: float | None = None  # clock() value before which we must not ask again
        self._ids = itertools.count(1)
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            transport=transport,
            headers={"Content-Type": "application/json"},
        )

    @classmethod
    def from_config(cls, cfg: RandomOrgConfig, **kwargs: Any) -> RandomOrgClient:
        return cls(cfg.api_key, cfg.url, public_key_pem=load_public_key(cfg.public_key_path), **kwargs)

    def __enter__(self) -> RandomOrgClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ---- methods

    def create_ticket(self) -> str:
        """A fresh single-use ticket id (showResult true, so anyone can look the result up)."""
        result, _ = self._call("createTickets", {"apiKey": self._key(), "n": 1, "showResult": True})
        try:
            ticket_id = result[0]["ticketId"]
        except (TypeError, KeyError, IndexError):
            raise self._protocol("createTickets did not return a ticket") from None
        if not isinstance(ticket_id, str) or not ticket_id:
            raise self._protocol("createTickets returned an empty ticket id")
        return ticket_id

    def get_ticket(self, ticket_id: str) -> dict[str, Any]:
        """The ticket's information (the JSON-RPC `result` of getTicket)."""
        self._key()
        result, _ = self._call("getTicket", {"ticketId": ticket_id})
        if not isinstance(result, dict):
            raise self._protocol("getTicket did not return an object")
        return result

    def generate_signed_integers(
        self,
        n: int,
        minimum: int,
        maximum: int,
        *,
        user_data: object,
        ticket_id: str | None = None,
    ) -> SignedResult:
        """n distinct integers in [minimum, maximum], signed, verified and checked against the request."""
        if not 1 <= n <= MAX_N:
            raise ValueError(f"n must be 1..{MAX_N}")
        if not -MAX_ABS <= minimum <= maximum <= MAX_ABS:
            raise ValueError(f"need -{MAX_ABS} <= minimum <= maximum <= {MAX_ABS}")
        if n > maximum - minimum + 1:
            raise ValueError("n distinct integers do not fit in the range")
        if len(json.dumps(user_data, ensure_ascii=False)) > MAX_USER_DATA_CHARS:
            raise ValueError(f"userData must be at most {MAX_USER_DATA_CHARS} characters of JSON")
        params: dict[str, Any] = {
            "apiKey": self._key(),
            "n": n,
            "min": minimum,
            "max": maximum,
            "replacement": False,
            "base": 10,
            "userData": user_data,
        }
        if ticket_id is not None:
            params["ticketId"] = ticket_id
        result, body = self._call("generateSignedIntegers", params)
        signed = self._verified(result, body, "generateSignedIntegers")
        self._check_echo(signed, n, minimum, maximum, user_data, ticket_id)
        return signed

    def get_result(self, serial_number: int) -> SignedResult:
        """A past signed result of this key by its serial number, verified."""
        result, body = self._call("getResult", {"apiKey": self._key(), "serialNumber": serial_number})
        signed = self._verified(result, body, "getResult")
        if signed.serial_number != serial_number:
            raise self._protocol(f"getResult({serial_number}) returned serial number {signed.serial_number}")
        if signed.hashed_api_key != hashed_api_key(self.api_key):
            raise self._protocol("getResult returned a result of another API key")
        return signed

    def recover(self, ticket_id: str) -> SignedResult | None:
        """The verified result drawn with this ticket, or None if the ticket is still unused."""
        ticket = self.get_ticket(ticket_id)
        serial = ticket.get("serialNumber")
        if serial is None and ticket.get("usedTime") is None:
            return None
        if type(serial) is not int:
            raise self._protocol(f"ticket {ticket_id} is used but has no serial number")
        signed = self.get_result(serial)
        if signed.ticket_id != ticket_id:
            raise self._protocol(f"result {serial} was not drawn with ticket {ticket_id}")
        return signed

    def get_usage(self) -> dict[str, Any]:
        result, _ = self._call("getUsage", {"apiKey": self._key()})
        if not isinstance(result, dict):
            raise self._protocol("getUsage did not return an object")
        return result

    # ---- internals

    def _key(self) -> str:
        if not (self.api_key or "").strip():
            raise RandomOrgError(
                "no_key",
                "No RANDOM.ORG API key is configured. Set RANDOM_ORG_API_KEY (in secrets or the"
                " environment), or use the offline method if the commission decides so.",
            )
        return self.api_key

    @staticmethod
    def _protocol(what: str) -> RandomOrgError:
        return RandomOrgError(
            "protocol", f"RANDOM.ORG sent an answer we cannot use: {what}. Nothing was accepted; report this."
        )

    def _call(self, method: str, params: dict[str, Any]) -> tuple[Any, str]:
        """Send one JSON-RPC request; return (result, raw response body)."""
        request_id = next(self._ids)
        payload = {"jsonrpc": "2.0", "method": method, "params": params, "id": request_id}
        with self._lock:
            if self._not_before is not None:
                wait = self._not_before - self._clock()
                if wait > 0:
                    self._sleep(wait)
            response = self._post(method, payload)
            if response.status_code >= 500:
                raise RandomOrgError(
                    "server_error",
                    f"RANDOM.ORG answered {method} with HTTP {response.status_code}. Try again in a few minutes."
                    + (_RECOVER_HINT if method == "generateSignedIntegers" else ""),
                )
            try:
                # JSON is UTF-8 (RFC 8259); decoding it ourselves keeps the signed bytes whatever the header says.
                body = response.content.decode("utf-8")
                message = json.loads(body)
            except ValueError:
                raise self._protocol(f"HTTP {response.status_code}, the answer to {method} is not JSON") from None
            if not isinstance(message, dict) or message.get("id") not in (request_id, None):
                raise self._protocol(f"the answer to {method} does not belong to our request")
            # A JSON-RPC error says more than the HTTP status it came with, so it is read first.
            if "error" in message:
                error = message["error"] if isinstance(message["error"], dict) else {}
                code = error.get("code")
                if type(code) is not int:
                    raise self._protocol(f"an error without a code for {method}")
                raise _error_for_code(code, str(error.get("message") or ""))
            if response.status_code != 200 or "result" not in message or message.get("id") != request_id:
                raise self._protocol(f"HTTP {response.status_code}, no result for {method}")
            result = message["result"]
            delay = result.get("advisoryDelay") if isinstance(result, dict) else None
            if isinstance(delay, (int, float)) and delay > 0:
                self._not_before = self._clock() + delay / 1000.0
            return result, body

    def _post(self, method: str, payload: dict[str, Any]) -> httpx.Response:
        try:
            return self._http.post(self.url, content=json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        except httpx.TimeoutException as exc:
            sent = not isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout))
            raise RandomOrgError(
                "timeout",
                f"RANDOM.ORG did not answer {method} in time ({type(exc).__name__})."
                + (_RECOVER_HINT if sent and method == "generateSignedIntegers" else " Try again later."),
            ) from None
        except httpx.InvalidURL:
            raise RandomOrgError(
                "unreachable", f"The RANDOM.ORG address {self.url!r} is not a valid URL. Check RANDOM_ORG_URL."
            ) from None
        except (httpx.TransportError, OSError) as exc:
            raise RandomOrgError(
                "unreachable",
                f"RANDOM.ORG could not be reached for {method}, or the connection broke before an answer"
                f" ({type(exc).__name__}: {exc}). Check the internet connection."
                + (_RECOVER_HINT if method == "generateSignedIntegers" else ""),
            ) from None

    def _verified(self, result: Any, body: str, method: str) -> SignedResult:
        """The signed result in `body`, verified over the text RANDOM.ORG signed."""
        try:
            raw, signature = _signed_parts(body)
        except ValueError as exc:
            raise self._protocol(f"{method} returned no signed result ({exc})") from None
        text = _verified_text(raw, signature, self.public_key_pem)
        if text is None:
            raise RandomOrgError(
                "bad_signature",
                f"The signature of the {method} result does not verify with the pinned public key."
                " The numbers were not used. Do not draw with them; check the network and the key"
                " file, then recover the result with the ticket.",
                response_text=body,
            )
        try:
            signed = SignedResult.from_parts(text, signature)
        except ValueError as exc:
            raise self._protocol(str(exc)) from None
        if not isinstance(result, dict) or signed.random != result.get("random"):
            raise self._protocol(f"{method}: the signed result differs from the parsed answer")
        return signed

    def _check_echo(
        self, signed: SignedResult, n: int, minimum: int, maximum: int, user_data: object, ticket_id: str | None
    ) -> None:
        """The signed `random` must be the answer to the question we asked."""
        r = signed.random
        # userData comes back as JSON; compare with what ours becomes after a JSON round trip.
        expected_user_data = json.loads(json.dumps(user_data))
        mismatches = [
            name
            for name, ok in (
                ("method", signed.method == "generateSignedIntegers"),
                ("hashedApiKey", signed.hashed_api_key == hashed_api_key(self.api_key)),
                ("n", r.get("n") == n),
                ("min", r.get("min") == minimum),
                ("max", r.get("max") == maximum),
                ("replacement", r.get("replacement") is False),
                ("base", r.get("base") == 10),
                ("userData", r.get("userData") == expected_user_data),
                ("ticketData", signed.ticket_id == ticket_id),
                ("data", len(signed.data) == n and len(set(signed.data)) == n),
                ("data range", all(minimum <= x <= maximum for x in signed.data)),
            )
            if not ok
        ]
        if mismatches:
            raise self._protocol("the signed result does not match the request: " + ", ".join(mismatches))


# --------------------------------------------------------------------------- offline method

OFFLINE_ALGORITHM_TEXT = (
    "Offline method (RFC 3797 with SHA-256). The pool is numbered 1..N in account order and its"
    " SHA-256 (pool_sha256) is published first. The commission enters a public entropy string,"
    " for example dice rolled in front of everyone. seed = the 32 bytes of pool_sha256 followed by"
    " the entropy string without leading and trailing spaces, in UTF-8. For i = 0, 1, 2, ...:"
    " x = SHA-256(i as 4 bytes big-endian + seed + i as 4 bytes big-endian), read as a big-endian"
    " integer; the i-th winner is the participant at 0-based position (x mod R) of the R"
    " participants not yet drawn, in ordinal order, who is then removed. Anyone can recompute the"
    " winners from the published pool, its hash and the entropy string."
)

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


def _offline_indices(seed: bytes, pool_size: int, n: int) -> Iterator[int]:
    """0-based positions in the remaining list, one per draw (RULES.md step 3)."""
    for i in range(n):
        counter = i.to_bytes(4, "big")
        x = int.from_bytes(hashlib.sha256(counter + seed + counter).digest(), "big")
        yield x % (pool_size - i)


def offline_select(pool_sha256: str, entropy: str, pool_size: int, n: int) -> list[int]:
    """Winners' 1-based ordinals in draw order, by the offline method of RULES.md step 3.

    Instead of a list of all N ordinals, only the drawn ones are kept (sorted):
    position k of the remaining list is the smallest ordinal o with
    o = k + 1 + (number of drawn ordinals <= o). O(n) memory, fast for
    N = 1 000 000; time grows with n², fine up to RANDOM.ORG's n = 10 000.
    """
    if not _SHA256_HEX.fullmatch(pool_sha256):
        raise ValueError("pool_sha256 must be 64 hexadecimal digits")
    entropy = entropy.strip()
    if not entropy:
        raise ValueError("the entropy string is empty")
    if pool_size < 0 or n < 0:
        raise ValueError("pool_size and n must not be negative")
    if n > pool_size:
        raise ValueError(f"cannot draw {n} from a pool of {pool_size}")
    seed = bytes.fromhex(pool_sha256) + entropy.encode("utf-8")
    drawn_sorted: list[int] = []
    winners: list[int] = []
    for k in _offline_indices(seed, pool_size, n):
        # Fixed-point iteration from below reaches the smallest solution, which is never a drawn ordinal.
        ordinal = k + 1
        while True:
            shifted = k + 1 + bisect_right(drawn_sorted, ordinal)
            if shifted == ordinal:
                break
            ordinal = shifted
        insort(drawn_sorted, ordinal)
        winners.append(ordinal)
    return winners
