"""The entrant's self-check of one month (RULES.md, "Public checks"): `selfcheck-YYYY-MM.json` and
`selfcheck-YYYY-MM.html`, published beside the masked list of winners.

The JSON is `{"month": "YYYY-MM", "tiers": [...]}`, one object per tier, in this key order:
`denomination`, `pool_size`, `pool_sha256`, `method`, then `signed_random` (RANDOM.ORG's signed
response `{"random": …, "signature": …}`, its text spliced in exactly as the store keeps it, so the
signature still verifies over the same bytes) or `entropy` (the offline method's string), `drawn` and
`commitments`. `commitments[i - 1]` is the lowercase hex
SHA-256(bytes.fromhex(pool_sha256) + f"{i},{account},{client_id}".encode()) of the pool's member i.
Nothing else about anyone is in the file: no account, IIN/BIN, name or phone.

Decisions the rules leave open, taken here:
- Official draws only. A rehearsal's pools are never published to entrants: `selfcheck_files`
  refuses a rehearsal record (`SelfCheckRefused`) and `python -m reports selfcheck --rehearsal` says so.
- `drawn` lists the pool ordinals of certificates 1..k of the tier's draw, then one ordinal per
  re-draw that found a winner, in the order the re-draws were made. A re-draw draws from its own,
  renumbered pool (RULES.md step 4); its winner is given here by their ordinal in the tier's pool,
  the one numbering the commitments use, so an entrant can see whether a re-draw chose them.
- A tier whose pool was empty (method "none") is listed with pool_size 0, no commitments, nothing
  drawn, and neither `signed_random` nor `entropy`.

The HTML page embeds the JSON byte for byte (only "</" and "<!--" written as "<\\/" and "<\\u0021--"
inside its JSON strings, which JSON reads back unchanged), plus which certificate each entry of
`drawn` is for (no personal data), and does the rest in the browser: the page's own WebCrypto
SHA-256, no network request at all (Content-Security-Policy "default-src 'none'").
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

from engine.pool import parse_pool_text
from engine.records import METHOD_NONE, METHOD_RANDOM_ORG, DrawRecord, MonthRecord

TEMPLATE = Path(__file__).resolve().parent / "selfcheck_page" / "selfcheck.html"
DATA_SLOT = "@@SELFCHECK_JSON@@"
CERTIFICATES_SLOT = "@@SELFCHECK_CERTIFICATES@@"


class SelfCheckRefused(ValueError):
    """The month cannot have a self-check (a rehearsal, or nothing drawn)."""


def file_names(month: str) -> tuple[str, str]:
    return f"selfcheck-{month}.json", f"selfcheck-{month}.html"


def commitments(pool_sha256: str, pool_text: str) -> list[str]:
    """One lowercase hex SHA-256 per member, in ordinal order (RULES.md, "Public checks")."""
    prefix = hashlib.sha256(bytes.fromhex(pool_sha256))
    out = []
    copy = prefix.copy
    # A canonical line is f"{ordinal},{account},{client_id},{denomination}": the committed text is the
    # line without its last field (an account may hold commas, the denomination never does).
    lines = pool_text.encode("utf-8").split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the text ends with a line break
    for line in lines:
        h = copy()
        h.update(line[: line.rindex(b",")])
        out.append(h.hexdigest())
    return out


def _tier_draws(record: MonthRecord) -> list[tuple[DrawRecord, list[DrawRecord]]]:
    """Each tier's original draw with its re-draws (in the order they were made)."""
    originals = [d for d in record.draws if d.kind == "draw"]
    return [
        (d, [r for r in record.draws if r.kind == "redraw" and r.denomination == d.denomination]) for d in originals
    ]


