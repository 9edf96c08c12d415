"""Texts of the printed documents, Kazakh first with Russian alongside.

`ts(key, **params)` returns the pair `(kk, ru)`; `both(key)` joins them as
"kk / ru" for short labels. Wording follows the official Kazakh text of the rules
(shared/seed/promotion-rules.kk.txt): "хаттама", "ұтыс ойыны", "комиссия",
"жеңімпаз", "қабылдау-тапсыру актісі", "қайталама ұтыс ойыны".
"""

from __future__ import annotations

import datetime as dt

from ui import formats
from ui.catalog import ENTRIES  # plain data, no Streamlit: the screen's wording of reasons and statuses

CATALOGUE: dict[str, tuple[str, str]] = {
    # Header and titles
    "promotion": ("«{name_kk}» акциясы", "Акция «{name_ru}»"),
    "protocol_title": (
        "Сертификаттар ұтыс ойынының хаттамасы № {number}",
        "Протокол розыгрыша сертификатов № {number}",
    ),
    "protocol_subtitle": (
        "«{name_kk}» акциясы бойынша Chocomart сертификаттарының ұтыс ойыны (талаптардың 8-тармағы)",
        "Розыгрыш сертификатов Chocomart по акции «{name_ru}» (пункт 8 условий)",
    ),
    "draw_date": ("Ұтыс ойыны өткізілген күн", "Дата проведения розыгрыша"),
    "draw_time": ("Уақыты (Алматы)", "Время (Алматы)"),
    "place": ("Өткізілген орны", "Место проведения"),
    "reporting_month": ("Есепті ай", "Отчётный месяц"),
    "method": ("Кездейсоқ сандарды алу әдісі", "Способ получения случайных чисел"),
    "not_recorded": ("көрсетілмеген", "не указано"),
    # Sections
    "sec_commission": ("Комиссия құрамы", "Состав комиссии"),
    "sec_sources": ("Бастапқы деректер файлдары", "Исходные файлы данных"),
    "sec_tiers": (
        "Ойнатылатын сертификаттар саны (2-кесте, 9-тармақ)",
        "Количество разыгрываемых сертификатов (таблица 2, пункт 9)",
    ),
    "sec_method": ("Кездейсоқ сандарды алу әдісі", "Способ получения случайных чисел"),
    "sec_pools": ("Қатысушылар пулдарының хэштері (SHA-256)", "Хэши пулов участников (SHA-256)"),
    "sec_winners": ("Жеңімпаздардың тізімі", "Список победителей"),
    "sec_redraws": ("Қайталама ұтыс ойыны (12-тармақ)", "Повторный розыгрыш (пункт 12)"),
    "sec_notices": ("Комиссияның назарына", "К сведению комиссии"),
    "sec_signatures": ("Комиссия мүшелерінің қолдары", "Подписи членов комиссии"),
    "sec_verification": ("Тексеру деректері", "Данные для проверки"),
    # Commission
    "role_chair": ("Комиссия төрағасы", "Председатель комиссии"),
    "role_secretary": ("Комиссия хатшысы", "Секретарь комиссии"),
    "role_member": ("Комиссия мүшесі", "Член комиссии"),
    "name": ("Аты-жөні", "Ф. И. О."),
    "position": ("Лауазымы", "Должность"),
    "signature": ("Қолы", "Подпись"),
    "date": ("Күні", "Дата"),
    "commission_blank": (
        "Комиссия құрамы жүйеде тіркелмеген: қолмен толтырыңыз.",
        "Состав комиссии в системе не записан: заполните от руки.",
    ),
    # Sources
    "file": ("Файл", "Файл"),
    "rows": ("Жолдар", "Строки"),
    "eligible": ("Қатысады", "Участвуют"),
    "excluded": ("Шығарылды", "Исключены"),
    "errors": ("Қателер", "Ошибки"),
    "blank_rows": ("бос жолдар", "пустые строки"),
    "excluded_by_reason": ("Шығару себептері", "Причины исключения"),
    "no_sources": ("Бастапқы файлдар тіркелмеген.", "Исходные файлы не записаны."),
    # Tiers
    "denomination": ("Номинал, теңге", "Номинал, тенге"),
    "quota": ("Квота", "Квота"),
    "carried_in": ("Ауыстырылған", "Перенесено"),
    "to_draw": ("Ойнатылады", "К розыгрышу"),
    "pool_size": ("Қатысушылар", "Участников"),
    "drawn": ("Ойнатылды", "Разыграно"),
    "carry_out": ("Келесі айға", "На след. месяц"),
    "total": ("Барлығы", "Итого"),
    "tier_not_drawn": ("ойнатылмаған", "не разыгран"),
    # Method
    "m_random-org": (
        "RANDOM.ORG, қол қойылған нәтиже (generateSignedIntegers)",
        "RANDOM.ORG, подписанный результат (generateSignedIntegers)",
    ),
    "m_offline": (
        "Офлайн әдіс: комиссия енгізген энтропия (RFC 3797, SHA-256)",
        "Офлайн-метод: энтропия, введённая комиссией (RFC 3797, SHA-256)",
    ),
    "m_none": (
        "Ойнатылмады: пул бос, сертификаттар келесі айға ауыстырылады",
        "Не разыгрывалось: пул пуст, сертификаты переносятся",
    ),
    "serial_number": ("Сериялық нөмірі", "Серийный номер"),
    "completion_time": ("Аяқталу уақыты (UTC)", "Время выполнения (UTC)"),
    "hashed_api_key": ("API кілтінің хэші (SHA-512)", "Хэш API-ключа (SHA-512)"),
    "ticket_id": ("Билет (ticket)", "Билет (ticket)"),
    "licence": ("Лицензия", "Лицензия"),
    "signature_verified": ("RANDOM.ORG қолтаңбасы тексерілді", "Подпись RANDOM.ORG проверена"),
    "signature_not_verified": ("RANDOM.ORG қолтаңбасы ТЕКСЕРІЛМЕГЕН", "Подпись RANDOM.ORG НЕ ПРОВЕРЕНА"),
    "random_numbers": ("Алынған сандар", "Полученные числа"),
    "entropy": ("Энтропия", "Энтропия"),
    "entropy_by": ("Кім енгізді, қашан", "Кто ввёл, когда"),
    "algorithm": ("Алгоритм", "Алгоритм"),
    "offline_algorithm": (
        "seed = bytes.fromhex(pool_sha256) + энтропия (UTF-8); i = 0, 1, … үшін "
        "x = SHA-256(i₄ ‖ seed ‖ i₄); жеңімпаз — қалған тізімдегі x mod n орын.",
        "seed = bytes.fromhex(pool_sha256) + энтропия (UTF-8); для i = 0, 1, … "
        "x = SHA-256(i₄ ‖ seed ‖ i₄); победитель — позиция x mod n в оставшемся списке.",
    ),
    "dev_licence_warning": (
        "НАЗАР АУДАРЫҢЫЗ: сандар RANDOM.ORG әзірлеушілік кілтімен алынған («тек әзірлеу және "
        "тестілеу үшін» лицензиясы). Нақты ұтыс үшін өндірістік кілт қажет.",
        "ВНИМАНИЕ: числа получены с ключом разработчика RANDOM.ORG (лицензия «только для "
        "разработки и тестирования»). Для настоящего розыгрыша нужен рабочий ключ.",
    ),
    # Pools
    "pool": ("Пул", "Пул"),
    "pool_hash": ("Пул хэші SHA-256", "Хэш пула SHA-256"),
    "pool_note": (
        "Пул: номиналдың қатысушылары дербес шот бойынша сұрыпталған, 1..N нөмірленген; "
        "әр жол «нөмір,дербес шот,БСН/ЖСН,номинал», UTF-8.",
        "Пул: участники номинала, отсортированные по лицевому счёту, пронумерованные 1..N; "
        "строка «номер,лицевой счёт,БИН/ИИН,номинал», UTF-8.",
    ),
    # Winners
    "certificate_no": ("Серт. №", "Серт. №"),
    "ordinal": ("Пулдағы №", "№ в пуле"),
    "account": ("Дербес шот", "Лицевой счёт"),
    "client_name": ("Клиент атауы", "Наименование клиента"),
    "client_id": ("БСН/ЖСН", "БИН/ИИН"),
    "status": ("Мәртебесі", "Статус"),
    "no_winners": ("Жеңімпаздар жоқ.", "Победителей нет."),
    "winners_tier": ("Номиналы {denomination} теңге сертификаттар", "Сертификаты номиналом {denomination} тенге"),
    "redrawn_mark": ("қайталама ұтыс", "повторный розыгрыш"),
    # Re-draws
    "previous_winner": ("Алдыңғы жеңімпаз", "Прежний победитель"),
    "reason": ("Себебі", "Причина"),
    "new_winner": ("Жаңа жеңімпаз", "Новый победитель"),
    "redraw_presence": (
        "№ {certificate} сертификаттың қайталама ұтыс ойынына ({date}) қатысқан комиссия: {names}",
        "Комиссия, присутствовавшая при повторном розыгрыше сертификата № {certificate} ({date}): {names}",
    ),
    "redraw_presence_none": (
        "Қайталама ұтыс ойындарына қатысқан комиссия құрамы жазылмаған.",
        "Состав комиссии, присутствовавшей при повторных розыгрышах, не записан.",
    ),
    "redraw_empty": ("пул бос — сертификат ауыстырылады", "пул пуст — сертификат переносится"),
    # Abandoned RANDOM.ORG tickets
    "sec_abandoned": ("Комиссия бас тартқан RANDOM.ORG билеттері", "Билеты RANDOM.ORG, от которых отказалась комиссия"),
    "abandoned_note": (
        "Бұл билеттер пайдаланылды, бірақ олардың нәтижесін тексеру мүмкін болмады; комиссия олардан "
        "себебін көрсетіп бас тартты, номинал жаңадан ойнатылды. Кез келген адам билетті нөмірі бойынша "
        "RANDOM.ORG сайтынан таба алады (api.random.org/tickets/form).",
        "Эти билеты были использованы, но их результат не удалось проверить; комиссия отказалась от них, "
        "указав причину, и номинал разыгран заново. Любой может найти билет по номеру на сайте "
        "RANDOM.ORG (api.random.org/tickets/form).",
    ),
    "abandon_failure": ("Нәтиже неге қабылданбады", "Почему результат не принят"),
    "abandon_reason": ("Комиссияның шешімі", "Решение комиссии"),
    "abandoned_by": ("Кім, қашан", "Кто, когда"),
    # Audit head and embedded data (verification)
    "audit_head": ("Аудит журналының соңғы жазбасы", "Последняя запись журнала аудита"),
    "audit_head_note": (
        "Хаттамаға қол қойылған сәттегі аудит журналының басы: дерекқордағы осы нөмірлі жазбаның "
        "SHA-256 хэші дәл осындай болуы тиіс (python -m engine verify --protocol). Хаттамаға "
        "protocol-data.json файлы тіркелген: ұтыс деректері машинамен оқылатын түрде, қолтаңбамен қорғалған.",
        "Голова журнала аудита на момент подписания протокола: SHA-256 записи с этим номером в базе "
        "данных должен быть именно таким (python -m engine verify --protocol). К протоколу приложен "
        "файл protocol-data.json: данные розыгрыша в машиночитаемом виде, защищённые подписью.",
    ),
    # Notices
    "notice_clause7_total_mismatch": (
        "7-тармақта {stated} сертификат аталған, ал 1 және 2-кестелердің жиыны — {tables}; кестелер қолданылады.",
        "В пункте 7 названо {stated} сертификатов, а таблицы 1 и 2 дают {tables}; применяются таблицы.",
    ),
    "self_signed_notice": (
        "Бұл құжатқа ұйымның сертификатымен емес, жергілікті өздігінен қол қойылған "
        "сертификатпен электрондық қол қойылған.",
        "Документ подписан электронной подписью с локальным самоподписанным сертификатом, "
        "а не сертификатом организации.",
    ),
    "signed_notice": (
        "Құжатқа PAdES электрондық қолтаңбасы қойылған; файлдың кез келген өзгерісі қолтаңбаны бұзады.",
        "Документ подписан электронной подписью PAdES; любое изменение файла нарушает подпись.",
    ),
    "late_draw": (
        "Ұтыс ойыны 8-тармақ талап еткеннен кеш өткізілді: {month_kk} үшін ұтыс {first} мен {last} "
        "аралығында өтуі тиіс еді, ол {date} өткізілді.",
        "Розыгрыш проведён позже, чем требует пункт 8: за {month_ru} он должен был пройти "
        "с {first} по {last}, а проведён {date}.",
    ),
    "rehearsal": ("ДАЙЫНДЫҚ (РЕПЕТИЦИЯ) — ЗАҢДЫ КҮШІ ЖОҚ", "РЕПЕТИЦИЯ — НЕ ИМЕЕТ ЮРИДИЧЕСКОЙ СИЛЫ"),
    "rehearsal_short": ("РЕПЕТИЦИЯ", "REHEARSAL"),
    "page": ("бет", "стр."),
    "generated": ("Құжат жасалған уақыт", "Документ сформирован"),
    "qr_caption": (
        "QR-кодта: ай, пул хэштері, RANDOM.ORG сериялық нөмірлері. Тексеру: "
        "python -m engine verify --bundle немесе --protocol.",
        "QR-код: месяц, хэши пулов, серийные номера RANDOM.ORG. Проверка: "
        "python -m engine verify --bundle или --protocol.",
    ),
    "closing": (
        "Комиссия жоғарыда көрсетілген жеңімпаздарды бекітті. Жеңімпаздар ұтыс ойыны өткізілген "
        "күннен бастап {days} күн ішінде байланысқа шығуы тиіс (12-тармақ).",
        "Комиссия утвердила указанных выше победителей. Победители должны выйти на связь "
        "в течение {days, plural, one {# дня} other {# дней}} со дня розыгрыша (пункт 12).",
    ),
    # Acts (clauses 13-15, 18)
    "act_title": ("Сертификатты қабылдау-тапсыру актісі", "Акт приёма-передачи сертификата"),
    "act_intro": (
        "«{name_kk}» акциясы талаптарының 13-тармағына сәйкес {organiser_kk} (бұдан әрі — Ұйымдастырушы) "
        "тапсырады, ал жеңімпаз сыйлық сертификатын қабылдайды.",
        "В соответствии с пунктом 13 условий акции «{name_ru}» {organiser_ru} (далее — Организатор) "
        "передаёт, а победитель принимает подарочный сертификат.",
    ),
    "winner_data": ("Жеңімпаз туралы мәліметтер", "Сведения о победителе"),
    "certificate_data": ("Сертификат туралы мәліметтер", "Сведения о сертификате"),
    "certificate": ("Сертификат", "Сертификат"),
    "certificate_kind": ("Chocomart сыйлық сертификаты", "Подарочный сертификат Chocomart"),
    "value": ("Бағалау құны", "Стоимость"),
    "certificate_serial": ("Сертификаттың сериялық нөмірі", "Серийный номер сертификата"),
    "protocol_ref": ("Ұтыс ойынының хаттамасы", "Протокол розыгрыша"),
    "id_document": ("Жеке басын куәландыратын құжат", "Документ, удостоверяющий личность"),
    "phone": ("Телефон", "Телефон"),
    "region": ("Өңір", "Регион"),
    "proxy": (
        "Сенім білдірілген тұлға (18-т.), нотариалды сенімхат № ______ күні ________",
        "Доверенное лицо (п. 18), нотариальная доверенность № ______ от ________",
    ),
    "act_terms": (
        "Сертификат ақшалай баламаға айырбасталмайды және басқа сертификатқа ауыстырылмайды (17-т.). "
        "Тиісті салықтарды «Қазақтелеком» АҚ төлейді (16-т.).",
        "Сертификат не обменивается на денежный эквивалент и на другой сертификат (п. 17). "
        "Налоги уплачивает АО «Казахтелеком» (п. 16).",
    ),
    "handed_over": ("Тапсырды (Ұйымдастырушы өкілі)", "Передал (представитель Организатора)"),
    "received": ("Қабылдады (жеңімпаз немесе сенім білдірілген тұлға)", "Принял (победитель или доверенное лицо)"),
    "handover_title": ("Сертификатты тапсыру хаттамасы", "Протокол вручения сертификата"),
    "handover_intro": (
        "Талаптардың 14-тармағына сәйкес Қоғамның филиалы сертификатты жеңімпазға тапсырды.",
        "В соответствии с пунктом 14 условий филиал Общества вручил сертификат победителю.",
    ),
    "branch": ("Филиал", "Филиал"),
    "approve": ("БЕКІТЕМІН: филиал директоры", "УТВЕРЖДАЮ: директор филиала"),
    "handover_date": ("Тапсырылған күні", "Дата вручения"),
    "branch_staff": ("Филиал өкілі", "Представитель филиала"),
    "winner_sign": ("Жеңімпаз", "Победитель"),
    "act_refusal": (
        "Жеке басын куәландыратын құжат болмаса немесе жеңімпаз актіге қол қоюдан бас тартса, "
        "сертификат берілмейді (15-т.).",
        "Без документа, удостоверяющего личность, или при отказе победителя подписать акт "
        "сертификат не выдаётся (п. 15).",
    ),
    # Publication and accounting
    "publish_title": ("«{name_kk}» акциясының жеңімпаздары, {month_kk}", "Победители акции «{name_ru}», {month_ru}"),
    "month": ("Ай", "Месяц"),
    "accounting_title": ("Тапсырылған сертификаттар (16-тармақ)", "Вручённые сертификаты (пункт 16)"),
    "claimed_on": ("Тапсырылған күні", "Дата вручения"),
    "face_value": ("Номиналдық құны, теңге", "Номинальная стоимость, тенге"),
    "count": ("Саны", "Количество"),
    "tenge": ("теңге", "тенге"),
}


