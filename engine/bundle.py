"""The published files of a month and their checks: the verification bundle and the signed protocol.

`protocol_data(record)` is what a signed protocol carries inside its signed
range (`protocol-data.json`) and what the bundle's manifest carries as
`protocol_data`: built here, once, so the checks compare the two for equality.

`verify_bundle(path)` needs no database. It recomputes what can be recomputed
from the files alone: every file against the manifest's SHA-256, every pool's
hash and order, every RANDOM.ORG signature against the pinned RANDOM.ORG key (a
rehearsal's stand-in signature is checked with the key published in the bundle
and flagged as a rehearsal), the userData binding each result to its pool, the
winners re-derived from the numbers or the offline entropy, and, when the
bundle carries the entrants' self-check (selfcheck-YYYY-MM.json, reports.selfcheck),
its draws and commitments against the pool texts (code "commitments"). It binds the
protocol PDF to all of that: its signature must be intact and cover the whole
file, its signer is named by certificate fingerprint (and must be the pinned
one when an organisation certificate is configured, see reports.certificates), and
its embedded data must equal the manifest's, draw by draw. The per-draw checks
are those of `engine.verify.verify`, fed from the bundle instead of the store, so
both verifications agree.

`verify_protocol(pdf, store)` checks a signed protocol against the database:
the same signature and signer checks, its draws and winners equal to the stored
ones, and the audit head it printed still in the stored chain (integrity rule 8).

PDF parsing, signature validation and the signer pin live in reports.pdf_check and reports.certificates:
the command that checks (engine/cli_verify.py) hands its `protocol_pdf_verdict`
in as `check_pdf`, and the engine never imports reports. Without a checker the
protocol's signature fails as NOT CHECKED. What is compared here is plain dicts.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any, Protocol

from engine.pool import parse_pool_text
from engine.protocol_data import PROTOCOL_DATA_FORMAT, protocol_data
from engine.randomorg import load_public_key
from engine.records import METHOD_NONE
from engine.store import GENESIS_SHA256
from engine.verify import Finding, _check_chain, _check_draw, _check_pool

__all__ = ["Finding", "PdfChecker", "protocol_data", "verify_bundle", "verify_protocol"]


def _draw_label(month: str, d: dict) -> str:
    """ "2021-03 50000 draw", "2021-03 50000 re-draw of certificate 3": names a draw in a finding."""
    what = f"re-draw of certificate {d.get('certificate')}" if d.get("kind") == "redraw" else "draw"
    return f"{month} {d.get('denomination')} {what}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _differences(a: dict, b: dict, a_name: str, b_name: str) -> list[str]:
    """One phrase per field that differs: 'pool_sha256: <a_name> "…", <b_name> "…"'."""
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            out.append(f"{key}: only in the {a_name if key in a else b_name}")
        elif a[key] != b[key]:
            if key == "winners" and isinstance(a[key], list) and isinstance(b[key], list):
                out.append(f"winners: {_winners_diff(a[key], b[key], a_name, b_name)}")
            else:
                out.append(f"{key}: {a_name} {_short(a[key])}, {b_name} {_short(b[key])}")
    return out


def _winners_diff(a: list, b: list, a_name: str, b_name: str) -> str:
    for x, y in zip(a, b):
        if x != y:
            return f"{a_name} {_short(x)}, {b_name} {_short(y)}"
    return f"{a_name} {len(a)} winners, {b_name} {len(b)}"


# --------------------------------------------------------------------------- the signed protocol


class PdfCheck(Protocol):
    name: str
    ok: bool
    detail: str


class PdfVerdict(Protocol):
    """What a PDF checker says about a protocol PDF (reports.pdf_check.ProtocolPdfVerdict)."""

    checks: Sequence[PdfCheck]  # the signature and the signer
    data: dict | None  # the embedded protocol-data.json; None when missing or unreadable
    data_problem: str


# The PDF checks (signature, signer pin, the embedded file) belong to reports.pdf_check; a command that
# checks protocols hands its `protocol_pdf_verdict` in. None: the PDF is not checked, and a check says so.
PdfChecker = Callable[[str, bytes], PdfVerdict]


def check_signed_protocol(name: str, pdf: bytes, check_pdf: PdfChecker | None) -> tuple[list[Finding], dict | None]:
    """Signature, signer and the embedded protocol data of one PDF (by `check_pdf`), and the data's
    shape. Returns the findings and the data (None if unreadable or not checked)."""
    if check_pdf is None:
        return [
            Finding(
                f"{name}: signature",
                False,
                "NOT CHECKED: no PDF checker was given, so neither the "
                "signature, the signer nor the embedded data were read "
                "(python -m engine verify checks them)",
            )
        ], None
    verdict = check_pdf(name, pdf)
    findings = [Finding(c.name, c.ok, c.detail) for c in verdict.checks]
    problem = verdict.data_problem if verdict.data is None else _shape_problem(verdict.data)
    if problem:
        findings.append(Finding(f"{name}: embedded data", False, problem))
        return findings, None
    data = verdict.data
    findings.append(
        Finding(
            f"{name}: embedded data",
            True,
            f"carries {len(data['draws'])} draws of {data['month']}{' (rehearsal)' if data['rehearsal'] else ''}",
        )
    )
    return findings, data


def _shape_problem(data: dict) -> str:
    """What makes embedded data unusable for the comparisons ("" when it has protocol_data's shape)."""
    if data.get("format") != PROTOCOL_DATA_FORMAT:
        return f"protocol-data.json has format {_short(data.get('format'))}, this tool reads {PROTOCOL_DATA_FORMAT}"
    if not isinstance(data.get("month"), str) or not isinstance(data.get("rehearsal"), bool):
        return "protocol-data.json names no month or rehearsal flag"
    draws = data.get("draws")
    if not isinstance(draws, list) or not all(
        isinstance(d, dict) and isinstance(d.get("winners"), list) for d in draws
    ):
        return "protocol-data.json has no readable list of draws"
    if not isinstance(data.get("abandoned"), list) or not all(isinstance(a, dict) for a in data["abandoned"]):
        return "protocol-data.json has no readable list of abandoned tickets"
    return ""


# --------------------------------------------------------------------------- the bundle


def verify_bundle(
    path: str | os.PathLike | bytes, *, check_pdf: PdfChecker | None, public_key_pem: bytes | None = None
) -> list[Finding]:
    """One Finding per check; all ok means the bundle proves its winners. `check_pdf`: the checker of
    the protocol PDF (reports.pdf_check.protocol_pdf_verdict); None fails the protocol as not checked."""
    try:
        zf = zipfile.ZipFile(BytesIO(path) if isinstance(path, bytes) else path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [Finding("bundle", False, f"not a readable ZIP file: {exc}")]
    with zf:
        names = set(zf.namelist())
        if "manifest.json" not in names:
            return [Finding("bundle", False, "manifest.json is missing")]
        try:
            manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
        except ValueError as exc:
            return [Finding("manifest.json", False, f"not valid JSON: {exc}")]
        files = {name: zf.read(name) for name in names if name != "manifest.json"}
    return _verify(manifest, files, public_key_pem, check_pdf)


def _verify(
    manifest: dict, files: dict[str, bytes], public_key_pem: bytes | None, check_pdf: PdfChecker | None
) -> list[Finding]:
    key = public_key_pem or load_public_key()
    month = manifest.get("month", "?")
    rehearsal = bool(manifest.get("rehearsal"))
    findings = [_check_files(manifest, files)]
    if rehearsal:
        findings.append(
            Finding(
                f"{month}: rehearsal",
                True,
                "REHEARSAL bundle: its numbers come from the loopback stand-in, not RANDOM.ORG;"
                " it proves nothing about a real draw",
            )
        )
    for entry in manifest.get("draws", []):
        findings.extend(_check_entry(month, entry, files, key))
    findings.extend(_check_selfcheck(manifest, files))
    findings.extend(_check_protocol(manifest, files, check_pdf))
    return findings


def _check_files(manifest: dict, files: dict[str, bytes]) -> Finding:
    listed = manifest.get("files", {})
    problems = []
    for name, digest in sorted(listed.items()):
        if name not in files:
            problems.append(f"{name} is missing")
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    extra = sorted(set(files) - set(listed))
    if extra:
        problems.append(f"files not in the manifest: {', '.join(extra)}")
    return Finding("bundle files", not problems, "; ".join(problems) or f"{len(listed)} files match the manifest")


def _text(files: dict[str, bytes], name: str | None) -> str:
    return files[name].decode("utf-8") if name and name in files else ""


def _check_entry(month: str, entry: dict, files: dict[str, bytes], key: bytes) -> list[Finding]:
    den = entry.get("denomination")
    pool_info = entry.get("pool")
    pool = None
    findings = []
    if pool_info:
        if pool_info.get("file") not in files:
            return [Finding(f"{month} {den}: pool", False, f"{pool_info.get('file')} is missing")]
        pool = {
            "id": entry["id"],
            "month": month,
            "denomination": den,
            "purpose": pool_info.get("purpose", ""),
            "size": pool_info["size"],
            "sha256": pool_info["sha256"],
            "text": _text(files, pool_info["file"]),
        }
        findings.append(_check_pool(pool))
    draw = {
        "id": entry["id"],
        "month": month,
        "denomination": den,
        "kind": entry["kind"],
        "rehearsal": bool(entry.get("rehearsal")),
        "method": entry["method"],
        "status": entry.get("status", "done"),
        "drawn": entry["drawn"],
        "to_draw": entry["to_draw"],
        "carry_out": entry["carry_out"],
        "redraw_certificate": entry.get("redraw_of_certificate"),
        "serial_number": entry.get("serial_number"),
        "entropy": _text(files, entry.get("entropy_file")),
        "signed_random": _text(files, entry.get("random_file")),
        "public_key_pem": _text(files, entry.get("public_key_file")),
    }
    if "ticket_id" in entry:  # the ticket inside the signed result must be this one (older bundles name none)
        draw["ticket_id"] = entry["ticket_id"]
    winners = entry.get("winners", [])
    if pool is None and draw["method"] == METHOD_NONE:
        ok = not winners and draw["drawn"] == 0
        return findings + [Finding(f"{month} {den}: nothing drawn", ok, "empty pool, everything carried over")]
    findings.extend(_check_draw(draw, pool, winners, key))
    if entry.get("development_licence") and draw["rehearsal"]:  # official: _check_draw fails it (rule 6)
        findings.append(
            Finding(
                f"{month} {den}: licence", True, "WARNING: RANDOM.ORG development licence (not for production draws)"
            )
        )
    return findings


# --------------------------------------------------------------------------- the entrant's self-check


def selfcheck_file_name(month: str) -> str:
    return f"selfcheck-{month}.json"


def _pool_lines(text: str) -> list[tuple[int, str, str]]:
    return [(o, a, c) for o, a, c, _ in parse_pool_text(text)]


def _json_pairs(text: str) -> Any:
    """JSON with every object's keys kept in order (lists of pairs): "as received" compares the order too."""
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)


def _check_selfcheck(manifest: dict, files: dict[str, bytes]) -> list[Finding]:
    """RULES.md, "Public checks": the self-check published for entrants, when the bundle carries it,
    says what the bundle's draws say (pool size and hash, method, signed result or entropy, the
    ordinals drawn, re-draws in the tier pool's numbering) and its commitments are those of the pool
    texts: SHA-256(pool hash bytes + "ordinal,account,client_id") for ordinal 1..N."""
    month = manifest.get("month", "?")
    name = selfcheck_file_name(month)
    if name not in files:
        return []
    label = f"{name}: commitments"
    if manifest.get("rehearsal"):
        return [
            Finding(
                label,
                False,
                "a rehearsal bundle carries a self-check; it is published for official draws only",
                code="commitments",
            )
        ]
    try:
        text = files[name].decode("utf-8")
        doc, pairs = json.loads(text), _json_pairs(text)
        tiers = doc["tiers"]
        tier_pairs = dict(pairs)["tiers"]
        if doc.get("month") != month or not isinstance(tiers, list):
            raise ValueError(f"it names month {_short(doc.get('month'))}, the bundle {month}")
    except (ValueError, KeyError, TypeError) as exc:
        return [Finding(label, False, f"not a readable self-check: {exc}", code="commitments")]
    entries = manifest.get("draws") or []
    originals = [e for e in entries if e.get("kind") == "draw"]
    findings = []
    listed = [t.get("denomination") if isinstance(t, dict) else None for t in tiers]
    if listed != [e.get("denomination") for e in originals]:
        findings.append(
            Finding(
                label,
                False,
                f"its tiers are {listed}, the bundle's {[e.get('denomination') for e in originals]}",
                code="commitments",
            )
        )
    for entry in originals:
        den = entry.get("denomination")
        at = listed.index(den) if den in listed else None
        if at is None:
            continue
        problems = _selfcheck_tier_problems(tiers[at], dict(tier_pairs[at]), entry, entries, files)
        findings.append(
            Finding(
                f"{month} {den}: commitments",
                not problems,
                "; ".join(problems)
                or f"the self-check's {len(tiers[at].get('commitments') or [])} commitments are "
                "the pool text's, and its draw is the bundle's",
                code="commitments",
            )
        )
    return findings


def _selfcheck_tier_problems(
    tier: dict, tier_pairs: dict, entry: dict, entries: list[dict], files: dict[str, bytes]
) -> list[str]:
    den = entry.get("denomination")
    pool = entry.get("pool") or {}
    text = _text(files, pool.get("file"))
    lines = _pool_lines(text) if text else []
    problems = []
    expected = {"pool_size": pool.get("size", 0), "pool_sha256": pool.get("sha256", ""), "method": entry.get("method")}
    for key, value in expected.items():
        if tier.get(key) != value:
            problems.append(f"{key}: self-check {_short(tier.get(key))}, bundle {_short(value)}")
    if entry.get("method") == METHOD_NONE:
        numbers = {}
    elif entry.get("random_file"):
        numbers = {"signed_random": _json_pairs(_text(files, entry["random_file"]))}
    else:
        numbers = {"entropy": _text(files, entry.get("entropy_file"))}
    for key in ("signed_random", "entropy"):
        if key not in numbers and key in tier:
            problems.append(f"{key}: in the self-check, not in the bundle's {entry.get('method')} draw")
        elif key in numbers and key not in tier:
            problems.append(f"{key}: missing from the self-check")
        elif key in numbers and tier_pairs.get(key) != numbers[key]:
            problems.append(f"{key}: the self-check's is not the bundle's")
    drawn = [w.get("ordinal") for w in sorted(entry.get("winners") or [], key=lambda w: w.get("certificate") or 0)]
    where = {(a, c): o for o, a, c in lines}
    for r in entries:
        if r.get("kind") != "redraw" or r.get("denomination") != den:
            continue
        redraw_lines = _pool_lines(_text(files, (r.get("pool") or {}).get("file")))
        for w in r.get("winners") or []:
            o = w.get("ordinal")
            member = redraw_lines[o - 1] if isinstance(o, int) and 0 < o <= len(redraw_lines) else None
            drawn.append(where.get((member[1], member[2])) if member else None)
    if tier.get("drawn") != drawn:
        problems.append(f"drawn: self-check {_short(tier.get('drawn'))}, bundle {_short(drawn)}")
    got = tier.get("commitments")
    if not isinstance(got, list):
        problems.append("commitments: not a list")
        return problems
    try:
        prefix = hashlib.sha256(bytes.fromhex(pool.get("sha256", "")))
    except ValueError:
        return problems + [f"commitments: the bundle's pool hash {_short(pool.get('sha256'))} is not hexadecimal"]
    for i in range(max(len(got), len(lines))):
        if i >= len(lines) or i >= len(got):
            problems.append(
                f"commitments: {len(got)} in the self-check, {len(lines)} members in the pool text "
                f"(first difference at ordinal {i + 1})"
            )
            break
        o, a, c = lines[i]
        h = prefix.copy()
        h.update(f"{o},{a},{c}".encode())
        if got[i] != h.hexdigest():
            problems.append(f"commitments: ordinal {i + 1} differs from the pool text's")
            break
    return problems


def _entry_data(entry: dict, files: dict[str, bytes]) -> dict[str, Any]:
    """A manifest draw entry and its files, read as `_draw_data` shapes a stored draw."""
    pool = entry.get("pool") or {}
    return {
        "denomination": entry.get("denomination"),
        "kind": entry.get("kind"),
        "certificate": entry.get("redraw_of_certificate") if entry.get("kind") == "redraw" else None,
        "draw_date": entry.get("draw_date"),
        "quota": entry.get("quota"),
        "carried_in": entry.get("carried_in"),
        "to_draw": entry.get("to_draw"),
        "drawn": entry.get("drawn"),
        "carry_out": entry.get("carry_out"),
        "pool_size": pool.get("size", 0),
        "pool_sha256": pool.get("sha256", ""),
        "method": entry.get("method"),
        "ticket_id": entry.get("ticket_id", ""),
        "serial_number": entry.get("serial_number"),
        "entropy": _text(files, entry.get("entropy_file")),
        "entropy_by": entry.get("entropy_by", ""),
        "entropy_at": entry.get("entropy_at"),
        "winners": sorted(
            [w.get("certificate"), w.get("ordinal"), w.get("account"), w.get("client_id")]
            for w in entry.get("winners", [])
        ),
    }


def _check_protocol(manifest: dict, files: dict[str, bytes], check_pdf: PdfChecker | None) -> list[Finding]:
    """The PDF's signature and signer, and its embedded data against the manifest and the files."""
    name = manifest.get("protocol_file", "")
    if name not in files:
        return [Finding("protocol", False, f"{name or 'the protocol PDF'} is missing")]
    findings, data = check_signed_protocol(name, files[name], check_pdf)
    if data is None:
        return findings
    listed = manifest.get("protocol_data")
    if listed is None:
        findings.append(Finding(f"{name}: manifest", False, "the manifest carries no protocol_data to compare"))
    elif listed != data:
        top = {k: v for k, v in data.items() if k != "draws"}
        other = {k: v for k, v in listed.items() if k != "draws"} if isinstance(listed, dict) else {}
        diffs = _differences(top, other, "signed protocol", "manifest")
        if isinstance(listed, dict) and listed.get("draws") != data.get("draws"):
            diffs.append("draws differ (see below)")
        findings.append(
            Finding(
                f"{name}: manifest",
                False,
                "the manifest's protocol_data is not the signed protocol's: " + "; ".join(diffs),
            )
        )
    else:
        findings.append(Finding(f"{name}: manifest", True, "the manifest's protocol_data equals the signed one"))
    findings.extend(_compare_with_manifest(name, data, manifest, files))
    head = data.get("audit_head") or {}
    findings.append(
        Finding(
            f"{name}: audit head",
            True,
            f"the protocol was signed at audit entry {head.get('seq')}, sha256 {head.get('sha256')}"
            " (python -m engine verify --protocol compares it with the database)",
        )
    )
    return findings


def _compare_with_manifest(name: str, data: dict, manifest: dict, files: dict[str, bytes]) -> list[Finding]:
    """The signed data against what the bundle's checks above were run on: the header, and each draw
    entry with its pool, entropy, ticket and winners. One Finding per disagreement."""
    month = data.get("month", "?")
    findings = []
    header = {k: data.get(k) for k in ("month", "rehearsal", "protocol_number", "draw_date")}
    listed = {k: manifest.get(k) for k in header}
    listed["rehearsal"] = bool(listed["rehearsal"])
    diffs = _differences(header, listed, "signed protocol", "manifest")
    if header["rehearsal"] != listed["rehearsal"]:
        says = {True: "a rehearsal", False: "official"}
        relabelled = (
            f"the manifest says {says[listed['rehearsal']]}, the signed protocol says {says[bool(header['rehearsal'])]}"
        )
        diffs = [relabelled] + [d for d in diffs if not d.startswith("rehearsal:")]
    findings.append(
        Finding(
            f"{name}: {month} header",
            not diffs,
            "; ".join(diffs)
            or f"month, {'rehearsal' if header['rehearsal'] else 'official'}, protocol number and draw date agree",
        )
    )
    signed_draws = data.get("draws") or []
    entries = manifest.get("draws") or []
    for i in range(max(len(signed_draws), len(entries))):
        if i >= len(entries):
            findings.append(
                Finding(
                    f"{name}: {_draw_label(month, signed_draws[i])}",
                    False,
                    "in the signed protocol but not in the bundle",
                )
            )
            continue
        entry = _entry_data(entries[i], files)
        if entries[i].get("rehearsal") is not None and bool(entries[i]["rehearsal"]) != bool(data.get("rehearsal")):
            findings.append(
                Finding(
                    f"{name}: {_draw_label(month, entry)}",
                    False,
                    "the bundle's draw and the signed protocol disagree on rehearsal / official",
                )
            )
        if i >= len(signed_draws):
            findings.append(
                Finding(f"{name}: {_draw_label(month, entry)}", False, "in the bundle but not in the signed protocol")
            )
            continue
        diffs = _differences(signed_draws[i], entry, "signed protocol", "bundle")
        findings.append(
            Finding(
                f"{name}: {_draw_label(month, signed_draws[i])}",
                not diffs,
                "; ".join(diffs)
                or f"agrees with the bundle (pool {entry['pool_sha256'] or '-'}, {len(entry['winners'])} winners)",
            )
        )
    return findings


# --------------------------------------------------------------------------- the protocol against the database


def verify_protocol(pdf: bytes, store: Any, *, check_pdf: PdfChecker | None, name: str = "protocol") -> list[Finding]:
    """A signed protocol against the database: signature and signer, its draws equal to the stored
    ones of its month (official or rehearsal, as it says), its abandoned tickets, and its audit head
    in the stored chain. Re-draws stored after the protocol was signed are named, not failed."""
    findings, data = check_signed_protocol(name, pdf, check_pdf)
    if data is None:
        return findings
    month, rehearsal = data.get("month"), bool(data.get("rehearsal"))
    try:
        record = store.month_record(month, rehearsal=rehearsal)
    except LookupError:
        kind = "rehearsal" if rehearsal else "official"
        findings.append(Finding(f"{name}: {month}", False, f"the database has no {kind} draw of {month}"))
    else:
        findings.extend(_compare_with_stored(name, data, protocol_data(record)))
    findings.append(_check_audit_head(name, data.get("audit_head"), store.raw_audit()))
    return findings


def _compare_with_stored(name: str, printed: dict, stored: dict) -> list[Finding]:
    month = printed.get("month", "?")
    header = ("format", "protocol_number", "draw_date")
    diffs = _differences(
        {k: printed.get(k) for k in header}, {k: stored.get(k) for k in header}, "protocol", "database"
    )
    findings = [
        Finding(
            f"{name}: {month} header",
            not diffs,
            "; ".join(diffs) or "protocol number and draw date agree with the database",
        )
    ]
    signed_draws, stored_draws = printed.get("draws") or [], stored["draws"]
    for i, d in enumerate(signed_draws):
        label = f"{name}: {_draw_label(month, d)}"
        if i >= len(stored_draws):
            findings.append(Finding(label, False, "in the protocol but not in the database"))
            continue
        diffs = _differences(d, stored_draws[i], "protocol", "database")
        findings.append(
            Finding(
                label,
                not diffs,
                "; ".join(diffs)
                or f"equals the stored draw (pool {d.get('pool_sha256') or '-'}, "
                f"{len(d.get('winners') or [])} winners)",
            )
        )
    later = stored_draws[len(signed_draws) :]
    if later:
        originals = [d for d in later if d["kind"] != "redraw"]
        findings.append(
            Finding(
                f"{name}: {month} later draws",
                not originals,
                f"{len(originals)} original draw(s) stored but missing from the protocol"
                if originals
                else f"{len(later)} re-draw(s) stored after this protocol was signed: "
                + ", ".join(_draw_label(month, d) for d in later),
            )
        )
    signed_abandoned, stored_abandoned = printed["abandoned"], stored["abandoned"]
    same = stored_abandoned[: len(signed_abandoned)] == signed_abandoned
    since = len(stored_abandoned) - len(signed_abandoned)
    if same:
        detail = f"{len(signed_abandoned)} printed, as stored" + (f"; {since} abandoned since" if since > 0 else "")
    else:
        detail = (
            f"the protocol lists {[a.get('ticket_id') for a in signed_abandoned]}, "
            f"the database {[a['ticket_id'] for a in stored_abandoned]}"
        )
    findings.append(Finding(f"{name}: {month} abandoned tickets", same, detail))
    return findings


def _check_audit_head(name: str, head: Any, audit: list[dict]) -> Finding:
    """Integrity rule 8: the stored entry with the printed seq has the printed sha256, and the stored
    chain recomputes up to it. Otherwise history was rewritten after the protocol went out."""
    label = f"{name}: audit head"
    if not isinstance(head, dict) or not isinstance(head.get("seq"), int) or not isinstance(head.get("sha256"), str):
        return Finding(label, False, f"the protocol carries no readable audit head ({_short(head)})")
    seq, digest = head["seq"], head["sha256"]
    if seq == 0:
        return Finding(label, digest == GENESIS_SHA256, "the protocol was signed on an empty audit record")
    entry = next((e for e in audit if e["seq"] == seq), None)
    if entry is None:
        last = audit[-1]["seq"] if audit else 0
        return Finding(
            label,
            False,
            f"audit entry {seq}, printed in the protocol, is not in the database (its "
            f"record ends at entry {last}): history was removed after the protocol went out",
        )
    if entry["sha256"] != digest:
        return Finding(
            label,
            False,
            f"audit entry {seq}: the protocol says sha256 {digest}, the database has "
            f"{entry['sha256']}: history was rewritten after the protocol went out",
        )
    chain = _check_chain([e for e in audit if e["seq"] <= seq])
    if not chain.ok:
        return Finding(
            label,
            False,
            f"audit entry {seq} has the printed sha256, but the stored entries up to it do "
            f"not recompute: {chain.detail}",
        )
    since = sum(1 for e in audit if e["seq"] > seq)
    return Finding(
        label,
        True,
        f"audit entry {seq} sha256 {digest} is in the stored chain, which recomputes up to it ({since} entries since)",
    )