def _drawn(original: DrawRecord, redraws: list[DrawRecord]) -> tuple[list[int], list[int]]:
    """(ordinals in the tier's pool, the certificate each is for): certificate order, then re-draws."""
    winners = sorted(original.winners, key=lambda w: w.certificate)
    ordinals = [w.ordinal for w in winners]
    certificates = [w.certificate for w in winners]
    if redraws:
        assert original.pool is not None
        where = {(a, c): o for o, a, c, _ in parse_pool_text(original.pool.text)}
        for r in redraws:
            if r.pool is None:  # an empty re-draw pool: the certificate was carried over, nobody drawn
                continue
            members = parse_pool_text(r.pool.text)
            for w in sorted(r.winners, key=lambda w: w.certificate):
                _, account, client_id, _ = members[w.ordinal - 1]  # the re-draw pool's numbering ...
                ordinals.append(where[(account, client_id)])  # ... told in the tier pool's
                certificates.append(w.certificate)
    return ordinals, certificates


def _check(record: MonthRecord) -> None:
    if record.rehearsal:
        raise SelfCheckRefused(
            f"{record.month}: the self-check is published for official draws only; "
            "a rehearsal's pools are never published to entrants"
        )
    if not any(d.kind == "draw" for d in record.draws):
        raise SelfCheckRefused(f"{record.month}: nothing was drawn, there is nothing to check")


def selfcheck_parts(record: MonthRecord) -> tuple[bytes, list[dict[str, Any]]]:
    """(the JSON file's bytes, per tier {"denomination", "certificates"} for the page)."""
    _check(record)
    tiers, raw, pages = [], {}, []
    for original, redraws in _tier_draws(record):
        pool = original.pool
        tier: dict[str, Any] = {
            "denomination": original.denomination,
            "pool_size": pool.size if pool else 0,
            "pool_sha256": pool.sha256 if pool else "",
            "method": original.method,
        }
        if original.method == METHOD_RANDOM_ORG:
            slot = f"@@SIGNED_RANDOM_{len(raw)}_{secrets.token_hex(16)}@@"
            raw[json.dumps(slot)] = original.signed_random
            tier["signed_random"] = slot
        elif original.method != METHOD_NONE:
            tier["entropy"] = original.entropy
        drawn, certificates = _drawn(original, redraws) if pool else ([], [])
        tier["drawn"] = drawn
        tier["commitments"] = commitments(pool.sha256, pool.text) if pool else []
        tiers.append(tier)
        pages.append({"denomination": original.denomination, "certificates": certificates})
    text = json.dumps({"month": record.month, "tiers": tiers}, ensure_ascii=False, indent=1)
    for slot, signed in raw.items():  # as received: the signature covers these very bytes
        json.loads(signed)  # a stored response is JSON; anything else must not go out
        text = text.replace(slot, signed, 1)
    return (text + "\n").encode("utf-8"), pages


def selfcheck_json(record: MonthRecord) -> bytes:
    return selfcheck_parts(record)[0]


def _script_safe(text: str) -> str:
    """JSON text that cannot end its <script> element; "</" and "<!--" occur only inside JSON strings."""
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


def selfcheck_html(json_bytes: bytes, certificates: list[dict[str, Any]]) -> bytes:
    template = TEMPLATE.read_text(encoding="utf-8")
    for slot in (DATA_SLOT, CERTIFICATES_SLOT):
        if template.count(slot) != 1:
            raise ValueError(f"{TEMPLATE} must hold the slot {slot} exactly once")
    data = _script_safe(json_bytes.decode("utf-8").rstrip("\n"))
    extra = _script_safe(json.dumps(certificates, separators=(",", ":")))
    # Filled in one pass: the JSON itself never gets searched for the other slot.
    head, _, tail = template.partition(CERTIFICATES_SLOT)
    head = head.replace(DATA_SLOT, data) if DATA_SLOT in head else head
    tail = tail.replace(DATA_SLOT, data) if DATA_SLOT in tail else tail
    return (head + extra + tail).encode("utf-8")


def selfcheck_files(record: MonthRecord) -> dict[str, bytes]:
    """{"selfcheck-YYYY-MM.json": …, "selfcheck-YYYY-MM.html": …} of an official, drawn month."""
    data, certificates = selfcheck_parts(record)
    json_name, html_name = file_names(record.month)
    return {json_name: data, html_name: selfcheck_html(data, certificates)}
