"""The verification bundle of one month: everything an outsider needs to recompute the winners.

One ZIP: each pool's canonical text, the signed RANDOM.ORG responses exactly as
stored (or the offline entropy), re-draw pools too, the signed protocol PDF, a
manifest.json with the winners and every file's SHA-256, HOW-TO-VERIFY.txt
(kk/ru/en) and verify.html, the same checks in any browser (reports.verify_page).
The manifest's `protocol_data` is `engine.protocol_data.protocol_data(record)`, the very
dict the signed protocol carries as protocol-data.json, so the PDF and the rest
of the bundle can be compared. `engine.bundle.verify_bundle` checks such
a file with no database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

from engine.protocol_data import protocol_data
from engine.records import MonthRecord
from reports.protocol import check_drawn
from reports.protocol_pdf import protocol_pdf
from reports.selfcheck import file_names, selfcheck_json
from reports.verify_page import verify_html

FORMAT = 1


def _names(record: MonthRecord) -> dict[int, str]:
    """draw id -> file stem: "2021-03-50000" for a tier, "2021-03-50000-redraw1-cert3" for re-draws."""
    stems, counters = {}, {}
    for d in record.draws:
        stem = f"{record.month}-{d.denomination}"
        if d.kind == "redraw":
            counters[d.denomination] = counters.get(d.denomination, 0) + 1
            stem += f"-redraw{counters[d.denomination]}-cert{d.redraw_of_certificate}"
        stems[d.id] = stem
    return stems


def build_bundle_from_record(
    record: MonthRecord,
    protocol_pdf: bytes,
    *,
    public_keys: dict[int, str] | None = None,
    generated_at: dt.datetime | None = None,
) -> bytes:
    """The ZIP for a stored month. `public_keys`: draw id -> the stand-in key a rehearsal
    draw was checked with (published with rehearsal bundles only)."""
    public_keys = public_keys or {}
    files: dict[str, bytes] = {}
    draws = []
    stems = _names(record)
    for d in record.draws:
        stem = stems[d.id]
        entry = {
            "id": d.id,
            "kind": d.kind,
            "denomination": d.denomination,
            "method": d.method,
            "status": d.status,
            "rehearsal": d.rehearsal,
            "quota": d.quota,
            "carried_in": d.carried_in,
            "to_draw": d.to_draw,
            "drawn": d.drawn,
            "carry_out": d.carry_out,
            "draw_date": d.draw_date.isoformat(),
            "redraw_of_certificate": d.redraw_of_certificate,
            "redraw_reason": d.redraw_reason,
            "serial_number": d.serial_number,
            "development_licence": d.development_licence,
            "ticket_id": d.ticket_id or "",
            "entropy_by": d.entropy_by or "",
            "entropy_at": d.entropy_at.isoformat() if d.entropy_at else None,
            "winners": [
                {"certificate": w.certificate, "ordinal": w.ordinal, "account": w.account, "client_id": w.client_id}
                for w in d.winners
            ],
        }
        if d.pool is not None:
            name = f"pool-{stem}.txt"
            files[name] = d.pool.text.encode("utf-8")
            entry["pool"] = {"file": name, "sha256": d.pool.sha256, "size": d.pool.size, "purpose": d.pool.purpose}
        if d.signed_random:
            name = f"random-{stem}.json"
            files[name] = d.signed_random.encode("utf-8")  # exactly as stored: the signature covers it
            entry["random_file"] = name
        if d.entropy:
            name = f"entropy-{stem}.txt"
            files[name] = d.entropy.encode("utf-8")
            entry["entropy_file"] = name
        if d.rehearsal and public_keys.get(d.id):
            name = f"standin-public-key-{stem}.pem"
            files[name] = public_keys[d.id].encode("ascii")
            entry["public_key_file"] = name
        draws.append(entry)
    protocol_name = f"protocol-{record.month}{'-rehearsal' if record.rehearsal else ''}.pdf"
    files[protocol_name] = protocol_pdf
    files["HOW-TO-VERIFY.txt"] = HOW_TO_VERIFY.encode("utf-8")
    files["verify.html"] = verify_html()  # the same checks in any browser; listed in the manifest like the rest
    if not record.rehearsal:  # the entrants' self-check, whose commitments verify_bundle checks against the pools
        files[file_names(record.month)[0]] = selfcheck_json(record)
    manifest = {
        "format": FORMAT,
        "promotion": "Іскерлік ұсыныс / Деловое предложение / Business Offer (Kazakhtelecom JSC, 2021)",
        "month": record.month,
        "rehearsal": record.rehearsal,
        "protocol_number": record.protocol_number,
        "protocol_file": protocol_name,
        "draw_date": record.draw_date.isoformat(),
        "generated_at": (generated_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "draws": draws,
        "protocol_data": protocol_data(record),  # equal to the PDF's embedded protocol-data.json
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
    return buf.getvalue()


def build_bundle(store, month: str, rules, *, rehearsal: bool = False, data_dir=None) -> bytes:
    """The month's bundle from the store, with a freshly rendered and signed protocol."""
    record = store.month_record(month, rehearsal=rehearsal)
    check_drawn(record, rules)
    # The same record for the PDF and the manifest: a claim recorded in between would move the audit head.
    pdf = protocol_pdf(store, month, rules, rehearsal=rehearsal, data_dir=data_dir, record=record)
    keys = {}
    if rehearsal and hasattr(store, "raw_rows"):
        ids = {d.id for d in record.draws}
        keys = {r["id"]: r.get("public_key_pem") or "" for r in store.raw_rows().get("draws", []) if r["id"] in ids}
    return build_bundle_from_record(record, pdf, public_keys=keys)


