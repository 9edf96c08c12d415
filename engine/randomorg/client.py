"""The RANDOM.ORG JSON-RPC client (API Release 4): signed integers, tickets, recovery.

`RandomOrgClient` asks for signed integers, verifies RANDOM.ORG's RSA
signature (engine.randomorg.signed) before anything is returned, checks the
answer is the one to the question asked, and can recover a result through its
ticket after a crash. `RandomOrgConfig` says which key, address and public key
to use.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization

from engine import config
from engine.randomorg.errors import _RECOVER_HINT, RandomOrgError, _error_for_code
from engine.randomorg.signed import (
    PINNED_PUBLIC_KEY_PATH,
    SignedRequest,
    SignedResult,
    _signed_parts,
    _verified_text,
    answer_mismatches,
    load_public_key,
)

DEFAULT_URL = "https://api.random.org/json-rpc/4/invoke"

# Limits of generateSignedIntegers (RANDOM.ORG API Release 4).
MAX_N = 10_000
MAX_ABS = 1_000_000_000
MAX_USER_DATA_CHARS = 1000

CONNECT_TIMEOUT = 10.0  # a short connect timeout: nothing has been sent yet, failing fast is safe


@dataclass(frozen=True)
class RandomOrgConfig:
    api_key: str
    url: str
    public_key_path: str

    @classmethod
    def from_env(cls, secrets: Mapping[str, Any] | None = None) -> RandomOrgConfig:
        """Read RANDOM_ORG_API_KEY, RANDOM_ORG_URL, RANDOM_ORG_PUBLIC_KEY: `secrets` first, then the environment."""

        def get(name: str) -> str:
            return config.setting_over_environment(name, secrets)

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
        """The signed `random` must be the answer to the question we asked: what any result must
        match (`answer_mismatches`, shared with the draw and verify) and, for a fresh answer, the
        method, our key and base 10."""
        request = SignedRequest(n=n, maximum=maximum, minimum=minimum, user_data=user_data, ticket_id=ticket_id)
        mismatches = [
            name
            for name, ok in (
                ("method", signed.method == "generateSignedIntegers"),
                ("hashedApiKey", signed.hashed_api_key == hashed_api_key(self.api_key)),
                ("base", signed.random.get("base") == 10),
            )
            if not ok
        ] + answer_mismatches(signed, request)
        if mismatches:
            raise self._protocol("the signed result does not match the request: " + ", ".join(mismatches))
