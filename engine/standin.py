"""A loopback stand-in for RANDOM.ORG, for tests and rehearsals.

A real HTTP server on 127.0.0.1 that speaks the JSON-RPC methods the draw
uses (createTickets, getTicket, generateSignedIntegers, getResult, getUsage,
verifySignature) and answers shaped like RANDOM.ORG Release 4. It signs with
its own RSA key, so nothing it produces can pass as a real draw: a result
verifies only with the stand-in's public key, never with the pinned
RANDOM.ORG key, and its licence says "development and testing only".

`mode` switches failures on at runtime (see MODES) so tests can watch the
client and the draw handle each one. Run `python -m engine.standin` for a
rehearsal server; with a key directory, its key, serial numbers, tickets and
results survive restarts, so a rehearsal's results can be checked later.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import math
import os
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

API_KEY = "standin-key"
LICENSE = {
    "type": "developer",
    "text": "Random values licensed strictly for development and testing only",
    "infoUrl": None,
}
# What a paid (production) key's results carry, for tests of official draws: the key still
# differs from RANDOM.ORG's, so such a result never verifies against the pinned key.
PRODUCTION_LICENSE = {
    "type": "basic",
    "text": "Random values licensed for use in a production draw (loopback stand-in)",
    "infoUrl": None,
}
LICENSES = {"developer": LICENSE, "production": PRODUCTION_LICENSE}
MODES = (
    "ok",
    "bad_signature",  # a signature that does not verify
    "allowance",  # JSON-RPC error 402
    "key_not_running",  # JSON-RPC error 401
    "server_error",  # HTTP 500
    "timeout",  # do the work, then hold the answer for hang_seconds
    "drop",  # do the work, then close the connection without answering
    "drop_before",  # close the connection without doing anything
)
PRIVATE_KEY_FILE = "standin-private-key.pem"
PUBLIC_KEY_FILE = "standin-public-key.pem"
STATE_FILE = "standin-state.json"

DAILY_BITS = 250_000
DAILY_REQUESTS = 1_000


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _hashed(api_key: str) -> str:
    # RANDOM.ORG's side, written out rather than imported from engine.randomorg: the client's
    # hashed_api_key is checked against this, so sharing the code would hide a mistake in both.
    return base64.b64encode(hashlib.sha512(api_key.encode("utf-8")).digest()).decode("ascii")


def _compact(value: Any) -> str:
    # The bytes RANDOM.ORG signs: key order kept, no spaces, "/" not escaped.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class StandIn:
    """The stand-in server; a context manager that starts and stops it."""

    def __init__(
        self,
        mode: str = "ok",
        key_dir: str | os.PathLike[str] | None = None,
        advisory_delay_ms: int = 0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        hang_seconds: float = 5.0,
        licence: str = "developer",
    ) -> None:
        if licence not in LICENSES:
            raise ValueError(f"unknown stand-in licence {licence!r}; one of {', '.join(LICENSES)}")
        self.licence = LICENSES[licence]
        self.mode = mode
        self.key_dir = Path(key_dir) if key_dir is not None else None
        self.advisory_delay_ms = advisory_delay_ms
        self.hang_seconds = hang_seconds
        self.api_key = API_KEY
        self.requests: list[str] = []
        self.results: dict[int, str] = {}  # serial -> signed result text {"random":…,"signature":…}
        self.tickets: dict[str, dict[str, Any]] = {}
        self.creation_time = _now_text()
        self._bits_left = DAILY_BITS
        self._requests_left = DAILY_REQUESTS
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._private_key = self._load_or_create_key()
        self.public_key_pem: bytes = self._private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self._load_state()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True  # a hanging request must not keep the process alive
        self._thread: threading.Thread | None = None

    # ---- lifecycle

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"unknown stand-in mode {value!r}; one of {', '.join(MODES)}")
        self._mode = value

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/json-rpc/4/invoke"

    @property
    def public_key_path(self) -> Path | None:
        return self.key_dir / PUBLIC_KEY_FILE if self.key_dir else None

    def start(self) -> StandIn:
        # A short poll interval so that stop() (and every test teardown) returns quickly.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering; after this, connections to `url` are refused."""
        self._closing.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- keys and state

    def _load_or_create_key(self) -> rsa.RSAPrivateKey:
        if self.key_dir is not None and (self.key_dir / PRIVATE_KEY_FILE).exists():
            key = serialization.load_pem_private_key((self.key_dir / PRIVATE_KEY_FILE).read_bytes(), password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError(f"{self.key_dir / PRIVATE_KEY_FILE} is not an RSA private key")
            return key
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if self.key_dir is not None:
            self.key_dir.mkdir(parents=True, exist_ok=True)
            private = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            (self.key_dir / PRIVATE_KEY_FILE).write_bytes(private)
            os.chmod(self.key_dir / PRIVATE_KEY_FILE, 0o600)
            (self.key_dir / PUBLIC_KEY_FILE).write_bytes(
                key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            )
        return key

    def _load_state(self) -> None:
        if self.key_dir is None or not (self.key_dir / STATE_FILE).exists():
            return
        state = json.loads((self.key_dir / STATE_FILE).read_text("utf-8"))
        self.results = {int(k): v for k, v in state.get("results", {}).items()}
        self.tickets = state.get("tickets", {})

    def _save_state(self) -> None:
        """Keep serials, tickets and results across restarts of a rehearsal server (atomic replace)."""
        if self.key_dir is None:
            return
        path = self.key_dir / STATE_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"results": self.results, "tickets": self.tickets}, ensure_ascii=False), "utf-8")
        os.replace(tmp, path)

    def _sign(self, text: str) -> str:
        signature = self._private_key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA512())
        return base64.b64encode(signature).decode("ascii")

    # ---- JSON-RPC methods

    def dispatch(self, method: str, params: dict[str, Any]) -> Any:
        """Answer one JSON-RPC call (state changes happen here, under the lock)."""
        handlers = {
            "createTickets": self._create_tickets,
            "getTicket": self._get_ticket,
            "generateSignedIntegers": self._generate_signed_integers,
            "getResult": self._get_result,
            "getUsage": self._get_usage,
            "verifySignature": self._verify_signature,
        }
        if method not in handlers:
            raise RpcError(-32601, f"Method not found: {method}")
        if not isinstance(params, dict):
            raise RpcError(-32602, "Invalid params")
        if method not in ("getTicket", "verifySignature"):
            if params.get("apiKey") != self.api_key:
                raise RpcError(400, "The API key you specified does not exist")
        if self.mode == "key_not_running":
            raise RpcError(401, "The API key you specified is not running")
        if self.mode == "allowance":
            raise RpcError(402, "The API key you specified has exceeded its daily request allowance")
        with self._lock:
            return handlers[method](params)

    def _usage_fields(self, bits_used: int = 0) -> dict[str, Any]:
        self._requests_left -= 1
        self._bits_left -= bits_used
        return {
            "bitsUsed": bits_used,
            "bitsLeft": self._bits_left,
            "requestsLeft": self._requests_left,
            "advisoryDelay": self.advisory_delay_ms,
        }

    def _create_tickets(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        n = params.get("n")
        if type(n) is not int or not 1 <= n <= 50:
            raise RpcError(-32602, "Parameter 'n' must be 1..50")
        created = []
        for _ in range(n):
            ticket = {
                "ticketId": secrets.token_hex(16),
                "hashedApiKey": _hashed(self.api_key),
                "showResult": bool(params.get("showResult")),
                "creationTime": _now_text(),
                "previousTicketId": None,
                "nextTicketId": None,
                "expirationTime": None,
                "usedTime": None,
                "serialNumber": None,
            }
            self.tickets[ticket["ticketId"]] = ticket
            created.append(dict(ticket))
        self._save_state()
        return created

    def _get_ticket(self, params: dict[str, Any]) -> dict[str, Any]:
        ticket = self.tickets.get(params.get("ticketId"))  # type: ignore[arg-type]
        if ticket is None:
            raise RpcError(420, "The ticket you specified does not exist")
        answer = dict(ticket)
        if ticket["showResult"] and ticket["serialNumber"] is not None:
            answer["result"] = json.loads(self.results[ticket["serialNumber"]])
        else:
            answer["result"] = None
        return answer

    def _generate_signed_integers(self, params: dict[str, Any]) -> dict[str, Any]:
        n, low, high = params.get("n"), params.get("min"), params.get("max")
        replacement = params.get("replacement", True)
        base = params.get("base", 10)
        if not all(type(v) is int for v in (n, low, high)):
            raise RpcError(-32602, "Parameters 'n', 'min' and 'max' must be integers")
        if not 1 <= n <= 10_000 or not -1_000_000_000 <= low <= high <= 1_000_000_000:  # type: ignore[operator]
            raise RpcError(-32602, "Parameter out of range")
        if not replacement and n > high - low + 1:  # type: ignore[operator]
            raise RpcError(-32602, "Too many distinct integers for the range")
        if base != 10:
            raise RpcError(-32602, "The stand-in only speaks base 10")
        user_data = params.get("userData")
        if len(json.dumps(user_data, ensure_ascii=False)) > 1000:
            raise RpcError(-32602, "userData is longer than 1000 characters")
        ticket_id = params.get("ticketId")
        ticket = None
        if ticket_id is not None:
            ticket = self.tickets.get(ticket_id)
            if ticket is None:
                raise RpcError(420, "The ticket you specified does not exist")
            if ticket["hashedApiKey"] != _hashed(self.api_key):
                raise RpcError(421, "The ticket you specified belongs to another API key")
            if ticket["usedTime"] is not None:
                raise RpcError(422, "The ticket you specified has already been used")

        rng = secrets.SystemRandom()
        span = range(low, high + 1)  # type: ignore[operator]
        data = rng.sample(span, n) if not replacement else [rng.choice(span) for _ in range(n)]
        serial = max(self.results, default=0) + 1  # per key, without gaps
        completion = _now_text()
        random = {
            "method": "generateSignedIntegers",
            "hashedApiKey": _hashed(self.api_key),
            "n": n,
            "min": low,
            "max": high,
            "replacement": replacement,
            "base": base,
            "pregeneratedRandomization": params.get("pregeneratedRandomization"),
            "data": data,
            "license": self.licence,
            "licenseData": params.get("licenseData"),
            "userData": user_data,
            "ticketData": (
                {"ticketId": ticket_id, "previousTicketId": None, "nextTicketId": None} if ticket_id else None
            ),
            "completionTime": completion,
            "serialNumber": serial,
        }
        random_text = _compact(random)
        signature = self._sign(random_text)
        self.results[serial] = '{"random":' + random_text + ',"signature":' + json.dumps(signature) + "}"
        if ticket is not None:
            ticket["usedTime"] = completion
            ticket["serialNumber"] = serial
        self._save_state()
        bits = math.ceil(n * math.log2(high - low + 1)) if high > low else 0  # type: ignore[operator]
        return {"random": random, "signature": signature, **self._usage_fields(bits)}

    def _get_result(self, params: dict[str, Any]) -> dict[str, Any]:
        serial = params.get("serialNumber")
        if serial not in self.results:
            raise RpcError(-32602, f"No result with serial number {serial}")
        stored = json.loads(self.results[serial])
        return {"random": stored["random"], "signature": stored["signature"]}

    def _get_usage(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "status": "running",
            "creationTime": self.creation_time,
            "bitsLeft": self._bits_left,
            "requestsLeft": self._requests_left,
            "totalBits": DAILY_BITS - self._bits_left,
            "totalRequests": DAILY_REQUESTS - self._requests_left,
        }

    def _verify_signature(self, params: dict[str, Any]) -> dict[str, Any]:
        random, signature = params.get("random"), params.get("signature")
        if not isinstance(random, dict) or not isinstance(signature, str):
            raise RpcError(-32602, "Parameters 'random' and 'signature' are required")
        try:
            self._private_key.public_key().verify(
                base64.b64decode(signature, validate=True),
                _compact(random).encode("utf-8"),
                padding.PKCS1v15(),
                hashes.SHA512(),
            )
            authentic = True
        except (InvalidSignature, ValueError):
            authentic = False
        return {"authenticity": authentic}


def _corrupt(signature: str) -> str:
    """A well-formed signature that does not verify: one bit of the RSA value flipped."""
    raw = bytearray(base64.b64decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                request = json.loads(body)
                method = str(request.get("method"))
                request_id = request.get("id")
                params = request.get("params", {})
            except (ValueError, AttributeError):
                self._send_json({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": None})
                return
            standin.requests.append(method)
            mode = standin.mode
            if mode == "drop_before":
                self.close_connection = True
                return
            if mode == "server_error":
                self._send(500, b"Internal Server Error", "text/plain")
                return
            try:
                result = standin.dispatch(method, params)
                message: dict[str, Any] = {"jsonrpc": "2.0", "result": result, "id": request_id}
                if mode == "bad_signature" and isinstance(result, dict) and "signature" in result:
                    result["signature"] = _corrupt(result["signature"])
            except RpcError as exc:
                message = {
                    "jsonrpc": "2.0",
                    "error": {"code": exc.code, "message": exc.message, "data": []},
                    "id": request_id,
                }
            if mode == "drop":  # the work is done and stored, but the client never hears of it
                self.close_connection = True
                return
            if mode == "timeout":
                standin._closing.wait(standin.hang_seconds)
            try:
                self._send_json(message)
            except OSError:
                pass  # the client gave up waiting

        def _send_json(self, message: dict[str, Any]) -> None:
            self._send(200, _compact(message).encode("utf-8"), "application/json; charset=utf-8")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.standin", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--key-dir", default="data/standin", help="keeps the key pair, serials and results")
    parser.add_argument("--mode", default="ok", choices=MODES)
    parser.add_argument("--advisory-delay-ms", type=int, default=0)
    args = parser.parse_args(argv)
    standin = StandIn(
        args.mode, key_dir=args.key_dir, advisory_delay_ms=args.advisory_delay_ms, host=args.host, port=args.port
    )
    with standin:
        print("RANDOM.ORG stand-in (rehearsals only: results are signed with the stand-in's own key)")
        print(f"RANDOM_ORG_URL={standin.url}")
        print(f"RANDOM_ORG_API_KEY={standin.api_key}")
        print(f"RANDOM_ORG_PUBLIC_KEY={standin.public_key_path.resolve()}")  # type: ignore[union-attr]
        print("Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
