"""What the pages call: the engine and the reports, wired for Streamlit.

Nothing here computes a promotion rule. It opens the store, runs the engine's
preview and draw, builds the RANDOM.ORG client (or the rehearsal stand-in),
keeps the uploaded files that were frozen for a draw, and reshapes stored
records into tables for charts and screens.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from engine.progress import Progress, progress
from engine.quotas import split_carry_out
from engine.records import CommissionMember, DrawRecord, History, WinnerRecord
from engine.rules import Rules, load_rules

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- configuration


def data_dir() -> Path:
    return Path(os.environ.get("PROMOTION_DATA_DIR") or REPO / "data")


def rules() -> Rules:
    return load_rules()


def secrets_dict() -> dict:
    try:
        return {k: v for k, v in st.secrets.items() if not hasattr(v, "items")}
    except Exception:  # no secrets file
        return {}


@st.cache_resource(show_spinner=False)
def _store(url: str | None, folder: str, actor: str):
    from engine.store import Store

    return Store(url, actor=actor)


def actor() -> str:
    """Who the audit record names: the signed-in user, or the demo."""
    from ui.auth import current_user

    user = current_user()
    if user is None or user.source == "demo":
        return "demo (access control off)"
    return f"{user.name} [{user.role}]"


def store():
    """The store for this configuration and user (one per data folder, so tests stay apart)."""
    return _store(os.environ.get("PROMOTION_DB_URL") or None, str(data_dir()), actor())


def history() -> History:
    return store().history()


# ---------------------------------------------------------------- files


def demo_files() -> list[Path]:
    from engine.demo import demo_dir

    return sorted(demo_dir().glob("participants-*.xlsx"))


def uploads_dir() -> Path:
    return data_dir() / "uploads"


def keep_upload(data: bytes, file_name: str) -> Path:
    """Keep the exact bytes that were frozen, named by their SHA-256, so the draw reads the same file."""
    sha = hashlib.sha256(data).hexdigest()
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha}{Path(file_name).suffix.lower()}"
    if not path.exists():
        path.write_bytes(data)
    (folder / f"{sha}.name").write_text(file_name, encoding="utf-8")
    return path


def kept_upload(file_sha256: str) -> tuple[bytes, str] | None:
    folder = uploads_dir()
    for path in folder.glob(f"{file_sha256}.*"):
        if path.suffix != ".name":
            name_file = folder / f"{file_sha256}.name"
            name = name_file.read_text(encoding="utf-8") if name_file.exists() else path.name
            return path.read_bytes(), name
    return None


# ---------------------------------------------------------------- preview


def run_preview(data: bytes, file_name: str, *, draw_date: dt.date, month: str | None = None, sheet: str | None = None):
    """engine.preview.preview on uploaded bytes, respecting what the store already holds."""
    from engine.preview import preview

    return preview(data, file_name, month=month, draw_date=draw_date, sheet=sheet, rules=rules(), history=history())


def stored_imports(month: str, *, rehearsal: bool = False) -> list:
    return list(store().imports(month, rehearsal=rehearsal))


def freeze_import(preview, month: str, data: bytes, *, rehearsal: bool = False):
    keep_upload(data, preview.file_name)
    return store().record_import(preview.import_summary(month), rehearsal=rehearsal)


# ---------------------------------------------------------------- status at a glance


def status(*, rehearsal: bool = False) -> Progress:
    """engine.progress.progress on what the store holds: months drawn, the next month, certificates
    drawn and the face value handed over (the engine's rules; this only reads the store)."""
    s = store()
    return progress(rules(), s.months(rehearsal=rehearsal), s.winners(rehearsal=rehearsal))


# ---------------------------------------------------------------- tables for charts


def _month_records(rehearsal: bool) -> list:
    from engine.store import NotDrawn

    s = store()
    records = []
    for month in s.months(rehearsal=rehearsal):
        try:
            records.append(s.month_record(month, rehearsal=rehearsal))
        except NotDrawn:
            continue
    return records


def chart_frames(*, rehearsal: bool = False) -> dict[str, pd.DataFrame]:
    """Stored draws, winners and imports reshaped into long tables (canonical column names).

    tiers:      month, denomination, quota, carried_in, to_draw, pool_size, drawn, carry_out, unplayed
    claims:     month, denomination, certificate, status, face_value
    exclusions: month, reason, count (the latest import of each month)
    """
    r = rules()
    tier_rows = []
    for record in _month_records(rehearsal):
        for d in record.draws:
            if d.kind != "draw":
                continue
            carried_over, unplayed = split_carry_out(r, d.month, d.carry_out)
            tier_rows.append(
                {
                    "month": d.month,
                    "denomination": d.denomination,
                    "quota": d.quota,
                    "carried_in": d.carried_in,
                    "to_draw": d.to_draw,
                    "pool_size": d.pool.size if d.pool else 0,
                    "drawn": d.drawn,
                    "carry_out": carried_over,
                    "unplayed": unplayed,
                }
            )
    tiers = pd.DataFrame(tier_rows, columns=["month", "denomination", "quota", "carried_in", "to_draw", "pool_size",
                                             "drawn", "carry_out", "unplayed"])
    claims = pd.DataFrame(
        [
            {"month": w.month, "denomination": w.denomination, "certificate": w.certificate, "status": w.status,
             "face_value": w.denomination}
            for w in store().winners(rehearsal=rehearsal)
            if w.current
        ],
        columns=["month", "denomination", "certificate", "status", "face_value"],
    )
    exclusion_rows = []
    for month in r.months:
        imports = store().imports(month, rehearsal=rehearsal)
        if imports:
            for reason, count in imports[-1].excluded_by_reason:
                exclusion_rows.append({"month": month, "reason": reason, "count": count})
    exclusions = pd.DataFrame(exclusion_rows, columns=["month", "reason", "count"])
    return {"tiers": tiers, "claims": claims, "exclusions": exclusions}


# ---------------------------------------------------------------- commission and RANDOM.ORG


def commission_file() -> Path:
    return data_dir() / "commission.json"


def default_commission() -> list[CommissionMember]:
    """The commission the admin set up; the live draw starts from it and records who was present."""
    path = commission_file()
    if not path.exists():
        return []
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        return [CommissionMember(str(i["role"]), str(i["name"]), str(i.get("position", ""))) for i in items if i.get("name")]
    except (ValueError, KeyError, TypeError):
        return []


def save_default_commission(members: list[CommissionMember]) -> None:
    path = commission_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(m) for m in members], ensure_ascii=False, indent=2), encoding="utf-8")
    store().append_audit("commission_defaults", {"members": [[m.role, m.name, m.position] for m in members]})