def ts(key: str, **params: object) -> tuple[str, str]:
    """The (Kazakh, Russian) pair for `key`, formatted with `params` (plural blocks as in ui.catalog)."""
    kk, ru = CATALOGUE[key]
    if params:
        kk = formats.choose_plurals(kk, "kk", params).format(**params)
        ru = formats.choose_plurals(ru, "ru", params).format(**params)
    return kk, ru


def both(key: str, sep: str = " / ", **params: object) -> str:
    kk, ru = ts(key, **params)
    return kk if kk == ru else f"{kk}{sep}{ru}"


# Months, dates and numbers: Babel (CLDR) through ui.formats, as on screen. A narrow no-break space
# (CLDR's "2021 г.") becomes a plain no-break space, which every PDF font has.


def _nbsp(text: str) -> str:
    return text.replace("\u202f", "\u00a0")


def month_words(month: str) -> tuple[str, str]:
    """'2021-03' -> ('2021 жылғы наурыз', 'март 2021 г.')."""
    return _nbsp(formats.month_in_document(month, "kk")), _nbsp(formats.month_in_document(month, "ru"))


def date_words(day: dt.date) -> tuple[str, str]:
    """date(2021, 4, 5) -> ('2021 жылғы 5 сәуір', '5 апреля 2021 г.')."""
    return _nbsp(formats.date_in_words(day, "kk")), _nbsp(formats.date_in_words(day, "ru"))


