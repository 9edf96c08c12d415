"""Hand-built, realistic `MonthRecord`s for the document tests.

They do what the engine does (canonical pool text, SHA-256, RFC 3797 offline
selection, a signed RANDOM.ORG-shaped response) with their own small
reference code, so the reports and the bundle verifier are checked against an
independent implementation. The "RANDOM.ORG" signature comes from a test key
(`TEST_KEY_PEM`), like the loopback stand-in's.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import random
from dataclasses import replace
from functools import lru_cache

from engine.ids import check_digit
from engine.records import (
    CommissionMember,
    DrawRecord,
    ImportRecord,
    MonthRecord,
    PoolRecord,
    WinnerRecord,
)

DEV_LICENCE = "Random values licensed strictly for development and testing only"
UTC = dt.UTC

SURNAMES = (
    "Асқаров",
    "Бекмұхамбетов",
    "Жұмабаева",
    "Әбдіқадыров",
    "Нұрғалиева",
    "Серікбаев",
    "Тоқтарова",
    "Оспанов",
    "Қасымов",
    "Өтегенова",
    "Ғабитов",
    "Ілиясов",
    "Һашимов",
    "Иванов",
    "Ким",
    "Құдайбергенова",
    "Үсенов",
    "Мұқанова",
    "Шәкәрімов",
    "Ахметова",
)
GIVEN = (
    "Бауыржан",
    "Гүлнұр",
    "Ерлан",
    "Әсел",
    "Дәурен",
    "Айгүл",
    "Нұрсұлтан",
    "Мөлдір",
    "Қанат",
    "Сәуле",
    "Ұлан",
    "Жанар",
    "Ғалым",
    "Ирина",
    "Сергей",
)
COMPANIES = (
    "Нұр-Сауда",
    "Алтын Дән",
    "Qazaq Logistics",
    "Дала Агро",
    "Өрнек Строй",
    "Шаңырақ Сервис",
    "Көкжиек",
    "Best Trade KZ",
    "Ақ Бұлақ",
    "Жібек Жолы",
)


def make_id(rng: random.Random, legal: bool) -> str:
    while True:
        if legal:  # BIN: YYMM + 4 (legal entity) + ...
            first = f"{rng.randint(0, 20):02d}{rng.randint(1, 12):02d}4{rng.randint(0, 999999):06d}"
        else:  # IIN: YYMMDD + century/sex + ...
            first = (
                f"{rng.randint(60, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                f"{rng.choice('3456')}{rng.randint(0, 9999):04d}"
            )
        check = check_digit(first)
        if check is not None:
            return first + str(check)


def make_name(rng: random.Random, legal: bool) -> str:
    if legal:
        return f"{rng.choice(('ЖШС', 'ТОО'))} «{rng.choice(COMPANIES)}»"
    return f"{rng.choice(('ЖК', 'ИП'))} {rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def canonical(members: list[tuple[str, str]], denomination: int) -> str:
    """members: (account, client_id), any order -> canonical pool text."""
    ordered = sorted(members)
    return "".join(f"{i},{a},{c},{denomination}\n" for i, (a, c) in enumerate(ordered, 1))


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def offline_ordinals(pool_sha256: str, entropy: str, pool_size: int, n: int) -> list[int]:
    """RULES.md step 3, written out independently of the engine."""
    seed = bytes.fromhex(pool_sha256) + entropy.strip().encode("utf-8")
    remaining = list(range(1, pool_size + 1))
    chosen = []
    for i in range(min(n, pool_size)):
        ib = i.to_bytes(4, "big")
        x = int.from_bytes(hashlib.sha256(ib + seed + ib).digest(), "big")
        chosen.append(remaining.pop(x % len(remaining)))
    return chosen


@lru_cache(maxsize=1)
def _test_key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def standin_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization

    return (
        _test_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def signed_response(
    month: str,
    denomination: int,
    pool_sha256: str,
    pool_size: int,
    n: int,
    serial: int,
    completion: str,
    rng: random.Random,
    licence: str = DEV_LICENCE,
    certificate: int | None = None,
    ticket_id: str | None = None,
) -> tuple[str, dict]:
    """A generateSignedIntegers result shaped like RANDOM.ORG's, signed with the test key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    data = rng.sample(range(1, pool_size + 1), min(n, pool_size))
    random_obj = {
        "method": "generateSignedIntegers",
        "hashedApiKey": base64.b64encode(hashlib.sha512(b"test-api-key").digest()).decode(),
        "n": len(data),
        "min": 1,
        "max": pool_size,
        "replacement": False,
        "base": 10,
        "pregeneratedRandomization": None,
        "data": data,
        "license": {"type": "developer", "text": licence, "infoUrl": None},
        "licenseData": None,
        "userData": {
            "month": month,
            "denomination": denomination,
            "pool_sha256": pool_sha256,
            **({"certificate": certificate} if certificate else {}),
        },
        "ticketData": {"ticketId": ticket_id, "previousTicketId": None, "nextTicketId": None} if ticket_id else None,
        "completionTime": completion,
        "serialNumber": serial,
    }
    raw = json.dumps(random_obj, separators=(",", ":"), ensure_ascii=False)
    signature = _test_key().sign(raw.encode("utf-8"), padding.PKCS1v15(), hashes.SHA512())
    text = '{"random":' + raw + ',"signature":"' + base64.b64encode(signature).decode() + '"}'
    return text, random_obj


