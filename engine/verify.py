"""`verify`: recompute everything that can be recomputed (RULES.md "Integrity", rule 7).

Each pool's hash and order, each signature and its binding to the pool and ticket, each
winner from the signed numbers (or the entropy), the audit chain, and the stored rows
against the audit record both ways. One `Finding` per check, named, with a `code` for
the translated text on screen. engine.bundle runs the same checks on a bundle's files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from engine.draw import official_key, usable_result
from engine.offline import offline_select
from engine.pool import members_match_text, parse_pool_text
from engine.randomorg import SignedRequest, SignedResult, answer_mismatches
from engine.records import METHOD_NONE, METHOD_OFFLINE, METHOD_RANDOM_ORG
from engine.rules import Rules, load_rules
from engine.store import (
    ABANDONED,
    BLOCKED,
    GENESIS_SHA256,
    OFFICIAL,
    Store,
    audit_sha256,
    canonical_json,
    fields_sha256,
    import_fields,
    members_sha256,
    winner_details,
)


@dataclass(frozen=True)
class Finding:
    """One check of `verify`: its name, whether it passed, and what was seen.

    `code` names the kind of check for a translated text on screen (ui/catalog.py "verify.*"):
    pool, signature, binding, ticket, development_licence, winners, audit_chain, audit_results,
    serials, draw_missing, relabelled, drawn_twice, field_hash, not_covered, abandoned,
    abandoned_valid, blocked, entropy, months_order."""

    name: str
    ok: bool
    detail: str = ""
    code: str = ""


def verify(store: Store, *, public_key_pem: bytes | None = None, rules: Rules | None = None) -> list[Finding]:
    """Recompute everything that can be recomputed, looking both ways between the stored draws and
    the audit record (integrity rule 7); one Finding per check, named, with a `code`."""
    key = official_key(public_key_pem)
    rules = rules or load_rules()
    raw = store.raw_rows()
    pools = {p["id"]: p for p in raw["pools"]}
    members = {p["id"]: store.pool_member_table(p["id"]) for p in raw["pools"]}
    lines: dict[int, list[tuple[int, str, str, int]] | None] = {}
    for p in raw["pools"]:
        try:
            lines[p["id"]] = parse_pool_text(p["text"])
        except ValueError:
            lines[p["id"]] = None
    winners_by_draw: dict[int, list[dict]] = {}
    for w in raw["winners"]:
        winners_by_draw.setdefault(w["draw_id"], []).append(w)
    audit = store.raw_audit()
    log = _AuditLog(audit)
    findings: list[Finding] = []
    for p in raw["pools"]:
        findings.append(_check_pool(p, lines[p["id"]], members[p["id"]]))
    for d in raw["draws"]:
        if d["status"] != "done":
            continue
        pool = pools.get(d["pool_id"])
        findings.extend(_check_draw(d, pool, winners_by_draw.get(d["id"], []), key, lines.get(d["pool_id"]) or []))
        findings.extend(_check_ticket(d, log))
    findings.append(_check_chain(audit))
    findings.append(_check_audit_matches(audit, raw["draws"], raw["winners"]))
    findings.extend(_check_both_ways(log, raw["draws"]))
    findings.extend(_check_serials(raw["draws"], log))
    findings.extend(_check_abandoned(raw["draws"], pools, key))
    findings.extend(_check_entropy(raw["draws"], log))
    findings.extend(_check_fields(raw, pools, members, winners_by_draw, log))
    findings.append(_check_participations(raw["draws"], lines, store.participations()))
    findings.extend(_check_months_order(log, rules))
    return findings


class _AuditLog:
    """The audit record read once, indexed by draw: what each draw went through, in order."""

    def __init__(self, audit: list[dict]) -> None:
        self.entries = [(e["seq"], e["action"], e["actor"], e["at"], json.loads(e["payload"])) for e in audit]
        self.by_draw: dict[int, list[tuple[int, str, str, dt.datetime, dict]]] = {}
        for seq, action, actor, at, p in self.entries:
            if isinstance(p, dict) and isinstance(p.get("draw_id"), int):
                self.by_draw.setdefault(p["draw_id"], []).append((seq, action, actor, at, p))

    def of(self, draw_id: int, action: str) -> list[tuple[int, str, str, dt.datetime, dict]]:
        return [e for e in self.by_draw.get(draw_id, []) if e[1] == action]

    def last(self, draw_id: int, action: str) -> dict | None:
        found = self.of(draw_id, action)
        return found[-1][4] if found else None

    def actions(self, action: str) -> list[tuple[int, str, str, dt.datetime, dict]]:
        return [e for e in self.entries if e[1] == action]


def _label(d: dict) -> str:
    kind = "rehearsal " if d["rehearsal"] else ""
    what = f"re-draw of certificate {d['redraw_certificate']}" if d["kind"] == "redraw" else "draw"
    return f"{kind}{what} #{d['id']} {d['month']} {d['denomination']}"


_UNPARSED: Any = object()


def _check_pool(p: dict, lines: Any = _UNPARSED, members: Any = None) -> Finding:
    """The pool text hashes to its recorded sha256, is numbered 1..N in account order, one tier;
    with `members` (the store's members, decoded from their chunks), they say what the text says.
    A bundle has no member chunks: its pool is the text alone."""
    name = f"pool #{p['id']} {p['month']} {p['denomination']} ({p['purpose']}): hash and order"
    text = p["text"]
    if lines is _UNPARSED:
        try:
            lines = parse_pool_text(text)
        except ValueError:
            lines = None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != p["sha256"]:
        return Finding(
            name, False, f"the stored members hash to {digest}, the recorded pool_sha256 is {p['sha256']}", "pool"
        )
    if lines is None:
        return Finding(name, False, "unreadable line in the pool text", "pool")
    if len(lines) != p["size"]:
        return Finding(name, False, f"{len(lines)} members stored, size recorded {p['size']}", "pool")
    for i, (ordinal, account, _, den) in enumerate(lines, 1):
        if ordinal != i or den != p["denomination"] or (i > 1 and not lines[i - 2][1] < account):
            return Finding(name, False, f"line {i} is out of order or names another tier", "pool")
    if members is not None and not members_match_text(members, text, p["denomination"]):
        return Finding(
            name,
            False,
            f"the stored members ({members.num_rows}, from their chunks) differ from the "
            "pool text: an ordinal, account or client id was changed, added or deleted, or a chunk is "
            "unreadable",
            "pool",
        )
    return Finding(
        name,
        True,
        f"{p['size']} members, sha256 {digest}" + (", stored members match" if members is not None else ""),
        "pool",
    )


def _expected_ordinals(d: dict, pool: dict, key: bytes) -> tuple[list[int], list[Finding]]:
    label = _label(d)
    n = d["drawn"]
    if d["method"] == METHOD_NONE:
        return [], []
    if d["method"] == METHOD_OFFLINE:
        return offline_select(pool["sha256"], d["entropy"], pool["size"], n), []
    findings = []
    try:
        signed = SignedResult.from_response_text(d["signed_random"])
    except ValueError as exc:
        return [], [Finding(f"{label}: signature", False, f"stored signed response unreadable: {exc}", "signature")]
    check_key = d["public_key_pem"].encode("ascii") if d["rehearsal"] and d["public_key_pem"] else key
    ok = signed.verify(check_key)
    findings.append(
        Finding(
            f"{label}: signature",
            ok,
            f"serial {signed.serial_number}"
            + (
                ""
                if ok
                else ": does not verify with the "
                + ("stand-in key stored with the rehearsal" if d["rehearsal"] else "pinned key")
            ),
            "signature",
        )
    )
    # A bundle names no stored ticket of its own: there the ticket inside the result must merely exist.
    stored = d if "ticket_id" in d else {**d, "ticket_id": signed.ticket_id or ""}
    problems = answer_mismatches(signed, SignedRequest.of_row(stored, pool, n))
    if signed.serial_number != d["serial_number"]:
        problems.append("serialNumber")
    r = signed.random
    findings.append(
        Finding(
            f"{label}: userData binds pool",
            not problems,
            f"pool_sha256 {pool['sha256']}"
            if not problems
            else f"differs: {', '.join(problems)} (signed userData {r.get('userData')!r}, n {r.get('n')}, "
            f"max {r.get('max')}, ticket {signed.ticket_id})",
            "binding",
        )
    )
    if signed.development_licence and not d["rehearsal"]:
        findings.append(
            Finding(
                f"{label}: licence",
                False,
                "an official draw used a result made with a RANDOM.ORG "
                'developer licence ("development and testing only")',
                "development_licence",
            )
        )
    return list(signed.data), findings


def _check_draw(
    d: dict, pool: dict | None, winners: list[dict], key: bytes, members: list[tuple[int, str, str, int]] | None = None
) -> list[Finding]:
    """The winners re-derived from the signed numbers (or the entropy) over the pool text;
    `members`: the text already parsed (verify parses each pool once)."""
    label = _label(d)
    if pool is None:
        return [Finding(f"{label}: pool", False, "the draw has no stored pool", "pool")]
    try:
        ordinals, findings = _expected_ordinals(d, pool, key)
    except ValueError as exc:
        return [Finding(f"{label}: winners", False, f"cannot re-derive: {exc}", "winners")]
    if members is None:
        try:
            members = parse_pool_text(pool["text"])
        except ValueError as exc:
            return findings + [Finding(f"{label}: winners", False, f"unreadable pool text: {exc}", "winners")]
    first = d["redraw_certificate"] or 1
    expected = []
    for i, o in enumerate(ordinals):
        if not 1 <= o <= len(members):
            findings.append(
                Finding(f"{label}: winners", False, f"number {o} is outside the pool 1..{len(members)}", "winners")
            )
            return findings
        expected.append((first + i, o, members[o - 1][1], members[o - 1][2]))
    stored = sorted((w["certificate"], w["ordinal"], w["account"], w["client_id"]) for w in winners)
    counts_ok = d["drawn"] == len(winners) and d["carry_out"] == d["to_draw"] - d["drawn"]
    ok = stored == expected and counts_ok
    detail = f"{len(expected)} winners re-derived" if ok else _diff(expected, stored, counts_ok)
    findings.append(Finding(f"{label}: winners", ok, detail, "winners"))
    return findings


def _diff(expected: list[tuple], stored: list[tuple], counts_ok: bool) -> str:
    if not counts_ok:
        return "drawn / carry-out figures do not add up"
    for e, s in zip(expected, stored):
        if e != s:
            return f"certificate {e[0]}: expected ordinal {e[1]} account {e[2]}, stored ordinal {s[1]} account {s[2]}"
    return f"{len(expected)} winners expected, {len(stored)} stored"


def _check_ticket(d: dict, log: _AuditLog) -> list[Finding]:
    """The ticket inside the signed result is the one stored and the one the audit record says was
    created for this draw: a second signed result with the same userData cannot be substituted."""
    if d["method"] != METHOD_RANDOM_ORG:
        return []
    label = _label(d)
    created = log.last(d["id"], "ticket_created")
    try:
        inside = SignedResult.from_response_text(d["signed_random"]).ticket_id
    except ValueError:
        inside = None  # reported by the signature check
    problems = []
    if inside != d["ticket_id"]:
        problems.append(f"the signed result was drawn with ticket {inside}, the draw stores ticket {d['ticket_id']}")
    if created is None:
        problems.append("the audit record holds no ticket_created entry for this draw")
    elif created.get("ticket_id") != d["ticket_id"]:
        problems.append(f"the audit record created ticket {created.get('ticket_id')}, the draw stores {d['ticket_id']}")
    return [Finding(f"{label}: ticket", not problems, "; ".join(problems) or f"ticket {d['ticket_id']}", "ticket")]


def _check_chain(audit: list[dict]) -> Finding:
    prev = GENESIS_SHA256
    for i, e in enumerate(audit, 1):
        if e["seq"] != i:
            return Finding(
                "audit chain", False, f"entry {i} is missing (next stored entry is {e['seq']})", "audit_chain"
            )
        if e["prev_sha256"] != prev:
            return Finding(
                "audit chain", False, f"entry {i} does not follow entry {i - 1} (deleted or reordered)", "audit_chain"
            )
        payload = json.loads(e["payload"])
        digest = audit_sha256(prev, e["seq"], e["at"], e["action"], e["actor"], payload)
        if digest != e["sha256"] or canonical_json(payload) != e["payload"]:
            return Finding("audit chain", False, f"entry {i} ({e['action']}) was edited", "audit_chain")
        prev = e["sha256"]
    return Finding("audit chain", True, f"{len(audit)} entries, last sha256 {prev}", "audit_chain")


def _check_audit_matches(audit: list[dict], draws: list[dict], winners: list[dict]) -> Finding:
    """The audit record must account for every stored result and every claim status:
    an entry deleted at the end of the chain is caught here."""
    name = "audit matches results"
    done_entries = {}
    status: dict[int, str] = {}
    for e in audit:
        p = json.loads(e["payload"])
        if e["action"] == "draw_done":
            done_entries[p["draw_id"]] = p
            if p.get("replaces_winner_id") and p.get("replaced_status"):
                status[p["replaces_winner_id"]] = p["replaced_status"]
        elif e["action"] == "claim":
            status[p["winner_id"]] = p["to"]
    by_draw: dict[int, list] = {}
    for w in winners:
        by_draw.setdefault(w["draw_id"], []).append([w["certificate"], w["ordinal"], w["account"], w["client_id"]])
    for d in draws:
        if d["status"] != "done":
            continue
        entry = done_entries.get(d["id"])
        if entry is None:
            return Finding(name, False, f"{_label(d)} has no draw_done entry in the audit record", "audit_results")
        if sorted(entry["winners"]) != sorted(by_draw.get(d["id"], [])):
            return Finding(name, False, f"{_label(d)}: winners differ from the audit record", "audit_results")
    for w in winners:
        if w["status"] != status.get(w["id"], "drawn"):
            return Finding(
                name,
                False,
                f"winner #{w['id']} ({w['month']} {w['denomination']} certificate {w['certificate']}) "
                f"is {w['status']} but the audit record says {status.get(w['id'], 'drawn')}",
                "audit_results",
            )
    return Finding(name, True, f"{len(done_entries)} results and {len(winners)} winners accounted for", "audit_results")


def _audit_state(log: _AuditLog, draw_id: int) -> tuple[dict | None, str]:
    """What the audit record says of a draw: its pool_frozen payload and its last status."""
    frozen = log.last(draw_id, "pool_frozen")
    status = "pending"
    for _seq, action, _actor, _at, p in log.by_draw.get(draw_id, []):
        if action == "draw_done":
            status = "done"
        elif action == "draw_failed" and not p.get("kept_pending"):
            status = "failed"
        elif action == "draw_blocked":
            status = BLOCKED
        elif action == "ticket_abandoned":
            status = ABANDONED
    return frozen, status


def _audit_label(draw_id: int, frozen: dict) -> str:
    kind = "rehearsal " if frozen.get("rehearsal") else "official "
    what = f"re-draw of certificate {frozen.get('certificate')}" if frozen.get("kind") == "redraw" else "draw"
    return f"{kind}{what} #{draw_id} {frozen.get('month')} {frozen.get('denomination')}"


def _check_both_ways(log: _AuditLog, draws: list[dict]) -> list[Finding]:
    """From the audit record to the draws (rule 7): every draw it names still exists with the same
    month, tier, kind, official/rehearsal label and status; every draw row is in it; and each
    official month and tier was completed exactly once."""
    rows = {d["id"]: d for d in draws}
    findings: list[Finding] = []
    named = sorted({draw_id for draw_id, entries in log.by_draw.items() if any(e[1] == "pool_frozen" for e in entries)})
    for draw_id in named:
        frozen, status = _audit_state(log, draw_id)
        label = _audit_label(draw_id, frozen)
        row = rows.get(draw_id)
        if row is None:
            findings.append(
                Finding(
                    f"{label}: stored",
                    False,
                    f"the audit record says it was {status}; its row was deleted",
                    "draw_missing",
                )
            )
            continue
        differs = []
        if bool(row["rehearsal"]) != bool(frozen.get("rehearsal")):
            differs.append("official → rehearsal" if row["rehearsal"] else "rehearsal → official")
        for field_name, key in (("month", "month"), ("denomination", "denomination"), ("kind", "kind")):
            if row[field_name] != frozen.get(key):
                differs.append(f"{field_name} {frozen.get(key)} → {row[field_name]}")
        if row["status"] != status:
            differs.append(f"{status} → {row['status']}")
        expected_slot = {"failed": f"failed-{draw_id}", ABANDONED: f"{ABANDONED}-{draw_id}"}.get(
            status, OFFICIAL if not frozen.get("rehearsal") else row["slot"]
        )
        if row["slot"] != expected_slot and not differs:
            differs.append(f"slot {expected_slot} → {row['slot']}")
        if differs:
            findings.append(Finding(f"{label}: label", False, "relabelled: " + "; ".join(differs), "relabelled"))
    unknown = [d for d in draws if d["id"] not in log.by_draw or not log.of(d["id"], "pool_frozen")]
    for d in unknown:
        findings.append(
            Finding(
                f"{_label(d)}: audit",
                False,
                "this draw is not in the audit record (no pool_frozen entry): it was inserted by hand",
                "audit_results",
            )
        )
    done: dict[tuple[str, int], list[int]] = {}
    for _seq, _action, _actor, _at, p in log.actions("draw_done"):
        frozen = log.last(p["draw_id"], "pool_frozen") or {}
        if not p.get("rehearsal") and p.get("kind") == "draw":
            done.setdefault((str(p.get("month")), int(p.get("denomination") or 0)), []).append(p["draw_id"])
    for d in draws:
        if (
            d["status"] == "done"
            and not d["rehearsal"]
            and d["kind"] == "draw"
            and d["id"] not in sum(done.values(), [])
        ):
            done.setdefault((d["month"], d["denomination"]), []).append(d["id"])
    twice = {k: v for k, v in done.items() if len(v) > 1}
    for (month, den), ids in sorted(twice.items()):
        findings.append(
            Finding(
                f"official draw {month} {den}: drawn once",
                False,
                f"{len(ids)} completed draws of one month and tier: " + ", ".join(f"#{i}" for i in ids),
                "drawn_twice",
            )
        )
    if not findings:
        findings.append(
            Finding(
                "audit matches draws",
                True,
                f"{len(named)} draws in the audit record, each stored as recorded; "
                f"{len(done)} official tiers drawn once each",
                "relabelled",
            )
        )
    return findings


def _check_serials(draws: list[dict], log: _AuditLog) -> list[Finding]:
    """RANDOM.ORG serial numbers per key: never used twice, and increasing in the order the draws
    were completed (a result obtained later cannot stand in for an earlier one); gaps are noted
    (the key may have drawn elsewhere)."""
    done_seq = {p["draw_id"]: seq for seq, _a, _w, _t, p in log.actions("draw_done")}
    by_key: dict[str, list[tuple[int, int, int]]] = {}
    for d in draws:
        if d["status"] == "done" and d["method"] == METHOD_RANDOM_ORG and not d["rehearsal"]:
            by_key.setdefault(d["hashed_api_key"], []).append(
                (done_seq.get(d["id"], 0), d["serial_number"] or 0, d["id"])
            )
    findings = []
    for _key, results in by_key.items():
        results.sort()
        numbers = [serial for _, serial, _ in results]
        if len(set(numbers)) != len(numbers):
            findings.append(Finding("serial numbers", False, "one RANDOM.ORG result is used by two draws", "serials"))
            continue
        back = [(a, b) for a, b in zip(results, results[1:]) if b[1] <= a[1]]
        if back:
            (_, s1, d1), (_, s2, d2) = back[0]
            findings.append(
                Finding(
                    "serial numbers",
                    False,
                    f"draw #{d2} (serial {s2}) was completed after draw #{d1} (serial {s1}): serial "
                    "numbers must increase",
                    "serials",
                )
            )
            continue
        ordered = sorted(numbers)
        gaps = [f"{a}..{b}" for a, b in zip(ordered, ordered[1:]) if b != a + 1]
        findings.append(
            Finding(
                "serial numbers",
                True,
                f"{len(numbers)} results, serials {ordered[0]}..{ordered[-1]}, increasing"
                + (f"; gaps noted (results of this key drawn elsewhere): {', '.join(gaps)}" if gaps else ", no gaps"),
                "serials",
            )
        )
    return findings


def _check_abandoned(draws: list[dict], pools: dict[int, dict], key: bytes) -> list[Finding]:
    """Rule 5: an abandoned (or blocked) ticket's stored response must not verify as a usable result."""
    findings = []
    for d in draws:
        if d["status"] not in (ABANDONED, BLOCKED):
            continue
        label = _label(d)
        check_key = d["public_key_pem"].encode("ascii") if d["rehearsal"] and d["public_key_pem"] else key
        usable, why = usable_result(d, pools.get(d["pool_id"]), check_key)
        if usable:
            findings.append(
                Finding(
                    f"{label}: ticket {d['ticket_id']}",
                    False,
                    f"the {d['status']} response verifies under the pinned key ({why}): a valid result was thrown away",
                    "abandoned_valid",
                )
            )
        elif d["status"] == ABANDONED:
            findings.append(
                Finding(
                    f"{label}: ticket {d['ticket_id']}",
                    True,
                    f"abandoned by the commission; its response cannot be used: {why}",
                    "abandoned",
                )
            )
        else:
            findings.append(
                Finding(
                    f"{label}: ticket {d['ticket_id']}",
                    True,
                    f"blocked, waiting for the commission to abandon it: {why}",
                    "blocked",
                )
            )
    return findings


def _check_entropy(draws: list[dict], log: _AuditLog) -> list[Finding]:
    """Rule 4: an offline draw's entropy was entered after its pool was frozen, by a named person,
    is the one used, and was not used for another draw of the same official month and tier."""
    findings = []
    seen: dict[tuple[str, int, str], int] = {}
    for d in draws:
        if d["status"] != "done" or d["method"] != METHOD_OFFLINE:
            continue
        label = _label(d)
        done = log.of(d["id"], "draw_done")
        entered = log.of(d["id"], "entropy_entered")
        frozen = log.of(d["id"], "pool_frozen")
        if not entered and done and "details_sha256" not in done[-1][4] and not d.get("entropy_by"):
            findings.append(
                Finding(
                    f"{label}: entropy",
                    True,
                    "not covered (recorded before this check existed): who entered the entropy and when",
                    "not_covered",
                )
            )
            continue
        problems = []
        if not entered:
            problems.append("no entropy_entered entry in the audit record")
        else:
            seq, _action, actor, at, p = entered[-1]
            if frozen and seq < frozen[-1][0]:
                problems.append("the entropy was entered before the pool was frozen")
            if done and seq > done[-1][0]:
                problems.append("the entropy was entered after the result")
            if p.get("entropy") != d["entropy"]:
                problems.append(f"the audit record has entropy {p.get('entropy')!r}, the draw stores {d['entropy']!r}")
            if d.get("entropy_by") != actor or d.get("entropy_at") != at:
                problems.append(
                    f"entered by {actor} at {at.isoformat()}, the draw stores "
                    f"{d.get('entropy_by')!r} at {d.get('entropy_at')}"
                )
        if not d["rehearsal"]:
            key = (d["month"], d["denomination"], d["entropy"])
            if key in seen:
                problems.append(f"the same entropy text was used for draw #{seen[key]} of this tier")
            seen.setdefault(key, d["id"])
        findings.append(
            Finding(
                f"{label}: entropy",
                not problems,
                "; ".join(problems)
                or f"entered by {entered[-1][2]} at {entered[-1][3].isoformat()}, after the pool hash",
                "entropy",
            )
        )
    return findings


def _check_participations(
    draws: list[dict], lines: dict[int, list[tuple[int, str, str, int]] | None], stored: list[tuple[str, str, int]]
) -> Finding:
    """RULES.md reason 9 as stored rows: every client of every official completed original draw's
    pool text (the hashed one, not the stored members) with its earliest month; nothing else."""
    name = "participations (reason 9)"
    expected: dict[str, str] = {}
    originals = [d for d in draws if d["slot"] == OFFICIAL and d["status"] == "done" and d["kind"] == "draw"]
    for d in sorted(originals, key=lambda d: (d["month"], d["id"])):
        for _, _, client_id, _ in lines.get(d["pool_id"]) or []:
            expected.setdefault(client_id, d["month"])
    got = {client_id: month for client_id, month, _ in stored}
    if got == expected:
        return Finding(
            name, True, f"{len(got)} clients took part in official draws, each in its earliest month", "pool"
        )
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    moved = sorted(c for c in set(got) & set(expected) if got[c] != expected[c])
    parts = []
    if missing:
        parts.append(f"{len(missing)} pool members missing (e.g. client {missing[0]})")
    if extra:
        parts.append(f"{len(extra)} clients in no official pool (e.g. client {extra[0]})")
    if moved:
        parts.append(
            f"{len(moved)} with another month (e.g. client {moved[0]}: {got[moved[0]]}, the pools say "
            f"{expected[moved[0]]})"
        )
    return Finding(name, False, "the stored participations differ from the official pools: " + "; ".join(parts), "pool")


def _check_fields(
    raw: dict, pools: dict[int, dict], members: dict[int, Any], winners_by_draw: dict[int, list[dict]], log: _AuditLog
) -> list[Finding]:
    """Rule 7: every stored field a document prints is covered by a hash (or a copy) in the audit
    record: winners' names and phones, pool members' details, commission, place, draw date,
    protocol number, import files, claim notes. Fields stored before a hash existed are listed
    as not covered, never as tampered and never silently."""
    bad: list[Finding] = []
    uncovered: list[str] = []

    def compare(where: str, what: str, stored: Any, recorded: Any) -> None:
        if stored != recorded:
            bad.append(
                Finding(
                    f"{where}: {what}", False, f"stored {stored!r}, the audit record says {recorded!r}", "field_hash"
                )
            )

    for d in raw["draws"]:
        label = _label(d)
        frozen = log.last(d["id"], "pool_frozen")
        pool = pools.get(d["pool_id"])
        if frozen is not None and pool is not None:
            if "details_sha256" in frozen or "members_sha256" in frozen:
                if not _details_match(pool, members.get(pool["id"]), frozen):
                    bad.append(
                        Finding(
                            f"{label}: pool members' names and phones",
                            False,
                            "the stored details differ from their hash in the audit record",
                            "field_hash",
                        )
                    )
                compare(label, "draw date", d["draw_date"].isoformat(), frozen.get("draw_date"))
                compare(label, "place", d["place"], frozen.get("place"))
            else:
                if not _rows_agree_with_json(pool, members.get(pool["id"])):
                    bad.append(
                        Finding(
                            f"{label}: pool members' names and phones",
                            False,
                            "the stored members differ from the pool's stored details",
                            "field_hash",
                        )
                    )
                uncovered.append(f"{label}: pool members' names and phones, draw date, place")
        done = log.last(d["id"], "draw_done")
        if d["status"] == "done" and done is not None:
            if "details_sha256" in done:
                rows = [SimpleNamespace(**w) for w in winners_by_draw.get(d["id"], [])]
                if fields_sha256(winner_details(rows)) != done["details_sha256"]:
                    bad.append(
                        Finding(
                            f"{label}: winners' names, phones and regions",
                            False,
                            "the stored winners' details differ from their hash in the audit record",
                            "field_hash",
                        )
                    )
            else:
                uncovered.append(f"{label}: winners' names and phones")
    _check_claim_fields(raw["winners"], log, compare)
    _check_sessions(raw, log, compare, uncovered)
    for r in raw["imports"]:
        where = f"import #{r['id']} {r['month']} {r['file_name']}"
        entries = [p for *_, p in log.actions("import") if p.get("import_id") == r["id"]]
        if entries:
            if fields_sha256(import_fields(SimpleNamespace(**r))) != entries[-1].get("fields_sha256"):
                bad.append(
                    Finding(
                        f"{where}: file and counts",
                        False,
                        "the stored import differs from its hash in the audit record",
                        "field_hash",
                    )
                )
            continue
        old = [
            p
            for *_, p in log.actions("import")
            if "import_id" not in p
            and p.get("month") == r["month"]
            and p.get("file_sha256") == r["file_sha256"]
            and bool(p.get("rehearsal")) == bool(r["rehearsal"])
        ]
        if not old:
            bad.append(Finding(f"{where}: file", False, "this import is not in the audit record", "field_hash"))
            continue
        for field_name in ("file_name", "eligible", "excluded", "errors"):
            compare(where, field_name, r[field_name], old[-1].get(field_name))
        uncovered.append(f"{where}: sheet and row counts")
    if uncovered:
        bad.append(
            Finding(
                "printed fields not covered",
                True,
                "not covered (recorded before this check existed): " + "; ".join(uncovered),
                "not_covered",
            )
        )
    if not [f for f in bad if not f.ok]:
        bad.append(
            Finding(
                "printed fields",
                True,
                "names, phones, commission, place, import files and claim notes match the audit record",
                "field_hash",
            )
        )
    return bad


def _details_match(pool: dict, members: Any, frozen: dict) -> bool:
    """A pool's member details are the ones the audit record hashed when it was frozen: the
    member rows' hash (members_sha256), or, for a pool frozen before revision 0004, the details
    JSON's hash (details_sha256) and member rows that say the same as that JSON."""
    if members is None:
        return False
    if "members_sha256" in frozen:
        return members_sha256(members) == frozen["members_sha256"]
    if hashlib.sha256(pool["details"].encode("utf-8")).hexdigest() != frozen["details_sha256"]:
        return False
    return _rows_agree_with_json(pool, members)


def _rows_agree_with_json(pool: dict, members: Any) -> bool:
    """The member rows of a pool frozen before revision 0004 hold what its details JSON holds."""
    try:
        details = json.loads(pool["details"] or "[]")
    except ValueError:
        return False
    padded = [[("" if v is None else str(v)) for v in [*row, "", "", ""][:3]] for row in details]
    rows = [list(r) for r in zip(*(members.column(c).to_pylist() for c in ("client_name", "phone", "region")))]
    return padded == rows or (not details and all(r == ["", "", ""] for r in rows))


def _check_claim_fields(winners: list[dict], log: _AuditLog, compare: Callable[..., None]) -> None:
    """A winner's note and certificate number (printed in acts) are the last ones the audit recorded."""
    note: dict[int, str] = {}
    serial: dict[int, str] = {}
    for *_, p in log.actions("claim"):
        if p.get("note"):
            note[p["winner_id"]] = p["note"]
        if p.get("certificate_serial"):
            serial[p["winner_id"]] = p["certificate_serial"]
    for w in winners:
        where = f"winner #{w['id']} {w['month']} {w['denomination']} certificate {w['certificate']}"
        compare(where, "note", w["note"], note.get(w["id"], ""))
        compare(where, "certificate number", w["certificate_serial"], serial.get(w["id"], ""))


def _check_sessions(raw: dict, log: _AuditLog, compare: Callable[..., None], uncovered: list[str]) -> None:
    """The commission, place, draw date and protocol number of each sitting are the last recorded."""
    members: dict[int, list[list[str]]] = {}
    for c in sorted(raw["commission_members"], key=lambda c: (c["session_id"], c["position_index"])):
        members.setdefault(c["session_id"], []).append([c["role"], c["name"], c["position"]])
    recorded: dict[tuple[str, bool, int], dict] = {}
    for *_, p in log.actions("commission"):
        recorded[(p.get("month"), bool(p.get("rehearsal")), int(p.get("run") or 0))] = p
    for m in raw["month_sessions"]:
        where = f"{'rehearsal ' if m['rehearsal'] else ''}sitting {m['month']}" + (
            f" run {m['run']}" if m["rehearsal"] else ""
        )
        p = recorded.get((m["month"], bool(m["rehearsal"]), int(m["run"] or 0)))
        if p is None:  # opened by a draw without a commission: everything still as created
            compare(where, "commission", members.get(m["id"], []), [])
            compare(where, "place", m["place"], "")
            compare(where, "draw date", m["draw_date"], None)
            default_number = f"R-{m['month']}-{m['run']}" if m["rehearsal"] else m["month"]
            compare(where, "protocol number", m["protocol_number"], default_number)
            continue
        compare(where, "commission", members.get(m["id"], []), p.get("members"))
        compare(where, "place", m["place"], p.get("place"))
        compare(where, "draw date", m["draw_date"].isoformat() if m["draw_date"] else None, p.get("draw_date"))
        if "protocol_number" in p:
            compare(where, "protocol number", m["protocol_number"], p["protocol_number"])
        else:
            uncovered.append(f"{where}: protocol number")


def _check_months_order(log: _AuditLog, rules: Rules) -> list[Finding]:
    """Rule 1: each official month was started only when every earlier month was fully drawn."""
    done: set[tuple[str, int]] = set()
    for _seq, _a, _w, _t, p in log.actions("draw_done"):
        if p.get("rehearsal") or p.get("kind") != "draw":
            continue
        month = str(p.get("month"))
        for m in rules.months:
            if m >= month:
                break
            missing = [den for den in rules.denominations if (m, den) not in done]
            if missing:
                return [
                    Finding(
                        f"official draw {month} {p.get('denomination')}: months in order",
                        False,
                        f"drawn while {m} was not yet drawn",
                        "months_order",
                    )
                ]
        done.add((month, int(p.get("denomination") or 0)))
    return [
        Finding("months in order", True, "every official month was drawn after the months before it", "months_order")
    ]