def date_figures(day: dt.date) -> str:
    """date(2021, 4, 5) -> '05.04.2021' (the same in Kazakh and Russian)."""
    return formats.date(day, "ru")


def clock(instant: dt.datetime) -> str:
    """'11:02': an instant as a clock in Almaty reads it."""
    return f"{formats.local_time(instant):%H:%M}"


def almaty_time(instant: dt.datetime, *, date: bool = True) -> str:
    """'05.04.2021 11:02 (UTC+6)': Almaty time with the offset tzdata gives for that day
    (Kazakhstan has been on UTC+5 since 1 March 2024)."""
    local = formats.local_time(instant)
    hours = int(local.utcoffset().total_seconds() // 3600)
    text = f"{clock(instant)} (UTC{hours:+d})"
    return f"{date_figures(local.date())} {text}" if date else text


def money(amount: int) -> str:
    """13590000 -> '13 590 000' (no-break spaces keep it on one line)."""
    return _nbsp(formats.number(amount, "ru"))


def _screen_words(key: str) -> tuple[str, str] | None:
    texts = ENTRIES.get(key)
    return (texts[0], texts[1]) if texts else None


def reason_name(reason: str) -> tuple[str, str]:
    """An exclusion reason worded as the screen words it (ui.catalog "reason.*")."""
    return _screen_words(f"reason.{reason}") or (reason, reason)


def status_name(status: str) -> tuple[str, str]:
    """A winner's status (and a re-draw's cause: unclaimed, forfeited) worded as on screen ("status.*")."""
    return _screen_words(f"status.{status}") or (status, status)


def method_name(method: str) -> tuple[str, str]:
    key = f"m_{method}"
    return ts(key) if key in CATALOGUE else (method, method)


def role_name(role: str) -> tuple[str, str]:
    key = f"role_{role}"
    return ts(key) if key in CATALOGUE else (role, role)


def notice_text(notice) -> tuple[str, str]:
    """An engine `Notice` in both languages (English text when no catalogue entry)."""
    key = f"notice_{notice.code}"
    if key in CATALOGUE:
        return ts(key, **dict(notice.params))
    return notice.text, notice.text