HOW_TO_VERIFY = """\
ҚАЛАЙ ТЕКСЕРУГЕ БОЛАДЫ / КАК ПРОВЕРИТЬ / HOW TO VERIFY
======================================================

Қазақша
-------
1. Әр pool-*.txt файлы — бір номиналдың қатысушылар пулы: дербес шот бойынша
   сұрыпталған, 1..N нөмірленген жолдар «нөмір,дербес шот,БСН/ЖСН,номинал».
   Файлдың SHA-256 хэшін есептеңіз (sha256sum pool-….txt): ол хаттамадағы және
   manifest.json-дағы хэшпен сәйкес келуі тиіс.
2. RANDOM.ORG әдісі: random-*.json — RANDOM.ORG қол қойған жауап, сақталғандай.
   "random" объектісінің мәтіні RANDOM.ORG ашық кілтімен (RSA, SHA-512) тексеріледі;
   userData ішінде ай, номинал және пул хэші бар. "data" тізіміндегі i-ші сан —
   i-ші сертификат жеңімпазының пулдағы нөмірі.
3. Офлайн әдіс: entropy-*.txt — комиссия енгізген энтропия. Төмендегі алгоритм
   бойынша жеңімпаздарды қайта есептеңіз.
4. Қайталама ұтыс ойынының пулы (…-redrawK-certC) — сол номиналдың бұрын
   ойнатылғандарсыз қалған қатысушылары, қайта нөмірленген және хэштелген.
5. protocol-*.pdf ішіне protocol-data.json файлы тіркелген (электрондық қолтаңба оны да
   қамтиды): ол manifest.json-дағы "protocol_data"-мен бірдей болуы тиіс. Тексеру
   қол қоюшы сертификаттың SHA-256 саусақ ізін атайды: оны ұйым жариялаған іздің
   өзімен салыстырыңыз.
6. Автоматты тексеру: python -m engine verify --bundle осы-файл.zip
7. Браузерде тексеру: verify.html файлын ашып, осы ZIP файлын (немесе ашылған қалтаны) оның бетіне тастаңыз.
8. selfcheck-ЖЖЖЖ-АА.json (ресми ұтыс ойындары) — қатысушылардың өзін-өзі тексеруі: әр номинал үшін пул
   хэші, түскен нөмірлер және әр орынның хэші SHA-256(пул хэшінің байттары + «нөмір,дербес шот,БСН/ЖСН»).
   Автоматты тексеру оларды пул мәтіндерімен салыстырады.

Русский
-------
1. Каждый файл pool-*.txt — пул участников одного номинала: строки
   «номер,лицевой счёт,БИН/ИИН,номинал», отсортированные по лицевому счёту и
   пронумерованные 1..N. Вычислите SHA-256 файла (sha256sum pool-….txt): он должен
   совпасть с хэшем в протоколе и в manifest.json.
2. Способ RANDOM.ORG: random-*.json — подписанный ответ RANDOM.ORG в том виде, в
   каком он сохранён. Текст объекта "random" проверяется открытым ключом RANDOM.ORG
   (RSA, SHA-512); в userData указаны месяц, номинал и хэш пула. i-е число списка
   "data" — номер в пуле победителя i-го сертификата.
3. Офлайн-метод: entropy-*.txt — энтропия, введённая комиссией. Пересчитайте
   победителей по алгоритму ниже.
4. Пул повторного розыгрыша (…-redrawK-certC) — участники того же номинала без
   уже разыгранных, заново пронумерованные и захэшированные.
5. В protocol-*.pdf вложен файл protocol-data.json (электронная подпись покрывает и его):
   он должен совпадать с "protocol_data" в manifest.json. Проверка называет отпечаток
   SHA-256 сертификата подписанта: сравните его с отпечатком, опубликованным организацией.
6. Автоматическая проверка: python -m engine verify --bundle этот-файл.zip
7. Проверка в браузере: откройте verify.html и перетащите на страницу этот ZIP-файл (или распакованную папку).
8. selfcheck-ГГГГ-ММ.json (официальные розыгрыши) — самопроверка участников: по каждому номиналу хэш пула,
   выпавшие номера и хэш каждого места SHA-256(байты хэша пула + «номер,лицевой счёт,БИН/ИИН»).
   Автоматическая проверка сверяет их с текстами пулов.

English
-------
1. Each pool-*.txt is one tier's pool: lines "ordinal,account,client_id,denomination",
   sorted by account (plain string order) and numbered 1..N, UTF-8. Its SHA-256
   (sha256sum pool-….txt) must equal the hash printed in the protocol and in
   manifest.json.
2. RANDOM.ORG method: random-*.json is RANDOM.ORG's signed response exactly as
   stored. Cut out the text of the "random" object (compact JSON, keys in the
   server's order) and check the base64 "signature" over it with RANDOM.ORG's public
   key (RSA PKCS#1 v1.5, SHA-512). userData names the month, the tier and the pool's
   SHA-256, binding the numbers to this very pool. The i-th number of "data" is the
   pool ordinal of the winner of certificate i (for a re-draw: of the re-drawn
   certificate).
3. Offline method (RFC 3797 with SHA-256): entropy-*.txt is the string the commission
   entered. In Python:

       import hashlib
       def winners(pool_sha256, entropy, pool_size, n):
           seed = bytes.fromhex(pool_sha256) + entropy.strip().encode("utf-8")
           remaining = list(range(1, pool_size + 1))
           chosen = []
           for i in range(n):
               c = i.to_bytes(4, "big")
               x = int.from_bytes(hashlib.sha256(c + seed + c).digest(), "big")
               chosen.append(remaining.pop(x % len(remaining)))
           return chosen        # pool ordinals of certificates 1..n

4. A re-draw pool (…-redrawK-certC) is the same tier's pool less everyone already
   drawn in that month, numbered and hashed again.
5. manifest.json lists every draw, its winners (certificate, ordinal, account) and
   the SHA-256 of every file in this bundle. protocol-*.pdf carries a PAdES digital
   signature: any change to the file breaks it. Inside the signed PDF is an attached
   file, protocol-data.json (the draws, pool hashes, entropy or tickets, winners and
   the audit head); it must equal "protocol_data" in manifest.json. The check names
   the signer's certificate by its SHA-256 fingerprint: compare it with the one the
   organisation publishes (PROTOCOL_SIGNER_CERT pins it).
6. Automatic check, no database needed: python -m engine verify --bundle this-file.zip
   Against the organiser's database: python -m engine verify --protocol protocol.pdf
   A rehearsal bundle is signed by the loopback stand-in, not by RANDOM.ORG, and
   says so.
7. In a browser: open verify.html and drop this ZIP file (or its unpacked folder) on it.
8. selfcheck-YYYY-MM.json (official draws) is the entrants' self-check, published beside the list of
   winners: per tier the pool hash, the ordinals drawn (re-draws after them, in the tier pool's numbering)
   and for ordinal i SHA-256(bytes.fromhex(pool_sha256) + "i,account,client_id" in UTF-8). Both
   automatic checks compare them with the pool texts and the draws.
"""