def place_file() -> Path:
    return data_dir() / "place.txt"


def _place_defaults() -> tuple[str, str, str]:
    from ui.catalog import ENTRIES

    return ENTRIES["draw.place_default"]


def default_place() -> str:
    """The place of the draw as the documents print it, in Kazakh and Russian whatever the screen's
    language: the admin's wording (Settings), else "Астана қ., «Қазақтелеком» АҚ / г. Астана, АО «Казахтелеком»"."""
    path = place_file()
    saved = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if saved:
        return saved
    kk, ru, _ = _place_defaults()
    return f"{kk} / {ru}"


def save_default_place(place: str) -> None:
    path = place_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(place.strip(), encoding="utf-8")
    store().append_audit("place_default", {"place": place.strip()})


def document_place(place: str) -> str:
    """The place as it is stored and printed: the default offered in any interface language becomes
    the documents' Kazakh/Russian wording (a Kazakh/Russian protocol must not say "Astana, Kazakhtelecom JSC");
    a place the commission typed is kept as typed."""
    place = (place or "").strip()
    return default_place() if not place or place in _place_defaults() else place


def randomorg_config():
    from engine.randomness import RandomOrgConfig

    return RandomOrgConfig.from_env(secrets=secrets_dict())


@st.cache_resource(show_spinner=False)
def _standin(key_dir: str):
    from engine.standin import StandIn

    return StandIn(key_dir=key_dir).start()


