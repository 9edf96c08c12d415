"""What can go wrong with RANDOM.ORG, in words the commission can act on.

`RandomOrgError.kind` (one of ERROR_KINDS) is stable for the UI, which
shows its own translated text per kind; `_error_for_code` maps RANDOM.ORG's
JSON-RPC error codes to those kinds.
"""

from __future__ import annotations

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