COMMISSION = (
    CommissionMember("chair", "Сәрсенбаев Ерлан Қайратұлы", "Корпоративтік бизнес дирекциясының директоры"),
    CommissionMember("member", "Жұмабаева Әсел Нұрланқызы", "Маркетинг бөлімінің басшысы"),
    CommissionMember("member", "Ким Сергей Викторович", "Главный юрисконсульт"),
    CommissionMember("member", "Һашимова Гүлнұр Бақытқызы", "Қаржы бөлімінің бас маманы"),
    CommissionMember("secretary", "Ілиясов Дәурен Ғалымұлы", "Менеджер по продажам ЦКП"),
)

# (denomination, quota, carried_in, pool size) per month
PLANS = {
    "offline": ("2021-03", [(100000, 2, 0, 5), (70000, 8, 0, 14), (50000, 15, 0, 40)]),
    "random-org": ("2021-04", [(100000, 2, 1, 3), (70000, 8, 0, 7), (50000, 15, 0, 31)]),
}


def month_record(
    method: str = "offline", *, rehearsal: bool = False, commission: bool = True, redraw: bool = True, seed: int = 2021
) -> MonthRecord:
    """A drawn month: three tiers, 25 winners, one re-draw of certificate 3 of 50 000."""
    rng = random.Random(f"{seed}-{method}")
    month, plan = PLANS[method]
    year, mon = int(month[:4]), int(month[5:7])
    draw_date = dt.date(year, mon + 1, 5)
    start = dt.datetime(year, mon + 1, 5, 5, 0, tzinfo=UTC)  # 11:00 in Almaty
    entropy = "4 1 6 6 2 3 5 1 2 6 3 4 (dice, rolled by the commission)"
    draws: list[DrawRecord] = []
    pools_by_den = {}
    serial = 100 * mon
    next_id = 1
    wid = 1
    for den, quota, carried_in, size in plan:
        members = []
        for _ in range(size):
            legal = rng.random() < 0.35
            account = str(rng.randint(1_000_000_000, 9_999_999_999))
            members.append((account, make_id(rng, legal), make_name(rng, legal)))
        names = {a: (c, n) for a, c, n in members}
        text = canonical([(a, c) for a, c, _ in members], den)
        pool_hash = sha(text)
        to_draw = quota + carried_in
        n = min(to_draw, size)
        extra = {}
        if method == "offline":
            ordinals = offline_ordinals(pool_hash, entropy, size, n)
            extra = dict(entropy=entropy)
        else:
            serial += 1
            completion = f"{draw_date.isoformat()} 05:{next_id:02d}:17Z"
            ticket = f"{rng.getrandbits(64):016x}"
            raw, obj = signed_response(month, den, pool_hash, size, n, serial, completion, rng, ticket_id=ticket)
            ordinals = obj["data"]
            extra = dict(
                ticket_id=ticket,
                signed_random=raw,
                serial_number=serial,
                completion_time=completion,
                hashed_api_key=obj["hashedApiKey"],
                license_text=DEV_LICENCE,
                development_licence=True,
                signature_verified=True,
            )
        lines = text.splitlines()
        pool = PoolRecord(next_id, month, den, size, pool_hash, text, "draw")
        pools_by_den[den] = (lines, names, ordinals)
        winners = []
        for cert, ordinal in enumerate(ordinals, 1):
            _, account, client_id, _ = lines[ordinal - 1].split(",")
            winners.append(
                WinnerRecord(
                    id=wid,
                    draw_id=next_id,
                    month=month,
                    denomination=den,
                    certificate=cert,
                    ordinal=ordinal,
                    account=account,
                    client_id=client_id,
                    client_name=names[account][1],
                    status="claimed" if cert % 4 == 1 else "contacted",
                    status_changed_at=start + dt.timedelta(days=3 + cert % 5),
                    deadline=draw_date + dt.timedelta(days=14),
                    certificate_serial=f"CHM-{den // 1000}K-{rng.randint(100000, 999999)}" if cert % 4 == 1 else "",
                    phone=f"+7 70{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                    region=rng.choice(("Алматы", "Астана", "Шымкент", "Қарағанды", "Ақтөбе")),
                )
            )
            wid += 1
        draws.append(
            DrawRecord(
                id=next_id,
                month=month,
                denomination=den,
                kind="draw",
                rehearsal=rehearsal,
                method=method,
                status="done",
                quota=quota,
                carried_in=carried_in,
                to_draw=to_draw,
                drawn=n,
                carry_out=to_draw - n,
                draw_date=draw_date,
                started_at=start + dt.timedelta(minutes=next_id),
                finished_at=start + dt.timedelta(minutes=next_id, seconds=20),
                place="Алматы қ., Абай даңғылы, 86",
                pool=pool,
                winners=tuple(winners),
                **extra,
            )
        )
        next_id += 1

    # Re-draw of certificate 3 of 50 000: the first winner did not get in touch (clause 12).
    draws.sort(key=lambda d: d.denomination)
    if redraw:
        idx = next(i for i, d in enumerate(draws) if d.denomination == 50000)
        original = draws[idx]
        lines, names, _ = pools_by_den[50000]
        old = next(w for w in original.winners if w.certificate == 3)
        drawn_accounts = {w.account for w in original.winners}
        rest = [(ln.split(",")[1], ln.split(",")[2]) for ln in lines if ln.split(",")[1] not in drawn_accounts]
        text = canonical(rest, 50000)
        pool_hash = sha(text)
        rlines = text.splitlines()
        redraw_date = draw_date + dt.timedelta(days=15)
        rstart = dt.datetime.combine(redraw_date, dt.time(6, 0), tzinfo=UTC)
        if method == "offline":
            r_entropy = "2 5 5 1 6 3 (re-draw)"
            ordinal = offline_ordinals(pool_hash, r_entropy, len(rest), 1)[0]
            extra = dict(entropy=r_entropy)
        else:
            serial += 1
            completion = f"{redraw_date.isoformat()} 06:00:41Z"
            ticket = f"{rng.getrandbits(64):016x}"
            raw, obj = signed_response(
                month, 50000, pool_hash, len(rest), 1, serial, completion, rng, certificate=3, ticket_id=ticket
            )
            ordinal = obj["data"][0]
            extra = dict(
                ticket_id=ticket,
                signed_random=raw,
                serial_number=serial,
                completion_time=completion,
                hashed_api_key=obj["hashedApiKey"],
                license_text=DEV_LICENCE,
                development_licence=True,
                signature_verified=True,
            )
        _, account, client_id, _ = rlines[ordinal - 1].split(",")
        new = WinnerRecord(
            id=wid,
            draw_id=next_id,
            month=month,
            denomination=50000,
            certificate=3,
            ordinal=ordinal,
            account=account,
            client_id=client_id,
            client_name=names[account][1],
            status="drawn",
            status_changed_at=rstart,
            deadline=redraw_date + dt.timedelta(days=14),
            phone="+7 701 555 0101",
            region="Алматы",
        )
        winners = tuple(
            replace(w, current=False, status="unclaimed", note="14 күн ішінде байланысқа шықпады")
            if w.certificate == 3
            else w
            for w in original.winners
        )
        draws[idx] = replace(original, winners=winners)
        draws.append(
            DrawRecord(
                id=next_id,
                month=month,
                denomination=50000,
                kind="redraw",
                rehearsal=rehearsal,
                method=method,
                status="done",
                quota=0,
                carried_in=0,
                to_draw=1,
                drawn=1,
                carry_out=0,
                draw_date=redraw_date,
                started_at=rstart,
                finished_at=rstart + dt.timedelta(seconds=12),
                place="Алматы қ., Абай даңғылы, 86",
                pool=PoolRecord(next_id, month, 50000, len(rest), pool_hash, text, "redraw"),
                redraw_of_certificate=3,
                redraw_reason="unclaimed",
                winners=(new,),
                **extra,
            )
        )
        assert old.account not in {m[0] for m in rest}

    imports = (
        ImportRecord(
            id=1,
            file_name=f"iskerlik-usynys-{month}.xlsx",
            file_sha256=hashlib.sha256(f"file {month}".encode()).hexdigest(),
            sheet="Қатысушылар",
            month=month,
            rows_data=142,
            rows_blank=2,
            eligible=sum(p[3] for p in plan),
            excluded=142 - sum(p[3] for p in plan) - 3,
            errors=3,
            excluded_by_reason=(
                ("fee_below_minimum", 31),
                ("not_new_client", 22),
                ("outside_period", 9),
                ("disconnected", 4),
                ("duplicate_client", 3),
            ),
            imported_at=start - dt.timedelta(days=1),
        ),
    )
    imports = (
        replace(
            imports[0],
            excluded=sum(n for _, n in imports[0].excluded_by_reason),
            rows_data=sum(n for _, n in imports[0].excluded_by_reason) + imports[0].eligible + 3,
        ),
    )
    return MonthRecord(
        month=month,
        rehearsal=rehearsal,
        protocol_number=f"ИҰ-{month}",
        draw_date=draw_date,
        place="Алматы қ., Абай даңғылы, 86, «Қазақтелеком» АҚ",
        commission=COMMISSION if commission else (),
        imports=imports,
        draws=tuple(draws),
    )