def standin():
    """The rehearsal stand-in: one loopback server per data folder, kept for the life of the process."""
    return _standin(str(data_dir() / "standin"))


def randomorg_client(*, rehearsal: bool):
    """RANDOM.ORG for real draws; the loopback stand-in (its own key) in rehearsal mode."""
    from engine.randomness import RandomOrgClient

    if rehearsal:
        server = standin()
        return RandomOrgClient(server.api_key, server.url, public_key_pem=server.public_key_pem)
    return RandomOrgClient.from_config(randomorg_config())


# ---------------------------------------------------------------- the live draw


@dataclass(frozen=True)
class TierState:
    done: DrawRecord | None  # the original draw, once finished
    pending: DrawRecord | None  # frozen and waiting for its random numbers
    redraws: tuple[DrawRecord, ...] = ()


def _run(month: str, rehearsal: bool) -> int | None:
    if not rehearsal:
        return None
    return store().latest_rehearsal_run(month) or None


def tier_state(month: str, denomination: int, *, rehearsal: bool) -> TierState:
    s = store()
    run = _run(month, rehearsal)
    draws = s.tier_draws(month, denomination, rehearsal=rehearsal, run=run)
    done = next((d for d in draws if d.kind == "draw"), None)
    pending = None if done else s.pending_draw(month, denomination, rehearsal=rehearsal, run=run)
    return TierState(done, pending, tuple(d for d in draws if d.kind == "redraw"))


def draw_months(*, rehearsal: bool) -> list[str]:
    """Months that have a frozen file (a rehearsal may also use the official files)."""
    r = rules()
    s = store()
    months = {i.month for i in s.imports(rehearsal=rehearsal)}
    if rehearsal:
        months |= {i.month for i in s.imports()}
    return [m for m in r.months if m in months]


def draw_source(month: str, *, rehearsal: bool):
    """The latest frozen import of a month and its kept bytes: (ImportRecord, bytes, file name) or None."""
    s = store()
    imports = s.imports(month, rehearsal=rehearsal) or (s.imports(month) if rehearsal else [])
    for record in reversed(imports):
        kept = kept_upload(record.file_sha256)
        if kept is not None:
            return record, kept[0], kept[1]
    return None


def draw_preview(month: str, draw_date: dt.date, *, rehearsal: bool):
    """The preview a draw freezes its pools from: the frozen file, read again on the draw date."""
    source = draw_source(month, rehearsal=rehearsal)
    if source is None:
        return None
    record, data, name = source
    key = ("draw_preview", month, draw_date, record.file_sha256, rehearsal)
    cached = st.session_state.get("_draw_preview")
    if cached and cached[0] == key:
        return cached[1]
    result = run_preview(data, name, draw_date=draw_date, month=month)
    st.session_state["_draw_preview"] = (key, result)
    return result


def randomorg_configured(*, rehearsal: bool) -> bool:
    """A key is set (or the rehearsal stand-in answers): asking RANDOM.ORG again can help."""
    return rehearsal or bool(randomorg_config().api_key)


def record_commission(month: str, members: list[CommissionMember], place: str, draw_date: dt.date, *, rehearsal: bool) -> None:
    store().set_commission(month, members, document_place(place), draw_date, rehearsal, run=_run(month, rehearsal))


def start_rehearsal(month: str) -> int:
    return store().start_rehearsal(month)


def prepare(preview, month: str, denomination: int, *, method: str, rehearsal: bool, draw_date: dt.date, place: str,
            on_step=None):
    """Freeze the tier's pool and (for RANDOM.ORG) create the ticket; nothing random yet."""
    from engine.draw import prepare_tier

    with randomorg_client(rehearsal=rehearsal) as client:
        return prepare_tier(store(), preview, month, denomination, method=method, rehearsal=rehearsal,
                            draw_date=draw_date, place=document_place(place), client=client, rules=rules(),
                            run=_run(month, rehearsal),
                            on_step=on_step)


def execute(draw_id: int, *, rehearsal: bool, entropy: str | None = None, on_step=None):
    from engine.draw import execute_tier

    with randomorg_client(rehearsal=rehearsal) as client:
        return execute_tier(store(), draw_id, client=client, entropy=entropy, on_step=on_step, rules=rules())


def stored_draw(draw_id: int):
    return store().draw(draw_id)


# ---------------------------------------------------------------- claims and re-draws


def claim_views(*, rehearsal: bool, month: str | None = None):
    from engine.draw import claims

    return claims(store(), month, today=dt.date.today(), rehearsal=rehearsal)


def set_claim(month: str, denomination: int, certificate: int, status: str, *, note: str = "",
              certificate_serial: str = "", rehearsal: bool):
    from engine.draw import set_claim as engine_set_claim

    return engine_set_claim(store(), month, denomination, certificate, status, note=note,
                            certificate_serial=certificate_serial, today=dt.date.today(), rehearsal=rehearsal)


def awaiting_redraw(*, rehearsal: bool, month: str | None = None):
    """Certificates the engine says wait for the commission's re-draw (lapsed or forfeited, not yet re-drawn)."""
    from engine.draw import awaiting_redraw as engine_awaiting

    return engine_awaiting(store(), month, today=dt.date.today(), rehearsal=rehearsal)


def pending_redraws(month: str, *, rehearsal: bool) -> list[DrawRecord]:
    """Re-draws of the month that are frozen and wait for their random numbers (left by this or
    another session): the page shows their stored hash instead of freezing again."""
    return store().pending_redraws(month, rehearsal=rehearsal, run=_run(month, rehearsal))


def pending_redraw(month: str, denomination: int, certificate: int, *, rehearsal: bool) -> DrawRecord | None:
    return next((d for d in reversed(pending_redraws(month, rehearsal=rehearsal))
                 if d.denomination == denomination and d.redraw_of_certificate == certificate), None)


def prepare_redraw(month: str, denomination: int, certificate: int, *, reason: str, method: str, rehearsal: bool,
                   draw_date: dt.date, place: str, on_step=None):
    """Freeze the re-draw's pool (the tier's pool less everyone drawn) and create its ticket; nothing random yet."""
    from engine.draw import prepare_redraw as engine_prepare_redraw

    with randomorg_client(rehearsal=rehearsal) as client:
        return engine_prepare_redraw(store(), month, denomination, certificate, reason=reason, method=method,
                                     draw_date=draw_date, rehearsal=rehearsal, client=client, place=document_place(place),
                                     on_step=on_step)


def record_redraw_commission(month: str, denomination: int, certificate: int, members: list[CommissionMember],
                             place: str, draw_date: dt.date, *, rehearsal: bool) -> None:
    """Who was present at a re-draw, in the audit record. Not the month's commission list: that one
    belongs to the month's draw and its protocol, which a re-draw weeks later must not rewrite."""
    store().append_audit("redraw_commission", {
        "month": month, "denomination": denomination, "certificate": certificate, "rehearsal": rehearsal,
        "run": _run(month, rehearsal), "place": document_place(place), "draw_date": draw_date.isoformat(),
        "members": [[m.role, m.name, m.position] for m in members]})


def blocked_draw(month: str, denomination: int, *, certificate: int | None = None, rehearsal: bool):
    """The draw (or re-draw) held by a used RANDOM.ORG ticket whose result could not be verified."""
    from engine.draw import blocked_draw as engine_blocked

    return engine_blocked(store(), month, denomination, certificate=certificate, rehearsal=rehearsal)


def abandon_ticket(month: str, denomination: int, *, reason: str, certificate: int | None = None, rehearsal: bool):
    from engine.draw import abandon_ticket as engine_abandon

    return engine_abandon(store(), month, denomination, reason=reason, certificate=certificate, rehearsal=rehearsal)


# ---------------------------------------------------------------- documents


def document(kind: str, month: str, *, rehearsal: bool) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of one document, rendered by `reports` from the store."""
    make, name, mime = document_later(kind, month, rehearsal=rehearsal)
    return make(), name, mime


def audit_entries():
    return store().audit()


def verify_store():
    from engine.draw import verify

    return verify(store())


# ---------------------------------------------------------------- claims, upload and documents (issue 9)

_DOCUMENTS = {  # kind -> (file name stem, extension, MIME type)
    "protocol": ("protocol", "pdf", "application/pdf"),
    "acts": ("acts", "pdf", "application/pdf"),
    "publish_xlsx": ("winners", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "publish_html": ("winners", "html", "text/html"),
    "accounting": ("accounting", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "bundle": ("bundle", "zip", "application/zip"),
    "selfcheck_json": ("selfcheck", "json", "application/json"),  # official months only (reports.selfcheck)
    "selfcheck_html": ("selfcheck", "html", "text/html"),
}


def document_later(kind: str, month: str, *, rehearsal: bool):
    """(make, file name, MIME type): `make()` renders the document when called, with no Streamlit
    call inside (the store and rules are bound now), so a download button can run it on click,
    on its own thread: one click, and nothing is rendered for documents nobody asks for."""
    stem, ext, mime = _DOCUMENTS[kind]
    s, r = store(), rules()
    name = f"{stem}-{'rehearsal-' if rehearsal else ''}{month}.{ext}"

    def make() -> bytes:
        if kind == "protocol":
            from reports.signing import protocol_pdf

            return protocol_pdf(s, month, r, rehearsal=rehearsal)
        if kind == "bundle":
            from reports.bundle import build_bundle

            return build_bundle(s, month, r, rehearsal=rehearsal)
        record = s.month_record(month, rehearsal=rehearsal)
        if kind in ("selfcheck_json", "selfcheck_html"):
            from reports.selfcheck import selfcheck_files

            return selfcheck_files(record)[name]  # refuses a rehearsal: never published to entrants
        if kind == "acts":
            from reports.acts import render_acts

            return render_acts(record, rules=r)
        if kind == "publish_xlsx":
            from reports.publish import publication_xlsx

            return publication_xlsx([record], r)
        if kind == "publish_html":
            from reports.publish import publication_html

            return publication_html([record], r).encode("utf-8")
        from reports.accounting import accounting_xlsx

        return accounting_xlsx([record])

    return make, name, mime


def month_record_or_none(month: str, *, rehearsal: bool):
    """The month's stored record, or None when it has no finished draw (nothing to print yet)."""
    from engine.store import NotDrawn

    try:
        return store().month_record(month, rehearsal=rehearsal)
    except NotDrawn:
        return None


def certificate_history(month: str, denomination: int, certificate: int, *, rehearsal: bool):
    """Every winner the certificate had and what happened to each (engine.draw.certificate_history)."""
    from engine.draw import certificate_history as engine_history

    return engine_history(store(), month, denomination, certificate, today=dt.date.today(), rehearsal=rehearsal)


def replaced_winners(*, rehearsal: bool) -> dict[tuple[str, int, int], list[WinnerRecord]]:
    """Winners a re-draw replaced, by (month, denomination, certificate), oldest first: the table
    keeps them visible beside the current winner."""
    out: dict[tuple[str, int, int], list[WinnerRecord]] = {}
    for w in store().winners(rehearsal=rehearsal):
        if not w.current:
            out.setdefault((w.month, w.denomination, w.certificate), []).append(w)
    return out
