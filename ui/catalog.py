"""Every user-facing string of the app: key -> (Kazakh, Russian, English).

`ui.i18n` splits this table into the three catalogues. Fields in braces are
filled by `t(key, name=value)`. Terms follow the official Kazakh text of the
rules: ұтыс ойыны (draw), хаттама (protocol), комиссия, жеңімпаз (winner),
сертификат, қабылдау-тапсыру актісі (acceptance act).
"""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str, str]] = {
    # ---- app, pages
    "app.title": ("«Іскерлік ұсыныс» ұтыс ойыны", "Розыгрыш «Деловое предложение»", "“Business Offer” draw"),
    "page.login": ("Кіру", "Вход", "Sign in"),
    "page.home": ("Басты бет", "Главная", "Home"),
    "page.upload": ("Жүктеу және алдын ала қарау", "Загрузка и просмотр", "Upload and preview"),
    "page.draw": ("Тікелей ұтыс ойыны", "Розыгрыш в прямом эфире", "Live draw"),
    "page.charts": ("Айлық графиктер", "Графики по месяцам", "Monthly charts"),
    "page.claims": ("Жеңімпаздар мен сыйлықтар", "Победители и вручение", "Winners and claims"),
    "page.documents": ("Құжаттар", "Документы", "Documents"),
    "page.settings": ("Баптаулар", "Настройки", "Settings"),
    # ---- access
    "auth.sign_in_oidc": (
        "Ұйым аккаунтымен кіру",
        "Войти через учётную запись организации",
        "Sign in with your organisation account",
    ),
    "auth.user_name": ("Пайдаланушы аты", "Имя пользователя", "User name"),
    "auth.password": ("Құпиясөз", "Пароль", "Password"),
    "auth.sign_in": ("Кіру", "Войти", "Sign in"),
    "error.incident": (
        "Күтпеген қате шықты. Әкімшіге оқиға нөмірін айтыңыз: {id}. Толық мәлімет сервер журналында.",
        "Произошла непредвиденная ошибка. Сообщите администратору номер инцидента: {id}. Подробности — в журнале сервера.",
        "Something unexpected went wrong. Give the administrator incident number {id}. The details are in the server log.",
    ),
    "auth.wrong": (
        "Пайдаланушы аты немесе құпиясөз қате.",
        "Неверное имя пользователя или пароль.",
        "Wrong user name or password.",
    ),
    "auth.wait": (
        "Бұл пайдаланушы атымен қате әрекет тым көп. {seconds} секундтан кейін қайталап көріңіз.",
        "Слишком много неудачных попыток для этого имени пользователя. Повторите через {seconds} с.",
        "Too many wrong tries for this user name. Try again in {seconds} s.",
    ),
    "auth.view_as": ("Рөл ретінде қарау", "Смотреть как роль", "View as role"),
    "auth.view_as_help": (
        "Қолжетімділік бақылауы өшірулі: әр рөлдің не көретінін тексеру үшін рөлді таңдаңыз.",
        "Контроль доступа выключен: выберите роль, чтобы увидеть, что ей доступно.",
        "Access control is off: pick a role to see what it can open.",
    ),
    "auth.signed_in_as": ("Кірген: {name} ({role})", "Вы вошли как {name} ({role})", "Signed in as {name} ({role})"),
    "auth.sign_out": ("Шығу", "Выйти", "Sign out"),
    "auth.no_role": (
        "{name}, сізге рөл берілмеген. Әкімшіге хабарласыңыз.",
        "{name}, вам не назначена роль. Обратитесь к администратору.",
        "{name}, no role has been given to you. Ask an administrator.",
    ),
    "auth.not_allowed": (
        "Бұл бетті ашуға рұқсатыңыз жоқ.",
        "У вас нет доступа к этой странице.",
        "You are not allowed to open this page.",
    ),
    "role.commission": ("Комиссия", "Комиссия", "Commission"),
    "role.staff": ("Қызметкер", "Сотрудник", "Staff"),
    "role.manager": ("Басшы", "Руководитель", "Manager"),
    "role.admin": ("Әкімші", "Администратор", "Administrator"),
    "banner.access_off": (
        "Демо-режим: қолжетімділік бақылауы өшірулі. Пайдаланушыларды .streamlit/secrets.toml файлында баптаңыз.",
        "Демо-режим: контроль доступа выключен. Настройте пользователей в .streamlit/secrets.toml.",
        "Demo mode: access control is off. Configure users in .streamlit/secrets.toml.",
    ),
    "banner.rehearsal": (
        "РЕПЕТИЦИЯ — бұл жердегі ешбір ұтыс есепке алынбайды",
        "РЕПЕТИЦИЯ — ни один розыгрыш здесь не засчитывается",
        "REHEARSAL — nothing drawn here counts",
    ),
    "rehearsal.toggle": ("Репетиция режимі", "Режим репетиции", "Rehearsal mode"),
    "rehearsal.help": (
        "Ұтыс RANDOM.ORG орнына жергілікті сынақ серверімен өтеді және нәтижесі есепке алынбайды.",
        "Розыгрыш идёт через локальный тестовый сервер вместо RANDOM.ORG и не засчитывается.",
        "Draws use the local stand-in instead of RANDOM.ORG and never count.",
    ),
    # ---- common
    "common.download_csv": ("CSV жүктеп алу", "Скачать CSV", "Download CSV"),
    "common.certificate_of": ("{value} ₸", "{value} ₸", "{value} ₸"),
    "common.month": ("Есепті ай", "Отчётный месяц", "Reporting month"),
    "common.months": ("Айлар", "Месяцы", "Months"),
    "common.tiers": ("Номиналдар", "Номиналы", "Tiers"),
    "common.none_yet": ("Әзірге дерек жоқ.", "Данных пока нет.", "No data yet."),
    "common.nothing_drawn": (
        "Әзірге бірде-бір ай ойнатылған жоқ.",
        "Пока не разыгран ни один месяц.",
        "No month has been drawn yet.",
    ),
    "common.yes": ("иә", "да", "yes"),
    "common.no": ("жоқ", "нет", "no"),
    # ---- notices from the engine
    "notice.clause7_total_mismatch": (
        "Назар аударыңыз: талаптардың 7-тармағында {stated} сертификат деп жазылған, ал 1 және 2-кестелердің қосындысы — {tables}. Кестелер қолданылады.",
        "Обратите внимание: в пункте 7 условий указано {stated} сертификатов, а таблицы 1 и 2 дают в сумме {tables}. Применяются таблицы.",
        "Note: clause 7 of the rules names {stated} certificates, but Tables 1 and 2 total {tables}. The tables are applied.",
    ),
    "notice.month_outside_table": (
        "{month} — 2-кестедегі есепті ай емес.",
        "{month} — не отчётный месяц таблицы 2.",
        "{month} is not a reporting month of Table 2.",
    ),
    "notice.no_data_rows": (
        "Парақта тақырыптар бар, бірақ деректер жолдары жоқ.",
        "На листе есть заголовки, но нет строк с данными.",
        "The sheet has headers but no data rows.",
    ),
    # ---- row counts, columns
    "rows.data": ("Деректер жолдары", "Строк данных", "Data rows"),
    "rows.eligible": ("Қатысушылар", "Участники", "Eligible"),
    "rows.excluded": ("Шығарылған", "Исключено", "Excluded"),
    "rows.errors": ("Қателер", "Ошибки", "Errors"),
    "rows.blank": ("Бос жолдар", "Пустые строки", "Blank rows"),
    "col.tier": ("Номинал", "Номинал", "Tier"),
    "col.eligible": ("Қатысушылар", "Участники", "Participants"),
    "col.quota": ("Квота (2-кесте)", "Квота (таблица 2)", "Quota (Table 2)"),
    "col.carried_in": ("Ауыстырылған", "Перенесено", "Carried in"),
    "col.to_draw": ("Ойнатылады", "К розыгрышу", "To draw"),
    "col.drawn": ("Ойнатылды", "Разыграно", "Drawn"),
    "col.carry_out": ("Келесі айға", "На следующий месяц", "Carried over"),
    "col.unplayed": ("Ойнатылмаған", "Неразыгранные", "Unplayed"),
    "col.count": ("Саны", "Количество", "Count"),
    "col.row": ("Жол", "Строка", "Row"),
    "col.account": ("Дербес шот", "Лицевой счёт", "Account"),
    "col.client": ("Клиент", "Клиент", "Client"),
    "col.client_id": ("БСН/ЖСН", "БИН/ИИН", "BIN/IIN"),
    "col.column": ("Баған", "Столбец", "Column"),
    "col.field": ("Өріс", "Поле", "Field"),
    "col.message": ("Не дұрыс емес", "Что не так", "What is wrong"),
    "col.file": ("Файл", "Файл", "File"),
    "col.excluded": ("Шығарылған", "Исключено", "Excluded"),
    "col.errors": ("Қателер", "Ошибки", "Errors"),
    "col.reason": ("Себебі", "Причина", "Reason"),
    "col.certificate": ("Сертификат №", "Сертификат №", "Certificate no."),
    "col.status": ("Мәртебесі", "Статус", "Status"),
    "col.deadline": ("Мерзімі", "Срок", "Deadline"),
    "col.days_left": ("Қалған күн", "Осталось дней", "Days left"),
    "col.phone": ("Телефон", "Телефон", "Phone"),
    "col.region": ("Өңір", "Регион", "Region"),
    "col.serial": ("Сертификат сериясы", "Серийный номер сертификата", "Certificate serial"),
    "col.note": ("Ескертпе", "Примечание", "Note"),
    "col.face_value": ("Номиналдық құны, ₸", "Номинальная стоимость, ₸", "Face value, ₸"),
    "col.pool_size": ("Пул көлемі", "Размер пула", "Pool size"),
    "col.pool_hash": ("Пул хэші (SHA-256)", "Хэш пула (SHA-256)", "Pool hash (SHA-256)"),
    "col.method": ("Әдіс", "Способ", "Method"),
    "col.when": ("Уақыты", "Время", "When"),
    "col.when_utc": ("Уақыты (UTC)", "Время (UTC)", "When (UTC)"),
    "col.action": ("Әрекет", "Действие", "Action"),
    "col.actor": ("Кім", "Кто", "Who"),
    "col.check": ("Тексеру", "Проверка", "Check"),
    "col.result": ("Нәтиже", "Результат", "Result"),
    "col.detail": ("Толығырақ", "Подробности", "Detail"),
    "col.role": ("Рөлі", "Роль", "Role"),
    "col.name": ("Аты-жөні", "Ф. И. О.", "Name"),
    "col.position": ("Лауазымы", "Должность", "Position"),
    "col.min_fee": ("Төлем, бастап ₸", "Плата от, ₸", "Fee from, ₸"),
    "col.max_fee": ("Төлем, дейін ₸", "Плата до, ₸", "Fee below, ₸"),
    "col.total": ("Барлығы", "Всего", "Total"),
    # ---- exclusion reasons
    "reason.client_type": (
        "Клиент түрі ЖК немесе ЖШС емес",
        "Тип клиента не ИП и не ТОО",
        "Client type is not IE or LLP",
    ),
    "reason.outside_period": (
        "Акция мерзімінен тыс қосылған",
        "Подключён вне срока акции",
        "Connected outside the promotion period",
    ),
    "reason.fee_below_minimum": (
        "Абоненттік төлем ең төменгі мөлшерден аз",
        "Абонентская плата ниже минимальной",
        "Monthly fee below the minimum",
    ),
    "reason.not_new_client": ("Жаңа клиент емес", "Не новый клиент", "Not a new client"),
    "reason.disconnected": ("Ұтыс ойынына дейін ажыратылған", "Отключён до розыгрыша", "Disconnected before the draw"),
    "reason.merged_accounts": ("Дербес шоттар біріктірілген", "Объединение лицевых счетов", "Personal accounts merged"),
    "reason.duplicate_account": ("Дербес шот қайталанады", "Повтор лицевого счёта", "Duplicate account"),
    "reason.duplicate_client": (
        "Клиент қайталанады (БСН/ЖСН)",
        "Повтор клиента (БИН/ИИН)",
        "Duplicate client (BIN/IIN)",
    ),
    "reason.already_participated": (
        "Ертерек айда қатысқан",
        "Уже участвовал в более раннем месяце",
        "Already took part in an earlier month",
    ),
    "reason.other_month": ("Басқа есепті ай", "Другой отчётный месяц", "Another reporting month"),
    # ---- spreadsheet fields
    "field.account": ("Дербес шот", "Лицевой счёт", "Account"),
    "field.client_id": ("БСН/ЖСН", "БИН/ИИН", "BIN/IIN"),
    "field.client_name": ("Клиент атауы", "Наименование клиента", "Client name"),
    "field.client_type": ("Клиент түрі", "Тип клиента", "Client type"),
    "field.connected_on": ("Қосылған күні", "Дата подключения", "Connection date"),
    "field.monthly_fee": ("Абоненттік төлем", "Абонентская плата", "Monthly fee"),
    "field.plan": ("Тарифтік жоспар", "Тарифный план", "Plan"),
    "field.previous_service_until": (
        "Алдыңғы қызмет аяқталған күн",
        "Дата окончания предыдущих услуг",
        "Previous service until",
    ),
    "field.new_client": ("Жаңа клиент", "Новый клиент", "New client"),
    "field.disconnected_on": ("Ажырату күні", "Дата отключения", "Disconnected on"),
    "field.merged_accounts": ("Шоттар біріктірілген", "Объединение лицевых счетов", "Merged accounts"),
    "field.phone": ("Телефон", "Телефон", "Phone"),
    "field.email": ("Эл. пошта", "Эл. почта", "Email"),
    "field.region": ("Өңір", "Регион", "Region"),
    # ---- winner statuses
    "status.drawn": ("Ұтып алды, байланыс жоқ", "Выиграл, связи ещё нет", "Drawn, not yet contacted"),
    "status.contacted": ("Байланысқа шықты", "На связи", "Contacted"),
    "status.claimed": ("Тапсырылды", "Вручён", "Handed over"),
    "status.unclaimed": ("14 күн ішінде хабарласпады", "Не вышел на связь за 14 дней", "No contact within 14 days"),
    "status.forfeited": ("Сыйлықтан айырылды", "Лишён приза", "Forfeited"),
    # ---- home
    "home.period": (
        "Акция мерзімі: {start} – {end}",
        "Срок акции: {start} – {end}",
        "Promotion period: {start} – {end}",
    ),
    "home.next_month": ("Келесі ойнатылатын ай", "Следующий месяц к розыгрышу", "Next month to draw"),
    "home.next_draw": ("Келесі ұтыс ойыны", "Следующий розыгрыш", "Next draw"),
    "home.next_draw_help": (
        "Ұтыс ойыны есепті айдан кейінгі айда өтеді (8-тармақ).",
        "Розыгрыш проводится в месяце, следующем за отчётным (пункт 8).",
        "The draw takes place in the month after the reporting month (clause 8).",
    ),
    "home.all_drawn": ("Барлығы ойнатылды", "Всё разыграно", "All drawn"),
    "home.months_drawn": ("Ойнатылған айлар", "Разыграно месяцев", "Months drawn"),
    "home.certificates_drawn": ("Ойнатылған сертификаттар", "Разыграно сертификатов", "Certificates drawn"),
    "home.budget": (
        "Тапсырылған сертификаттар: {handed} / бюджет {budget}",
        "Вручено сертификатов на {handed} из бюджета {budget}",
        "Certificates handed over: {handed} of the {budget} budget",
    ),
    "home.steps": ("Ай ұтысын қалай өткізу керек", "Как провести розыгрыш месяца", "How to run a month's draw"),
    "home.step.upload": (
        "Айдың кестесін жүктеңіз (немесе демо айды таңдаңыз), әр жолды тексеріп, «Ұтыс ойынына бекіту» батырмасын басыңыз.",
        "Загрузите таблицу месяца (или выберите демо-месяц), проверьте каждую строку и нажмите «Зафиксировать для розыгрыша».",
        "Upload the month's spreadsheet (or pick the demo month), check every row, then press \u201cFreeze for the draw\u201d.",
    ),
    "home.step.draw": (
        "Әр номинал бойынша: пул хэшін көрсетіңіз, комиссияның қатысуын растаңыз, RANDOM.ORG-тан сандарды сұраңыз (RANDOM.ORG қолжетімсіз болса — комиссия шешімімен офлайн әдіс). Алдымен репетиция режимінде жаттығыңыз.",
        "По каждому номиналу: покажите хэш пула, подтвердите присутствие комиссии, запросите числа у RANDOM.ORG (если RANDOM.ORG недоступен — офлайн-способ по решению комиссии). Сначала потренируйтесь в режиме репетиции.",
        "For each tier: show the pool hash, confirm the commission is present, request the numbers from RANDOM.ORG (if it cannot be reached: the offline method, by the commission's decision). Practise first in rehearsal mode.",
    ),
    "home.step.documents": (
        "Қол қойылған хаттаманы, қабылдау-тапсыру актілерін және жариялау тізімін жүктеп алыңыз.",
        "Скачайте подписанный протокол, акты приёма-передачи и список для публикации.",
        "Download the signed protocol, the acceptance acts and the list to publish.",
    ),
    "home.step.claims": (
        "14 күн ішінде жеңімпазбен байланысты және сертификаттың берілуін тіркеңіз; әйтпесе қайта ұтыс өткізіңіз.",
        "В течение 14 дней отметьте связь с победителем и вручение сертификата; иначе проведите повторный розыгрыш.",
        "Within 14 days record the contact and the handover; otherwise start a re-draw.",
    ),
    "home.open_claims": (
        "Ашық сыйлықтар және мерзімдері",
        "Невручённые призы и сроки",
        "Open claims and their deadlines",
    ),
    "home.no_open_claims": ("Ашық сыйлық жоқ.", "Невручённых призов нет.", "No open claims."),
    "home.overdue": (
        "{n} жеңімпаздың 14 күндік мерзімі өтіп кетті: «Жеңімпаздар мен сыйлықтар» бетінде қайталама ұтысты бастаңыз.",
        "У {n, plural, one {# победителя} other {# победителей}} истёк 14-дневный срок: начните повторный розыгрыш на странице «Победители и вручение».",
        "{n, plural, one {# winner is past the 14-day window} other {# winners are past their 14-day window}}: start a re-draw on the “Winners and claims” page.",
    ),
    # ---- upload
    "upload.source": ("Дереккөз", "Источник", "Source"),
    "upload.source_file": ("Файл жүктеу", "Загрузить файл", "Upload a file"),
    "upload.source_demo": ("Демо-ай", "Демо-месяц", "Demo month"),
    "upload.file": (
        "Қатысушылар кестесі (XLSX немесе CSV)",
        "Таблица участников (XLSX или CSV)",
        "Participants spreadsheet (XLSX or CSV)",
    ),
    "upload.file_help": (
        "Бір жол — бір дербес шот. Тақырыптар қазақ, орыс немесе ағылшын тілінде.",
        "Одна строка — один лицевой счёт. Заголовки на казахском, русском или английском.",
        "One row per personal account. Headers in Kazakh, Russian or English.",
    ),
    "upload.demo_preparing": (
        "Демо-кестелер дайындалуда…",
        "Готовим демо-таблицы…",
        "Preparing the demo spreadsheets…",
    ),
    "upload.demo_month": ("Демо-кесте", "Демо-таблица", "Demo spreadsheet"),
    "upload.demo_placeholder": ("Айды таңдаңыз", "Выберите месяц", "Pick a month"),
    "upload.options": ("Параметрлер", "Параметры", "Options"),
    "upload.draw_date": ("Ұтыс ойынының күні", "Дата розыгрыша", "Draw date"),
    "upload.draw_date_help": (
        "Осы күнге дейін ажыратылған клиенттер шығарылады (11-тармақ).",
        "Клиенты, отключённые до этой даты включительно, исключаются (пункт 11).",
        "Clients disconnected on or before this day are excluded (clause 11).",
    ),
    "upload.sheet": ("Парақ атауы (міндетті емес)", "Имя листа (необязательно)", "Sheet name (optional)"),
    "upload.sheet_help": (
        "Бос болса — бірінші көрінетін парақ.",
        "Пусто — первый видимый лист.",
        "Empty: the first visible sheet.",
    ),
    "upload.start_hint": (
        "Айлық кестені жүктеңіз немесе демо-айды таңдаңыз.",
        "Загрузите таблицу за месяц или выберите демо-месяц.",
        "Upload a monthly spreadsheet or pick a demo month.",
    ),
    "upload.reading": ("{name} оқылуда…", "Читаем {name}…", "Reading {name}…"),
    "upload.read_done": ("Дайын", "Готово", "Done"),
    "upload.cannot_read": (
        "Файлды оқу мүмкін емес: {message}",
        "Файл не удалось прочитать: {message}",
        "The file cannot be read: {message}",
    ),
    "upload.rows_title": ("{name}: барлық жолдар", "{name}: все строки", "{name}: every row"),
    "upload.sha": (
        "Файлдың SHA-256: {sha} · парақ: {sheet}",
        "SHA-256 файла: {sha} · лист: {sheet}",
        "File SHA-256: {sha} · sheet: {sheet}",
    ),
    "upload.no_month": (
        "Файлда акцияның бірде-бір есепті айының жолы жоқ.",
        "В файле нет строк ни одного отчётного месяца акции.",
        "The file has no rows of any reporting month of the promotion.",
    ),
    "upload.tiers_title": (
        "{month}: номиналдар мен квоталар",
        "{month}: номиналы и квоты",
        "{month}: tiers against the quotas",
    ),
    "upload.chart_title": (
        "Қатысушылар және ойнатылатын сертификаттар (квота + ауыстырылған)",
        "Участники и сертификаты к розыгрышу (квота + перенос)",
        "Participants and certificates to draw (quota + carried in)",
    ),
    "upload.excluded_title": (
        "Шығарылған жолдар себебі бойынша",
        "Исключённые строки по причинам",
        "Excluded rows by reason",
    ),
    "upload.no_exclusions": (
        "Бұл айда шығарылған жол жоқ.",
        "В этом месяце исключённых строк нет.",
        "No row of this month was excluded.",
    ),
    "upload.errors_title": ("Оқылмаған жолдар", "Строки с ошибками", "Rows that could not be read"),
    "upload.no_errors": ("Барлық жолдар оқылды.", "Все строки прочитаны.", "Every row was read."),
    "upload.compare_title": ("Сақталғанмен салыстыру", "Сравнение с сохранённым", "Compared with what is stored"),
    "upload.nothing_stored": (
        "{month} үшін әлі ештеңе сақталмаған.",
        "Для {month} ещё ничего не сохранено.",
        "Nothing is stored for {month} yet.",
    ),
    "upload.same_file": (
        "Дәл осы файл сақталған: {name}, {at}.",
        "Этот же файл уже сохранён: {name}, {at}.",
        "This very file is already stored: {name}, {at}.",
    ),
    "upload.other_file": (
        "Бұл айға басқа файл сақталған: {name}, {at}. Айырмашылықты тексеріңіз.",
        "Для этого месяца сохранён другой файл: {name}, {at}. Проверьте различия.",
        "Another file is stored for this month: {name}, {at}. Check the differences.",
    ),
    "upload.stored": ("Сақталған", "Сохранено", "Stored"),
    "upload.this_file": ("Осы файл", "Этот файл", "This file"),
    "upload.already_drawn": (
        "{month} ойнатылып қойған: жаңа файл ұтыс нәтижесін өзгертпейді.",
        "{month} уже разыгран: новый файл не изменит результаты.",
        "{month} has already been drawn: a new file cannot change its result.",
    ),
    "upload.freeze": ("Ұтыс ойынына бекіту", "Зафиксировать для розыгрыша", "Freeze for the draw"),
    "upload.freeze_help": (
        "Файл, оның SHA-256 хэші және жол сандары сақталады; ұтыс осы файлмен өтеді.",
        "Сохраняются файл, его SHA-256 и счётчики строк; розыгрыш пройдёт по этому файлу.",
        "Stores the file, its SHA-256 and the row counts; the draw will use this very file.",
    ),
    "upload.go_draw": (
        "Келесі қадам: 2. Тікелей ұтыс ойыны",
        "Следующий шаг: 2. Розыгрыш в прямом эфире",
        "Next step: 2. Live draw",
    ),
    "upload.frozen": (
        "{month} үшін бекітілді. Комиссия енді «Тікелей ұтыс ойыны» бетінде ұтысты өткізе алады.",
        "Зафиксировано для {month}. Комиссия может проводить розыгрыш на странице «Розыгрыш в прямом эфире».",
        "Frozen for {month}. The commission can now run the draw on the “Live draw” page.",
    ),
}

ENTRIES.update(
    {
        # ---- charts
        "charts.participants_title": (
            "Айлар бойынша номиналдағы қатысушылар және ойнатылатын сертификаттар",
            "Участники по номиналам и месяцам против сертификатов к розыгрышу",
            "Participants per tier and month against the certificates to draw",
        ),
        "charts.pool_of": ("Қатысушылар, {tier} ₸", "Участники, {tier} ₸", "Participants, {tier} ₸"),
        "charts.certificates_title": (
            "Ойнатылған, ауыстырылған және ойнатылмаған сертификаттар",
            "Разыгранные, перенесённые и неразыгранные сертификаты",
            "Certificates drawn, carried over and unplayed",
        ),
        "charts.claims_title": ("Сыйлықтар мәртебесі бойынша", "Призы по статусам", "Claims by status"),
        "charts.budget_title": (
            "Тапсырылған номиналдық құн және бюджет",
            "Вручённая номинальная стоимость и бюджет",
            "Face value handed over against the budget",
        ),
        "charts.value_drawn": ("Ойнатылды (жинақталған)", "Разыграно (нарастающим итогом)", "Drawn (cumulative)"),
        "charts.value_handed": ("Тапсырылды (жинақталған)", "Вручено (нарастающим итогом)", "Handed over (cumulative)"),
        "charts.budget_line": ("Бюджет {budget} ₸", "Бюджет {budget} ₸", "Budget {budget} ₸"),
        "charts.exclusions_title": (
            "Шығару себептері айлар бойынша",
            "Причины исключения по месяцам",
            "Exclusions by reason over time",
        ),
        "charts.png_hint": (
            "Графикті PNG ретінде сақтау үшін оның үстіндегі камера белгісін басыңыз.",
            "Чтобы сохранить график как PNG, нажмите значок камеры над ним.",
            "To save a chart as PNG, click the camera icon above it.",
        ),
    }
)

ENTRIES.update(
    {
        # ---- settings
        "settings.commission_title": ("Комиссия құрамы", "Состав комиссии", "Commission members"),
        "settings.commission_help": (
            "Тікелей ұтыс ойынында осы тізім ұсынылады; комиссия ұтыс алдында қатысып отырғандарды растайды.",
            "Этот список предлагается на розыгрыше; перед розыгрышем комиссия подтверждает присутствующих.",
            "The live draw starts from this list; before the draw the commission confirms who is present.",
        ),
        "settings.commission_save": ("Комиссияны сақтау", "Сохранить комиссию", "Save the commission"),
        "settings.commission_saved": (
            "Сақталды: {n} адам.",
            "Сохранено: {n} чел.",
            "Saved: {n, plural, one {# member} other {# members}}.",
        ),
        "commission.chair": ("Төраға", "Председатель", "Chair"),
        "commission.secretary": ("Хатшы", "Секретарь", "Secretary"),
        "commission.member": ("Мүше", "Член комиссии", "Member"),
        "settings.rules_title": (
            "Қолданыстағы талаптар (тек оқу үшін)",
            "Действующие условия (только чтение)",
            "Rules in force (read only)",
        ),
        "settings.rules_source": (
            "Файл: {path}. Талаптарды өзгерту үшін осы файлды өзгертіңіз (19-тармақ).",
            "Файл: {path}. Чтобы изменить условия, измените этот файл (пункт 19).",
            "File: {path}. To change the terms, change this file (clause 19).",
        ),
        "settings.period": ("Акция мерзімі", "Срок акции", "Promotion period"),
        "settings.connections": ("Қосылу мерзімі", "Период подключения", "Connections"),
        "settings.claim_window": ("Жеңімпазға берілетін мерзім", "Срок для победителя", "Claim window"),
        "settings.days": (
            "{n} күн",
            "{n, plural, one {# день} few {# дня} many {# дней} other {# дня}}",
            "{n, plural, one {# day} other {# days}}",
        ),
        "settings.minimum_fee": ("Ең төменгі төлем", "Минимальная плата", "Minimum fee"),
        "settings.newness": ("Жаңалық мерзімі, ай", "Новизна, месяцев", "Newness look-back, months"),
        "settings.newness_value": (
            "ЖК пакеті: {ie} · басқалар: {other}",
            "пакет ИП: {ie} · прочие: {other}",
            "IE bundle: {ie} · others: {other}",
        ),
        "settings.budget": ("Бюджет (номиналдық құн)", "Бюджет (номинал)", "Budget (face value)"),
        "settings.table1": ("1-кесте: номиналдар", "Таблица 1: номиналы", "Table 1: tiers"),
        "settings.table2": ("2-кесте: айлық квоталар", "Таблица 2: квоты по месяцам", "Table 2: quotas per month"),
        "settings.randomorg_title": ("RANDOM.ORG", "RANDOM.ORG", "RANDOM.ORG"),
        "settings.key_present": (
            "API кілті бапталған (…{tail}).",
            "API-ключ настроен (…{tail}).",
            "API key configured (…{tail}).",
        ),
        "settings.key_missing": (
            "API кілті бапталмаған: .streamlit/secrets.toml ішінде RANDOM_ORG_API_KEY көрсетіңіз. Оған дейін тек репетиция немесе офлайн әдіс мүмкін.",
            "API-ключ не настроен: укажите RANDOM_ORG_API_KEY в .streamlit/secrets.toml. До тех пор доступны только репетиция и офлайн-способ.",
            "No API key: set RANDOM_ORG_API_KEY in .streamlit/secrets.toml. Until then only rehearsals and the offline method are possible.",
        ),
        "settings.randomorg_where": (
            "Мекенжай: {url} · ашық кілт: {key}",
            "Адрес: {url} · открытый ключ: {key}",
            "Endpoint: {url} · public key: {key}",
        ),
        "settings.check_usage": ("Қалған лимитті тексеру", "Проверить остаток лимита", "Check the allowance left"),
        "settings.usage": (
            "Кілт күйі: {status} · қалған сұраулар: {requests} · қалған биттер: {bits}",
            "Статус ключа: {status} · осталось запросов: {requests} · осталось битов: {bits}",
            "Key status: {status} · requests left: {requests} · bits left: {bits}",
        ),
        "settings.database_title": ("Дерекқор", "База данных", "Database"),
        "settings.data_dir": ("Деректер қалтасы: {path}", "Папка данных: {path}", "Data folder: {path}"),
    }
)

ENTRIES.update(
    {
        # ---- live draw
        "draw.no_frozen_month": (
            "Ұтысқа бекітілген ай жоқ. Алдымен «Жүктеу және алдын ала қарау» бетінде файлды бекітіңіз.",
            "Нет месяца, зафиксированного для розыгрыша. Сначала зафиксируйте файл на странице «Загрузка и просмотр».",
            "No month is frozen for a draw yet. Freeze a file on the “Upload and preview” page first.",
        ),
        "draw.operator": (
            "Ұтыс параметрлері (оператор үшін)",
            "Параметры розыгрыша (для оператора)",
            "Draw settings (for the operator)",
        ),
        "draw.place": ("Өткізілетін орны", "Место проведения", "Place"),
        "draw.place_default": (
            "Астана қ., «Қазақтелеком» АҚ",
            "г. Астана, АО «Казахтелеком»",
            "Astana, Kazakhtelecom JSC",
        ),
        "draw.reveal_seconds": (
            "Жеңімпаздар арасындағы үзіліс, сек",
            "Пауза между победителями, сек",
            "Pause between winners, s",
        ),
        "draw.follow": (
            "Екінші экран: ұтысты бақылау",
            "Второй экран: следить за розыгрышем",
            "Second screen: follow the draw",
        ),
        "draw.follow_help": (
            "Бұл экран дерекқордан оқиды және әр 2 секунд сайын жаңарады; ұтысты басқа компьютер жүргізеді.",
            "Этот экран читает базу данных и обновляется каждые 2 секунды; розыгрыш ведут с другого компьютера.",
            "This screen reads the database and refreshes every 2 seconds; the draw is run from another computer.",
        ),
        "draw.following": (
            "Екінші экран: әр 2 секунд сайын жаңарады.",
            "Второй экран: обновляется каждые 2 секунды.",
            "Second screen: refreshes every 2 seconds.",
        ),
        "draw.new_rehearsal": ("Жаңа репетиция бастау", "Начать новую репетицию", "Start a new rehearsal"),
        "draw.title": ("Ұтыс ойыны: {month}", "Розыгрыш: {month}", "Draw: {month}"),
        "draw.tier_title": ("{tier} ₸ сертификаттары", "Сертификаты {tier} ₸", "Certificates of {tier} ₸"),
        "draw.waiting": ("Күтуде.", "Ожидает.", "Waiting."),
        "draw.in_progress": (
            "Пул бекітілді, кездейсоқ сандар күтілуде…",
            "Пул зафиксирован, ждём случайные числа…",
            "Pool frozen, waiting for the random numbers…",
        ),
        "draw.will_draw": ("Ойнатылады", "Будет разыграно", "Will be drawn"),
        "draw.ticket": (
            "RANDOM.ORG билеті: `{ticket}`",
            "Билет RANDOM.ORG: `{ticket}`",
            "RANDOM.ORG ticket: `{ticket}`",
        ),
        "draw.signed": (
            "RANDOM.ORG нәтижесі № {serial}, {at}",
            "Результат RANDOM.ORG № {serial}, {at}",
            "RANDOM.ORG result no. {serial}, {at}",
        ),
        "draw.signature_ok": (
            "Қолтаңба тексерілді: сандарды RANDOM.ORG берген және олар өзгертілмеген.",
            "Подпись проверена: числа выданы RANDOM.ORG и не изменены.",
            "Signature verified: the numbers come from RANDOM.ORG, unchanged.",
        ),
        "draw.development_licence": (
            "Назар аударыңыз: нәтиже әзірлеуші кілтімен алынған («тек әзірлеу және тестілеу үшін»).",
            "Внимание: результат получен с ключом разработчика («только для разработки и тестирования»).",
            "Warning: this result comes from a developer key (“for development and testing only”).",
        ),
        "draw.offline_done": (
            "Офлайн әдіс (комиссия шешімі), энтропия: `{entropy}`",
            "Офлайн-способ (решение комиссии), энтропия: `{entropy}`",
            "Offline method (commission decision), entropy: `{entropy}`",
        ),
        "draw.empty_pool": (
            "Бұл номиналда қатысушы жоқ: {n} сертификат келесі айға ауысады.",
            "В этом номинале нет участников: {n, plural, one {# сертификат переносится} few {# сертификата переносятся} many {# сертификатов переносятся} other {# сертификата переносятся}} на следующий месяц.",
            "No participant in this tier: {n, plural, one {# certificate carries} other {# certificates carry}} over to the next month.",
        ),
        "draw.record_empty": ("Ауыстыруды тіркеу", "Зафиксировать перенос", "Record the carry-over"),
        "draw.carry_out": (
            "Келесі айға ауысады: {n}",
            "Переносится на следующий месяц: {n}",
            "Carried over to the next month: {n}",
        ),
        "draw.month_done": (
            "{month}: барлық номиналдар ойнатылды.",
            "{month}: все номиналы разыграны.",
            "{month}: every tier is drawn.",
        ),
        "draw.file_missing": (
            "Бекітілген файл деректер қалтасында табылмады. Оны «Жүктеу және алдын ала қарау» бетінде қайта бекітіңіз.",
            "Зафиксированный файл не найден в папке данных. Зафиксируйте его заново на странице «Загрузка и просмотр».",
            "The frozen file is not in the data folder. Freeze it again on the “Upload and preview” page.",
        ),
        "draw.freeze": (
            "Пулды бекіту және хэшін көрсету",
            "Зафиксировать пул и показать хэш",
            "Freeze the pool and show its hash",
        ),
        "draw.go_documents": (
            "Келесі қадам: 3. Құжаттар (қол қойылған хаттама)",
            "Следующий шаг: 3. Документы (подписанный протокол)",
            "Next step: 3. Documents (the signed protocol)",
        ),
        "draw.hash_not_stored": (
            "Әлі бірде-бір кездейсоқ сан сұралған жоқ. Пул ұтыс кезінде осы хэшпен сақталады.",
            "Ещё не запрошено ни одного случайного числа. Пул сохраняется с этим хэшем при розыгрыше.",
            "No random number has been asked for yet. The pool is stored with this hash when it is drawn.",
        ),
        "draw.retry": ("RANDOM.ORG-қа қайта сұрау", "Повторить запрос к RANDOM.ORG", "Try RANDOM.ORG again"),
        "draw.refused": (
            "Ұтыс ойынынан бас тартылды: {message}",
            "Розыгрыш отклонён: {message}",
            "The draw was refused: {message}",
        ),
        "draw.technical": ("Техникалық мәлімет", "Технические подробности", "Technical details"),
        "draw.step_commission": ("Комиссия қатысуда", "Комиссия присутствует", "The commission is present"),
        "draw.commission_confirmed": (
            "Комиссия қатысуын растады.",
            "Комиссия подтвердила присутствие.",
            "The commission confirmed it is present.",
        ),
        "draw.present": ("Қатысып отырғандар", "Присутствуют", "Present"),
        "draw.present_help": (
            "Тізім «Баптаулар» бетінде толтырылады.",
            "Список заполняется на странице «Настройки».",
            "The list is kept on the Settings page.",
        ),
        "draw.no_commission": (
            "Комиссия тізімі бос: хаттамада қолмен толтыратын бос жолдар болады.",
            "Список комиссии пуст: в протоколе будут пустые строки для заполнения от руки.",
            "No commission is listed: the protocol will have blank lines to fill in by hand.",
        ),
        "draw.confirm_commission": (
            "Комиссия қатысып отыр, пул көлемі мен хэші дауыстап оқылды",
            "Комиссия присутствует, размер и хэш пула оглашены",
            "The commission is present; the pool size and hash were read aloud",
        ),
        "draw.confirm": ("Растау", "Подтвердить", "Confirm"),
        "draw.step_request": ("Кездейсоқ сандар", "Случайные числа", "The random numbers"),
        "draw.request_explained": (
            "RANDOM.ORG-тан 1…{size} аралығынан қайталанбайтын {n} сан сұралады, билет `{ticket}`. i-ші сан i-ші сертификаттың жеңімпазын атайды.",
            "У RANDOM.ORG {n, plural, one {запрашивается # число} few {запрашиваются # неповторяющихся числа} many {запрашиваются # неповторяющихся чисел} other {запрашиваются # неповторяющихся числа}} от 1 до {size}, билет `{ticket}`. i-е число называет победителя i-го сертификата.",
            "RANDOM.ORG is asked for {n, plural, one {# number} other {# distinct numbers}} from 1 to {size}, ticket `{ticket}`. The i-th number names the winner of the i-th certificate.",
        ),
        "draw.request": (
            "RANDOM.ORG-тан сандарды сұрау",
            "Запросить числа у RANDOM.ORG",
            "Request the numbers from RANDOM.ORG",
        ),
        "draw.running": ("Ұтыс жүріп жатыр…", "Идёт розыгрыш…", "Drawing…"),
        "draw.step_requesting": (
            "Сұрау жіберілді: 1…{maximum} аралығынан {n} сан, билет {ticket}",
            "Запрос отправлен: {n, plural, one {# число} few {# числа} many {# чисел} other {# числа}} от 1 до {maximum}, билет {ticket}",
            "Request sent: {n, plural, one {# number} other {# numbers}} from 1 to {maximum}, ticket {ticket}",
        ),
        "draw.step_offline": (
            "Офлайн әдіс, энтропия: {entropy}",
            "Офлайн-способ, энтропия: {entropy}",
            "Offline method, entropy: {entropy}",
        ),
        "draw.step_signature": (
            "Қолтаңба тексерілді, нәтиже № {serial}",
            "Подпись проверена, результат № {serial}",
            "Signature verified, result no. {serial}",
        ),
        "draw.step_recovered": (
            "Нәтиже билет бойынша қалпына келтірілді: жаңа сандар сұралған жоқ.",
            "Результат восстановлен по билету: новые числа не запрашивались.",
            "The result was recovered through the ticket: no new numbers were asked for.",
        ),
        "draw.step_reveal": ("Жеңімпаздар: {n}", "Победители: {n}", "Winners: {n}"),
        "draw.done": (
            "Ұтыс аяқталды: {n} жеңімпаз",
            "Розыгрыш завершён: {n, plural, one {# победитель} few {# победителя} many {# победителей} other {# победителя}}",
            "Draw complete: {n, plural, one {# winner} other {# winners}}",
        ),
        "draw.failed": ("Ұтыс аяқталмады", "Розыгрыш не завершён", "The draw did not complete"),
        "draw.next_tier": ("Келесі номинал", "Следующий номинал", "Next tier"),
        "draw.offline_title": (
            "Комиссия шешімі: офлайн әдіс",
            "Решение комиссии: офлайн-способ",
            "Commission decision: the offline method",
        ),
        "draw.offline_explained": (
            "RANDOM.ORG қолжетімсіз болса ғана. Комиссия барлығының көзінше жария энтропия жолын енгізеді (мысалы, лақтырылған сүйектер сандары); жеңімпаздар пул хэші мен осы жолдан RFC 3797 (SHA-256) бойынша анықталады және кез келген адам қайта есептей алады. Хаттамада әдіс аталады.",
            "Только если RANDOM.ORG недоступен. Комиссия при всех вводит публичную строку энтропии (например, числа, выпавшие на игральных костях); победители определяются из хэша пула и этой строки по RFC 3797 (SHA-256) и могут быть пересчитаны кем угодно. Способ указывается в протоколе.",
            "Only when RANDOM.ORG cannot be used. The commission enters a public entropy string in front of everyone (for example numbers rolled on dice); the winners follow from the pool hash and that string by RFC 3797 (SHA-256), and anyone can recompute them. The protocol names the method.",
        ),
        "draw.entropy": (
            "Энтропия (мысалы, сүйек сандары)",
            "Энтропия (например, числа на костях)",
            "Entropy (for example dice numbers)",
        ),
        "draw.entropy_help": (
            "Мысалы: 3 6 1 4 4 2 5 6 1 3",
            "Например: 3 6 1 4 4 2 5 6 1 3",
            "For example: 3 6 1 4 4 2 5 6 1 3",
        ),
        "draw.offline_decided": (
            "Комиссия офлайн әдісті қолдануды шешті (хаттамаға енгізіледі)",
            "Комиссия решила применить офлайн-способ (вносится в протокол)",
            "The commission decided to use the offline method (minuted in the protocol)",
        ),
        "draw.offline_run": ("Офлайн әдіспен ойнату", "Разыграть офлайн-способом", "Draw with the offline method"),
        # ---- failures in plain words, and what to do next
        "fail.no_key": (
            "RANDOM.ORG кілті жоқ немесе қабылданбады.",
            "Ключ RANDOM.ORG не задан или не принят.",
            "There is no RANDOM.ORG key, or it was not accepted.",
        ),
        "next.no_key": (
            "Әкімші RANDOM_ORG_API_KEY кілтін баптасын. Бүгін ойнату керек болса — комиссия офлайн әдісті таңдай алады.",
            "Администратор должен задать RANDOM_ORG_API_KEY. Если разыграть нужно сегодня, комиссия может выбрать офлайн-способ.",
            "An administrator must set RANDOM_ORG_API_KEY. If the draw must happen today, the commission may choose the offline method.",
        ),
        "fail.not_configured": (
            "RANDOM.ORG бұл компьютерде бапталмаған: API кілті жоқ.",
            "RANDOM.ORG на этом компьютере не настроен: нет API-ключа.",
            "RANDOM.ORG is not set up on this computer: there is no API key.",
        ),
        "next.not_configured": (
            "Әкімші RANDOM_ORG_API_KEY кілтін баптап, қолданбаны қайта іске қоса алады («Баптаулар» бетін қараңыз). Бүгін ойнату керек болса — комиссия төмендегі офлайн әдісті таңдай алады.",
            "Администратор может задать RANDOM_ORG_API_KEY и перезапустить приложение (см. страницу «Настройки»). Если разыграть нужно сегодня, комиссия может выбрать офлайн-способ ниже.",
            "An administrator can set RANDOM_ORG_API_KEY and restart the app (see the Settings page). If the draw must happen today, the commission may decide on the offline method below.",
        ),
        "fail.key_not_running": (
            "RANDOM.ORG кілті тоқтатылған.",
            "Ключ RANDOM.ORG приостановлен.",
            "The RANDOM.ORG key is not running.",
        ),
        "next.key_not_running": (
            "Кілтті RANDOM.ORG жеке кабинетінде іске қосыңыз да, қайталаңыз.",
            "Включите ключ в личном кабинете RANDOM.ORG и повторите.",
            "Start the key in the RANDOM.ORG account and try again.",
        ),
        "fail.allowance": (
            "RANDOM.ORG тәуліктік лимиті таусылды.",
            "Исчерпан суточный лимит RANDOM.ORG.",
            "The RANDOM.ORG daily allowance is used up.",
        ),
        "next.allowance": (
            "Лимит түн ортасында (UTC) жаңарады: ұтысты кейінге қалдырыңыз немесе комиссия офлайн әдісті таңдасын.",
            "Лимит обновится в полночь UTC: перенесите розыгрыш или комиссия может выбрать офлайн-способ.",
            "The allowance resets at midnight UTC: postpone the draw, or the commission may choose the offline method.",
        ),
        "fail.bad_signature": (
            "RANDOM.ORG жауабының қолтаңбасы расталмады: нәтиже көрсетілмейді.",
            "Подпись ответа RANDOM.ORG не подтвердилась: результат не показан.",
            "The signature of RANDOM.ORG's answer did not verify: no result is shown.",
        ),
        "next.bad_signature": (
            "Қайталаңыз: сол билет бойынша түпнұсқа нәтиже сұралады. Қайталанса, әкімшіге хабарлаңыз.",
            "Повторите: по тому же билету будет запрошен исходный результат. Если повторится — сообщите администратору.",
            "Try again: the original result is fetched again through the same ticket. If it happens again, tell an administrator.",
        ),
        "fail.timeout": (
            "RANDOM.ORG уақытында жауап бермеді.",
            "RANDOM.ORG не ответил вовремя.",
            "RANDOM.ORG did not answer in time.",
        ),
        "next.timeout": (
            "Қайталаңыз: егер RANDOM.ORG жауап берген болса, нәтиже билет бойынша алынады, жаңа сандар сұралмайды.",
            "Повторите: если RANDOM.ORG успел ответить, результат будет получен по билету, новые числа не запрашиваются.",
            "Try again: if RANDOM.ORG did answer, the result is fetched through the ticket; no new numbers are asked for.",
        ),
        "fail.unreachable": (
            "RANDOM.ORG-қа қосылу мүмкін болмады.",
            "Не удалось связаться с RANDOM.ORG.",
            "RANDOM.ORG could not be reached.",
        ),
        "next.unreachable": (
            "Интернет байланысын тексеріп, қайталаңыз. Байланыс болмаса — комиссия офлайн әдісті таңдай алады.",
            "Проверьте подключение к интернету и повторите. Если связи нет, комиссия может выбрать офлайн-способ.",
            "Check the internet connection and try again. Without a connection, the commission may choose the offline method.",
        ),
        "fail.server_error": (
            "RANDOM.ORG серверінде қате.",
            "Ошибка на сервере RANDOM.ORG.",
            "RANDOM.ORG reported a server error.",
        ),
        "next.server_error": (
            "Бірнеше минуттан кейін қайталаңыз.",
            "Повторите через несколько минут.",
            "Try again in a few minutes.",
        ),
        "fail.ticket": (
            "RANDOM.ORG билетімен мәселе.",
            "Проблема с билетом RANDOM.ORG.",
            "A problem with the RANDOM.ORG ticket.",
        ),
        "next.ticket": (
            "Әкімшіге хабарлаңыз; техникалық мәлімет төменде.",
            "Сообщите администратору; технические подробности ниже.",
            "Tell an administrator; the technical details are below.",
        ),
        "fail.protocol": (
            "RANDOM.ORG күтпеген жауап берді.",
            "RANDOM.ORG дал неожиданный ответ.",
            "RANDOM.ORG gave an unexpected answer.",
        ),
        "next.protocol": (
            "Қайталаңыз; қайталанса, әкімшіге хабарлаңыз.",
            "Повторите; если повторится — сообщите администратору.",
            "Try again; if it happens again, tell an administrator.",
        ),
        "fail.not_bound": (
            "RANDOM.ORG нәтижесі бұл пулға тиесілі емес: ол қолданылмайды.",
            "Результат RANDOM.ORG не относится к этому пулу: он не используется.",
            "The RANDOM.ORG result does not belong to this pool: it is not used.",
        ),
        "next.not_bound": (
            "Пулды қайта бекітіп, қайталаңыз.",
            "Зафиксируйте пул заново и повторите.",
            "Freeze the pool again and try again.",
        ),
        "fail.no_entropy": (
            "Энтропия жолы енгізілмеген.",
            "Не введена строка энтропии.",
            "No entropy string was entered.",
        ),
        "next.no_entropy": (
            "Комиссия энтропияны енгізсін де, қайталаңыз.",
            "Пусть комиссия введёт энтропию, и повторите.",
            "Let the commission enter the entropy and try again.",
        ),
        "fail.other": ("Ұтыс аяқталмады.", "Розыгрыш не завершён.", "The draw did not complete."),
        "next.other": (
            "Қайталаңыз немесе әкімшіге хабарлаңыз.",
            "Повторите или сообщите администратору.",
            "Try again or tell an administrator.",
        ),
    }
)

ENTRIES.update(
    {
        # ---- documents
        "docs.on_demand": (
            "Құжаттар дерекқордан сұраныс бойынша жасалады: құжат батырмасын басыңыз, жанында жүктеп алу батырмасы пайда болады.",
            "Документы создаются из базы данных по запросу: нажмите кнопку документа, рядом появится кнопка для скачивания.",
            "Documents are made from the database on demand: press a document's button, and a download button appears next to it.",
        ),
        "docs.protocol": (
            "Ұтыс хаттамасы (PDF, қол қойылған)",
            "Протокол розыгрыша (PDF, подписан)",
            "Draw protocol (PDF, signed)",
        ),
        "docs.acts": ("Қабылдау-тапсыру актілері (PDF)", "Акты приёма-передачи (PDF)", "Acceptance acts (PDF)"),
        "docs.publish_xlsx": ("Жариялау тізімі (XLSX)", "Список для публикации (XLSX)", "Publication list (XLSX)"),
        "docs.publish_html": (
            "Жариялау тізімі (HTML, ismet.kz үшін)",
            "Список для публикации (HTML, для ismet.kz)",
            "Publication list (HTML, for ismet.kz)",
        ),
        "docs.accounting": ("Бухгалтерияға (XLSX)", "Для бухгалтерии (XLSX)", "Accounting export (XLSX)"),
        "docs.bundle": ("Тексеру пакеті (ZIP)", "Пакет для проверки (ZIP)", "Verification bundle (ZIP)"),
        "docs.help_protocol": (
            "Комиссия, файлдар, квоталар, пул хэштері, жеңімпаздар; PAdES қолтаңбасы.",
            "Комиссия, файлы, квоты, хэши пулов, победители; подпись PAdES.",
            "Commission, files, quotas, pool hashes, winners; PAdES signature.",
        ),
        "docs.help_acts": (
            "Әр жеңімпазға акт және филиал хаттамасы (13–14-тармақтар).",
            "Акт и протокол филиала на каждого победителя (пункты 13–14).",
            "An act and the branch's handover protocol per winner (clauses 13–14).",
        ),
        "docs.help_publish_xlsx": (
            "Шоттар мен атаулар жасырылған; БСН/ЖСН жоқ.",
            "Счета и имена скрыты; без БИН/ИИН.",
            "Accounts and names masked; no BIN/IIN.",
        ),
        "docs.help_publish_html": (
            "ismet.kz бетіне қоюға арналған фрагмент.",
            "Фрагмент для страницы ismet.kz.",
            "A fragment for the ismet.kz page.",
        ),
        "docs.help_accounting": (
            "Тапсырылған сертификаттар және номиналдық құны (16-тармақ).",
            "Вручённые сертификаты и их номинал (пункт 16).",
            "Certificates handed over with face values (clause 16).",
        ),
        "docs.help_bundle": (
            "Пул мәтіндері, қол қойылған RANDOM.ORG жауаптары, хаттама және қолмен тексеру нұсқауы.",
            "Тексты пулов, подписанные ответы RANDOM.ORG, протокол и инструкция по ручной проверке.",
            "Pool texts, signed RANDOM.ORG answers, the protocol and how to recompute by hand.",
        ),
        "docs.rendering": ("Құжат жасалуда…", "Создаём документ…", "Making the document…"),
        "docs.cannot": (
            "Құжатты жасау мүмкін емес: {message}",
            "Документ не создан: {message}",
            "The document cannot be made: {message}",
        ),
        "docs.download": ("Жүктеп алу: {name}", "Скачать: {name}", "Download {name}"),
        "docs.audit_title": ("Аудит журналы", "Журнал аудита", "Audit record"),
        "docs.verify": ("Барлығын тексеру", "Проверить всё", "Verify everything"),
        "docs.verifying": (
            "Пулдар, қолтаңбалар, жеңімпаздар және журнал тізбегі тексерілуде…",
            "Проверяем пулы, подписи, победителей и цепочку журнала…",
            "Checking pools, signatures, winners and the audit chain…",
        ),
        "docs.verify_ok": (
            "Барлығы сәйкес: {n} тексеру өтті.",
            "Всё сходится: пройдено проверок — {n}.",
            "Everything checks out: {n, plural, one {# check} other {# checks}} passed.",
        ),
        "docs.verify_failed": (
            "{n} тексеру өтпеді: төмендегі тізімді қараңыз.",
            "Не пройдено проверок: {n}. Смотрите список ниже.",
            "{n, plural, one {# check} other {# checks}} failed: see the list below.",
        ),
    }
)

ENTRIES.update(
    {
        # ---- claims
        "claims.overdue": (
            "{n} сертификат бойынша 14 күндік мерзім өтті: қайталама ұтыс қажет.",
            "По {n, plural, one {# сертификату} other {# сертификатам}} истёк 14-дневный срок: нужен повторный розыгрыш.",
            "{n, plural, one {# certificate is past its 14-day window: it needs} other {# certificates are past their 14-day window: they need}} a re-draw.",
        ),
        "claims.act_title": ("Сертификат бойынша әрекет", "Действие по сертификату", "Act on a certificate"),
        "claims.certificate": ("Сертификат", "Сертификат", "Certificate"),
        "claims.deadline": (
            "Мерзімі: {deadline} (қалған күн: {days})",
            "Срок: {deadline} ({days, plural, one {остался # день} few {осталось # дня} many {осталось # дней} other {осталось # дня}})",
            "Deadline: {deadline} ({days, plural, one {# day} other {# days}} left)",
        ),
        "claims.contact": ("Байланыс", "Связь", "Contact"),
        "claims.handover": ("Тапсыру", "Вручение", "Handover"),
        "claims.forfeit": ("Сыйлықтан айыру", "Лишение приза", "Forfeit"),
        "claims.record_contact": ("Байланысты тіркеу", "Отметить связь", "Record the contact"),
        "claims.record_handover": ("Тапсыруды тіркеу", "Отметить вручение", "Record the handover"),
        "claims.forfeit_reason": ("Себебі (15-тармақ)", "Причина (пункт 15)", "Reason (clause 15)"),
        "claims.forfeit_help": (
            "Мысалы: жеке куәлік көрсетілмеді немесе актіге қол қоюдан бас тартты.",
            "Например: не предъявлено удостоверение личности или отказ подписать акт.",
            "For example: no ID document shown, or refused to sign the act.",
        ),
        "claims.record_forfeit": ("Сыйлықтан айыруды тіркеу", "Отметить лишение приза", "Record the forfeit"),
        "claims.saved": ("Сақталды.", "Сохранено.", "Saved."),
        "claims.refused": (
            "Өзгерту мүмкін емес: {message}",
            "Изменение невозможно: {message}",
            "Not possible: {message}",
        ),
        "method.random-org": ("RANDOM.ORG", "RANDOM.ORG", "RANDOM.ORG"),
        "method.offline": (
            "Офлайн әдіс (комиссия шешімі)",
            "Офлайн-способ (решение комиссии)",
            "Offline method (commission decision)",
        ),
    }
)

ENTRIES.update(
    {
        # ---- re-draws: the commission's act on the live draw page (RULES.md, integrity rule 3)
        "col.redraw": ("Қайталама ұтыс", "Повторный розыгрыш", "Re-draw"),
        "claims.awaiting_redraw_short": (
            "Комиссияның қайталама ұтысын күтуде",
            "Ждёт повторного розыгрыша комиссией",
            "Waiting for a re-draw by the commission",
        ),
        "claims.awaiting_redraw": (
            "Бұл сертификат комиссияның қайталама ұтысын күтуде (12 және 15-тармақтар). Қайталама ұтысты комиссия «Тікелей ұтыс ойыны» бетінде ай сайынғы ұтыс тәртібімен өткізеді.",
            "Этот сертификат ждёт повторного розыгрыша комиссией (пункты 12 и 15). Повторный розыгрыш комиссия проводит на странице «Розыгрыш в прямом эфире» в том же порядке, что и ежемесячный.",
            "This certificate is waiting for a re-draw by the commission (clauses 12 and 15). The commission holds the re-draw on the “Live draw” page, with the same steps as the monthly draw.",
        ),
        "claims.go_redraw": (
            "Тікелей ұтыс ойыны: қайталама ұтыстар",
            "Розыгрыш в прямом эфире: повторные розыгрыши",
            "Live draw: re-draws",
        ),
        "claims.redraw_where": (
            "Қайталама ұтысты тек комиссия өткізеді: «Тікелей ұтыс ойыны» беті, «Қайталама ұтыстар».",
            "Повторный розыгрыш проводит только комиссия: страница «Розыгрыш в прямом эфире», «Повторные розыгрыши».",
            "Only the commission re-draws: the “Live draw” page, “Re-draws”.",
        ),
        "draw.mode": ("Не ойнатылады", "Что разыгрываем", "What is drawn"),
        "draw.mode_month": ("Ай сайынғы ұтыс: {month}", "Ежемесячный розыгрыш: {month}", "Monthly draw: {month}"),
        "draw.mode_redraw": (
            "Қайталама ұтыстар (күтуде: {n})",
            "Повторные розыгрыши (ждут: {n})",
            "Re-draws ({n} waiting)",
        ),
        "draw.redraws_title": ("Қайталама ұтыстар", "Повторные розыгрыши", "Re-draws"),
        "draw.redraw_pick": (
            "Қайталама ұтысты күтетін сертификат",
            "Сертификат, ждущий повторного розыгрыша",
            "Certificate waiting for a re-draw",
        ),
        "draw.redraw_title": (
            "№ {certificate} сертификат · {tier} ₸ · {month}",
            "Сертификат № {certificate} · {tier} ₸ · {month}",
            "Certificate no. {certificate} · {tier} ₸ · {month}",
        ),
        "draw.redraw_explained": (
            "Жеңімпаз ({account}): {status}. Сертификат қайта ойнатылады: осы ай мен номиналдың пулынан бұрын ұтқандардың бәрі алынып тасталады, пул қайта бекітіліп, хэші кез келген кездейсоқ саннан бұрын көрсетіледі.",
            "Победитель ({account}): {status}. Сертификат разыгрывается повторно: из пула месяца и номинала исключаются все уже выигравшие, пул фиксируется заново, и его хэш показывается раньше любого случайного числа.",
            "Winner ({account}): {status}. The certificate is drawn again: the month and tier's pool less everyone already drawn, frozen again, its hash shown before any random number.",
        ),
        "draw.redraw_commission_only": (
            "Қайталама ұтысты тек комиссия өткізеді (комиссия рөлімен кіріңіз).",
            "Повторный розыгрыш проводит только комиссия (войдите с ролью комиссии).",
            "Only the commission re-draws (sign in with the commission role).",
        ),
        "draw.redraw_pool": (
            "Жаңа пул: осы ай мен номиналдың пулы, бұрын ұтқандардың бәрінсіз.",
            "Новый пул: пул месяца и номинала без всех, кто уже выиграл.",
            "The new pool: the month and tier's pool less everyone already drawn.",
        ),
        "draw.redraw_request_explained": (
            "RANDOM.ORG-тан 1…{size} аралығынан бір сан сұралады, билет `{ticket}`: ол № {certificate} сертификатының жаңа жеңімпазын атайды.",
            "У RANDOM.ORG запрашивается одно число от 1 до {size}, билет `{ticket}`: оно называет нового победителя сертификата № {certificate}.",
            "RANDOM.ORG is asked for one number from 1 to {size}, ticket `{ticket}`: it names the new winner of certificate no. {certificate}.",
        ),
        "draw.redraw_empty": (
            "Пулда ешкім қалмады: сертификат келесі айға ауысады.",
            "В пуле никого не осталось: сертификат переносится на следующий месяц.",
            "Nobody is left in the pool: the certificate carries over to the next month.",
        ),
        "draw.redrawn": (
            "№ {certificate} сертификатының жаңа жеңімпазы: {account}.",
            "Новый победитель сертификата № {certificate}: {account}.",
            "New winner of certificate no. {certificate}: {account}.",
        ),
        "draw.next_redraw": ("Қайталама ұтыстар тізіміне", "К списку повторных розыгрышей", "Back to the re-draws"),
        "draw.newest": ("Жаңа ғана түсті", "Только что выпал", "Just drawn"),
        "draw.redraw_of": (
            "№ {certificate} сертификатының қайталама ұтысы",
            "Повторный розыгрыш сертификата № {certificate}",
            "Re-draw of certificate no. {certificate}",
        ),
        # ---- a used RANDOM.ORG ticket whose result could not be verified (integrity rule 5)
        "draw.blocked_title": (
            "RANDOM.ORG билеті `{ticket}` қолданылды, бірақ оның нәтижесі расталмады.",
            "Билет RANDOM.ORG `{ticket}` использован, но его результат не подтвердился.",
            "RANDOM.ORG ticket `{ticket}` was used, but its result could not be verified.",
        ),
        "draw.blocked_explained": (
            "Комиссия осы билеттен себебін көрсетіп бас тартқанша ұтыс тоқтатылады: жаңа билет те, офлайн әдіс те жоқ. Алынған жауап дәлел ретінде сақталады; хаттамада билет нөмірі басылады, оны кез келген адам RANDOM.ORG сайтынан тексере алады.",
            "Розыгрыш остановлен, пока комиссия не откажется от этого билета с указанием причины: ни нового билета, ни офлайн-способа. Полученный ответ хранится как доказательство; номер билета печатается в протоколе, и любой может проверить его на RANDOM.ORG.",
            "The draw is held until the commission abandons this ticket with a reason: no new ticket and no offline method before that. The answer as received is kept as evidence; the protocol prints the ticket id so that anyone can look it up at RANDOM.ORG.",
        ),
        "draw.blocked_commission_only": (
            "Билеттен тек комиссия бас тарта алады (комиссия рөлімен кіріңіз).",
            "Отказаться от билета может только комиссия (войдите с ролью комиссии).",
            "Only the commission can abandon the ticket (sign in with the commission role).",
        ),
        "draw.abandon_title": (
            "Билеттен бас тарту (комиссия шешімі)",
            "Отказ от билета (решение комиссии)",
            "Abandon the ticket (commission decision)",
        ),
        "draw.abandon_reason": (
            "Комиссияның себебі (хаттамаға енгізіледі)",
            "Причина комиссии (вносится в протокол)",
            "The commission's reason (minuted in the protocol)",
        ),
        "draw.abandon_reason_help": (
            "Мысалы: RANDOM.ORG жауабының қолтаңбасы расталмады; RANDOM.ORG-қа хабарланды.",
            "Например: подпись ответа RANDOM.ORG не подтвердилась; сообщено в RANDOM.ORG.",
            "For example: the signature of RANDOM.ORG's answer did not verify; RANDOM.ORG was told.",
        ),
        "draw.abandon_confirm": (
            "Комиссия `{ticket}` билетінен бас тартуды шешті; одан кейін ұтыс жаңадан өткізіледі",
            "Комиссия решила отказаться от билета `{ticket}`; после этого розыгрыш проводится заново",
            "The commission decided to abandon ticket `{ticket}`; the draw is then held afresh",
        ),
        "draw.abandon": ("Билеттен бас тарту", "Отказаться от билета", "Abandon the ticket"),
        "draw.abandoned": (
            "`{ticket}` билетінен бас тартылды. Ұтысты жаңадан өткізуге болады: жаңа билет немесе комиссия шешімімен офлайн әдіс.",
            "От билета `{ticket}` отказались. Розыгрыш можно провести заново: с новым билетом или офлайн-способом по решению комиссии.",
            "Ticket `{ticket}` was abandoned. The draw can now be held afresh: with a new ticket, or offline by the commission's decision.",
        ),
        "fail.development_licence": (
            "RANDOM.ORG нәтижесі әзірлеуші кілтімен алынған: ресми ұтыста ол қолданылмайды.",
            "Результат RANDOM.ORG получен с ключом разработчика: в официальном розыгрыше он не используется.",
            "The RANDOM.ORG result was made with a developer key: an official draw does not use it.",
        ),
        "next.development_licence": (
            "Әкімші өндірістік RANDOM.ORG кілтін баптасын; комиссия бұл билеттен бас тартуы керек.",
            "Администратор должен задать рабочий ключ RANDOM.ORG; комиссия должна отказаться от этого билета.",
            "An administrator must set a production RANDOM.ORG key; the commission must abandon this ticket.",
        ),
        # ---- refusals the engine names (DrawRefused.code), with its params
        "refused.months_out_of_order": (
            "{first_undrawn} әлі ойнатылмаған: айлар ретімен ойнатылады, алдымен {first_undrawn} (оның ауыстырылған сертификаттары осы айдың сертификаттарын анықтайды).",
            "{first_undrawn} ещё не разыгран: месяцы разыгрываются по порядку, сначала {first_undrawn} (его перенос определяет сертификаты этого месяца).",
            "{first_undrawn} is not drawn yet: months are drawn in order, and {first_undrawn} comes first (its carry-over decides this month's certificates).",
        ),
        "refused.draw_date_early": (
            "{month} әлі аяқталмаған: оны {first_day} бастап ойнатуға болады (8-тармақ: келесі айда).",
            "{month} ещё не закончился: разыграть его можно с {first_day} (пункт 8: в следующем месяце).",
            "{month} is not over yet: it can be drawn from {first_day} (clause 8: in the month after).",
        ),
        "refused.ticket_blocked": (
            "{denomination} ₸ номиналының RANDOM.ORG билеті `{ticket_id}` қолданылған, бірақ нәтижесі расталмаған: комиссия одан себебін көрсетіп бас тартпайынша ұтыс жаңадан өткізілмейді.",
            "Билет RANDOM.ORG `{ticket_id}` номинала {denomination} ₸ использован, но его результат не подтвердился: пока комиссия не откажется от него с указанием причины, розыгрыш заново не проводится.",
            "RANDOM.ORG ticket `{ticket_id}` of the {denomination} ₸ tier was used but its result could not be verified: the tier is not drawn again until the commission abandons it with a reason.",
        ),
        "refused.development_licence": (
            "Ресми ұтысқа өндірістік RANDOM.ORG кілті керек: бұл нәтиже әзірлеуші кілтімен алынған.",
            "Для официального розыгрыша нужен рабочий ключ RANDOM.ORG: этот результат получен с ключом разработчика.",
            "An official draw needs a production RANDOM.ORG key: this result was made with a developer key.",
        ),
        "refused.entropy_reused": (
            "Бұл энтропия мәтіні {month}, {denomination} ₸ ұтысында қолданылған: бір энтропия бір ұтысқа ғана жарайды. Сүйектерді қайта лақтырыңыз.",
            "Эта строка энтропии уже использована в розыгрыше {month}, {denomination} ₸: одна энтропия — один розыгрыш. Бросьте кости заново.",
            "This entropy text was already used for a draw of {month}, {denomination} ₸: one entropy text serves one draw. Roll new dice.",
        ),
        "refused.already_drawn": (
            "Бұл ұтыс өткізіліп қойған: тек аталған сертификаттарды қайта ойнатуға болады.",
            "Этот розыгрыш уже проведён: повторно можно разыгрывать только названные сертификаты.",
            "This was already drawn: only re-draws of named certificates are allowed.",
        ),
        "refused.draw_missing": (
            "Аудит журналы бойынша {month}, {denomination} ₸ ұтысы өткізілген, бірақ сақталған ұтыс жоқ немесе белгісі өзгертілген: дерекқор қолмен өзгертілген. Ештеңе қайта ойнатылмайды; «Құжаттар» бетінде тексеруді іске қосыңыз.",
            "По журналу аудита розыгрыш {month}, {denomination} ₸ проведён, но сохранённого розыгрыша нет или его метка изменена: базу данных меняли вручную. Ничего не разыгрывается заново; запустите проверку на странице «Документы».",
            "The audit record says {month}, {denomination} ₸ was drawn, but its stored draw is gone or relabelled: the database was changed by hand. Nothing is drawn again; run the check on the Documents page.",
        ),
        "refused.abandon_needs_reason": (
            "Билеттен бас тарту үшін комиссияның себебі керек.",
            "Для отказа от билета нужна причина комиссии.",
            "Abandoning a ticket needs the commission's reason.",
        ),
        "refused.no_blocked_ticket": (
            "Мұнда нәтижесі расталмаған қолданылған RANDOM.ORG билеті жоқ.",
            "Здесь нет использованного билета RANDOM.ORG с неподтверждённым результатом.",
            "There is no used RANDOM.ORG ticket here whose result could not be verified.",
        ),
        "refused.draw_running": (
            "Бұл ұтысты қазір басқа экран жүргізіп жатыр ({owner}): ол аяқталғанша күтіңіз.",
            "Этот розыгрыш сейчас проводит другой экран ({owner}): дождитесь его окончания.",
            "This draw is being run right now from another screen ({owner}): wait until it finishes.",
        ),
        "refused.ticket_pending": (
            "Аяқталмаған RANDOM.ORG ұтысы `{ticket_id}` билетін ұстап тұр, оның нәтижесі болуы мүмкін: оны RANDOM.ORG арқылы аяқтаңыз.",
            "Незавершённый розыгрыш RANDOM.ORG держит билет `{ticket_id}`, у которого уже может быть результат: завершите его через RANDOM.ORG.",
            "An unfinished RANDOM.ORG draw holds ticket `{ticket_id}`, which may already carry the result: finish it with RANDOM.ORG.",
        ),
        "refused.abandon_valid_result": (
            "`{ticket_id}` билетінің сақталған жауабы расталады: жарамды нәтижеден бас тартуға болмайды. Әкімшіге хабарлаңыз.",
            "Сохранённый ответ по билету `{ticket_id}` проходит проверку: от действительного результата отказаться нельзя. Сообщите администратору.",
            "The stored answer of ticket `{ticket_id}` does verify: a valid result is never abandoned. Tell an administrator.",
        ),
    }
)

ENTRIES.update(
    {
        # ---- the audit check in plain words: verify's Finding.code -> title, and what a failure (or a notice) means
        "docs.technical": (
            "Техникалық мәлімет (ағылшынша)",
            "Технические подробности (на английском)",
            "Technical details",
        ),
        "verify.pool": ("Пул хэштері", "Хэши пулов", "Pool hashes"),
        "verify.pool.text": (
            "Сақталған пул өз хэшіне сәйкес келмейді: қатысушылар тізімі бекітілгеннен кейін өзгертілген.",
            "Сохранённый пул не совпадает со своим хэшем: список участников изменён после фиксации.",
            "A stored pool does not match its hash: the list of participants was changed after it was frozen.",
        ),
        "verify.signature": ("RANDOM.ORG қолтаңбалары", "Подписи RANDOM.ORG", "RANDOM.ORG signatures"),
        "verify.signature.text": (
            "Сақталған RANDOM.ORG жауабы RANDOM.ORG ашық кілтімен расталмайды: оны RANDOM.ORG бермеген немесе ол өзгертілген.",
            "Сохранённый ответ RANDOM.ORG не проходит проверку открытым ключом RANDOM.ORG: он выдан не RANDOM.ORG или изменён.",
            "A stored RANDOM.ORG answer does not verify under RANDOM.ORG's public key: RANDOM.ORG did not issue it, or it was altered.",
        ),
        "verify.binding": ("Нәтиженің пулға байланысы", "Привязка результата к пулу", "Result bound to its pool"),
        "verify.binding.text": (
            "Қол қойылған нәтижеде осы ұтыстың айы, номиналы мен пул хэші жоқ (немесе басқа сандар сұралған): ол басқа ұтысқа тиесілі.",
            "Подписанный результат не называет месяц, номинал и хэш пула этого розыгрыша (или запрашивал другие числа): он относится к другому розыгрышу.",
            "A signed result does not name this draw's month, tier and pool hash (or asked for other numbers): it belongs to another draw.",
        ),
        "verify.ticket": ("RANDOM.ORG билеттері", "Билеты RANDOM.ORG", "RANDOM.ORG tickets"),
        "verify.ticket.text": (
            "Қол қойылған нәтиже ішіндегі билет ұтыс үшін сақталған билеттен өзгеше.",
            "Билет внутри подписанного результата отличается от билета, сохранённого для розыгрыша.",
            "The ticket inside a signed result differs from the ticket stored for the draw.",
        ),
        "verify.development_licence": (
            "Өндірістік RANDOM.ORG кілті",
            "Рабочий ключ RANDOM.ORG",
            "Production RANDOM.ORG key",
        ),
        "verify.development_licence.text": (
            "Ресми ұтыста RANDOM.ORG әзірлеуші кілтімен («тек әзірлеу және тестілеу үшін») алынған нәтиже қолданылған.",
            "В официальном розыгрыше использован результат, полученный с ключом разработчика RANDOM.ORG («только для разработки и тестирования»).",
            "An official draw used a result made with a RANDOM.ORG developer key (“for development and testing only”).",
        ),
        "verify.winners": ("Жеңімпаздарды қайта есептеу", "Пересчёт победителей", "Winners recomputed"),
        "verify.winners.text": (
            "Сақталған жеңімпаздар пул мен кездейсоқ сандардан қайта есептелген жеңімпаздардан өзгеше.",
            "Сохранённые победители отличаются от тех, что получаются при пересчёте из пула и случайных чисел.",
            "The stored winners differ from those that the pool and the random numbers give when recomputed.",
        ),
        "verify.audit_chain": ("Аудит журналының тізбегі", "Цепочка журнала аудита", "Audit record chain"),
        "verify.audit_chain.text": (
            "Аудит журналының хэш тізбегі үзілген: жазба өзгертілген, қосылған немесе жойылған.",
            "Цепочка хэшей журнала аудита нарушена: запись изменена, вставлена или удалена.",
            "The audit record's chain of hashes is broken: an entry was changed, inserted or deleted.",
        ),
        "verify.audit_results": (
            "Ұтыстар мен аудит журналы",
            "Розыгрыши и журнал аудита",
            "Draws against the audit record",
        ),
        "verify.audit_results.text": (
            "Сақталған ұтыс не жеңімпаз ұтыс кезінде аудит журналына жазылғаннан өзгеше.",
            "Сохранённый розыгрыш или победитель отличается от записанного в журнал аудита при розыгрыше.",
            "A stored draw or winner differs from what the audit record wrote when it was drawn.",
        ),
        "verify.serials": ("RANDOM.ORG сериялық нөмірлері", "Серийные номера RANDOM.ORG", "RANDOM.ORG serial numbers"),
        "verify.serials.text": (
            "RANDOM.ORG сериялық нөмірлері ұтыстар ретімен өспейді: нәтиже ертерек алынып, ұсталып қалған болуы мүмкін.",
            "Серийные номера RANDOM.ORG не возрастают в порядке розыгрышей: результат мог быть получен раньше и придержан.",
            "RANDOM.ORG serial numbers do not increase in the order of the draws: a result may have been obtained earlier and held back.",
        ),
        "verify.draw_missing": ("Жойылған ұтыстар", "Удалённые розыгрыши", "Deleted draws"),
        "verify.draw_missing.text": (
            "Аудит журналы бойынша ұтыс өткізілген, бірақ оның жазбасы дерекқорда жоқ: ұтыс жойылған.",
            "По журналу аудита розыгрыш проведён, но его записи в базе данных нет: розыгрыш удалён.",
            "The audit record says a draw was done, but its row is gone from the database: a draw was deleted.",
        ),
        "verify.relabelled": ("Белгісі өзгертілген ұтыстар", "Перемаркированные розыгрыши", "Relabelled draws"),
        "verify.relabelled.text": (
            "Ұтыстың белгісі кейін өзгертілген: ресми ↔ репетиция немесе өткізілді ↔ сәтсіз.",
            "Метка розыгрыша изменена задним числом: официальный ↔ репетиция или проведён ↔ не удался.",
            "A draw was relabelled after the fact: official ↔ rehearsal, or done ↔ failed.",
        ),
        "verify.drawn_twice": (
            "Бір ай мен номиналға бір ұтыс",
            "Один розыгрыш на месяц и номинал",
            "One draw per month and tier",
        ),
        "verify.drawn_twice.text": (
            "Ресми айдың бір номиналында екі аяқталған ұтыс бар: ол екі рет ойнатылған.",
            "У официального месяца и номинала два завершённых розыгрыша: он разыгран дважды.",
            "An official month and tier has two completed draws: it was drawn twice.",
        ),
        "verify.field_hash": (
            "Құжаттарға басылатын өрістер",
            "Поля, которые печатаются в документах",
            "Fields that documents print",
        ),
        "verify.field_hash.text": (
            "Құжаттарға басылатын сақталған өріс (аты-жөні, телефон, комиссия, орны, импорт файлдары) аудит журналындағы хэшке сәйкес келмейді: ол жазылғаннан кейін өзгертілген.",
            "Сохранённое поле, которое печатается в документах (имена, телефоны, комиссия, место, файлы импорта), не совпадает с хэшем в журнале аудита: его изменили после записи.",
            "A stored field that documents print (names, phones, commission, place, import files) differs from the hash in the audit record: it was changed after it was recorded.",
        ),
        "verify.not_covered": ("Бұл тексеру қамтымайды", "Не охвачено этой проверкой", "Not covered by this check"),
        "verify.not_covered.text": (
            "Бұл тексеру пайда болғанға дейін сақталған: аудит журналында оның хэші жоқ, сондықтан ол қате емес, тек тізімге енгізіледі.",
            "Сохранено до появления этой проверки: в журнале аудита нет его хэша, поэтому оно не ошибка, а только перечислено.",
            "Stored before this check existed: the audit record holds no hash for it, so it is listed, not failed.",
        ),
        "verify.abandoned": (
            "Бас тартылған RANDOM.ORG билеттері",
            "Билеты RANDOM.ORG, от которых отказались",
            "Abandoned RANDOM.ORG tickets",
        ),
        "verify.abandoned.text": (
            "Нәтижесі расталмаған RANDOM.ORG билетінен комиссия себебін көрсетіп бас тартты; жауабы дәлел ретінде сақталған, билетті кез келген адам RANDOM.ORG сайтынан тексере алады.",
            "Комиссия с указанием причины отказалась от билета RANDOM.ORG, результат которого не подтвердился; ответ сохранён как доказательство, билет любой может проверить на RANDOM.ORG.",
            "The commission abandoned, with a reason, a RANDOM.ORG ticket whose result could not be verified; its answer is kept as evidence, and anyone can look the ticket up at RANDOM.ORG.",
        ),
        "verify.abandoned_valid": (
            "Расталатын бас тартылған билеттер",
            "Отказ от билета с действительным результатом",
            "Abandoned tickets that verify",
        ),
        "verify.abandoned_valid.text": (
            "Бас тартылған билеттің жауабы RANDOM.ORG кілтімен расталады: жарамды нәтиже лақтырылған.",
            "Ответ по билету, от которого отказались, проходит проверку ключом RANDOM.ORG: действительный результат был выброшен.",
            "An abandoned ticket's answer does verify under RANDOM.ORG's key: a valid result was thrown away.",
        ),
        "verify.blocked": ("Тоқтатылған билеттер", "Заблокированные билеты", "Blocked tickets"),
        "verify.blocked.text": (
            "Қолданылған, бірақ нәтижесі расталмаған RANDOM.ORG билеті ұтысты әлі тоқтатып тұр: комиссия «Тікелей ұтыс ойыны» бетінде себебін көрсетіп одан бас тартуы керек.",
            "Использованный билет RANDOM.ORG с неподтверждённым результатом всё ещё держит розыгрыш: комиссия должна отказаться от него с указанием причины на странице «Розыгрыш в прямом эфире».",
            "A used RANDOM.ORG ticket whose result could not be verified still holds a draw: the commission must abandon it with a reason on the “Live draw” page.",
        ),
        "verify.entropy": ("Офлайн әдістің энтропиясы", "Энтропия офлайн-способа", "Offline entropy"),
        "verify.entropy.text": (
            "Офлайн ұтыстың энтропиясы пул хэші көрсетілмей тұрып енгізілген, оны кім енгізгені жазылмаған немесе ол екі рет қолданылған.",
            "Энтропия офлайн-розыгрыша введена до показа хэша пула, не записано, кто её ввёл, или она использована дважды.",
            "An offline draw's entropy was entered before its pool hash was shown, has no recorded author, or was used twice.",
        ),
        "verify.months_order": ("Айлардың реті", "Порядок месяцев", "Months in order"),
        "verify.months_order.text": (
            "Ресми ай кезеңнің алдыңғы айынан бұрын ойнатылған.",
            "Официальный месяц разыгран раньше предыдущего месяца периода.",
            "An official month was drawn before an earlier month of the period.",
        ),
        "verify.bundle": ("Тексеру пакеті", "Пакет для проверки", "Verification bundle"),
        "verify.bundle.text": (
            "Тексеру пакетінің бөліктері бір-бірімен немесе журналмен сәйкес келмейді: техникалық мәліметті қараңыз.",
            "Части пакета для проверки не согласуются друг с другом или с журналом: см. технические подробности.",
            "The parts of the verification bundle disagree with each other or with the record: see the technical details.",
        ),
        "verify.protocol": ("Қол қойылған хаттама", "Подписанный протокол", "Signed protocol"),
        "verify.protocol.text": (
            "Қол қойылған хаттама журналмен (тізбек басы, манифест немесе қол қоюшы) сәйкес келмейді: техникалық мәліметті қараңыз.",
            "Подписанный протокол не согласуется с журналом (вершина цепочки, манифест или подписант): см. технические подробности.",
            "The signed protocol disagrees with the record (the audit chain head, the manifest or the signer): see the technical details.",
        ),
    }
)

# ---- presentation (issue 9)
ENTRIES.update(
    {
        "present.cert": ("№ {n}", "№ {n}", "No. {n}"),
        "present.drawn_number": ("Түскен нөмір: {n}", "Выпавший номер: {n}", "Drawn number: {n}"),
        "present.step_pool": ("Пул және хэш", "Пул и хэш", "Pool and hash"),
        "present.step_commission": ("Комиссия", "Комиссия", "Commission"),
        "present.step_numbers": ("Кездейсоқ сандар", "Случайные числа", "Random numbers"),
        "present.step_winners": ("Жеңімпаздар", "Победители", "Winners"),
        "present.rehearsal": ("РЕПЕТИЦИЯ", "РЕПЕТИЦИЯ", "REHEARSAL"),
        "present.tier": ("{tier} ₸ сертификаттары", "Сертификаты {tier} ₸", "Certificates of {tier} ₸"),
        "present.redraw_title": (
            "№ {certificate} сертификатты қайта ойнату · {tier} ₸",
            "Повторный розыгрыш сертификата № {certificate} · {tier} ₸",
            "Re-draw of certificate no. {certificate} · {tier} ₸",
        ),
        "present.pool_size": ("Пулдағы қатысушылар", "Участников в пуле", "Participants in the pool"),
        "present.participants": ("Қатысушылар", "Участников", "Participants"),
        "present.to_draw": ("Ойнатылады", "Будет разыграно", "To be drawn"),
        "present.pool_hash": (
            "Пул хэші (SHA-256): кездейсоқ сандардан бұрын жарияланады",
            "Хэш пула (SHA-256): объявляется до случайных чисел",
            "Pool hash (SHA-256): announced before any random number",
        ),
        "present.pool_hash_short": ("Пул хэші", "Хэш пула", "Pool hash"),
        "present.ticket": ("RANDOM.ORG билеті: {ticket}", "Билет RANDOM.ORG: {ticket}", "RANDOM.ORG ticket: {ticket}"),
        "present.now_waiting": (
            "Пул жақында бекітіледі: алдымен оның көлемі мен хэші көрсетіледі.",
            "Сейчас пул будет зафиксирован: сначала показываются его размер и хэш.",
            "The pool is about to be frozen: its size and hash come first.",
        ),
        "present.now_frozen": (
            "Комиссия пул көлемі мен хэшін дауыстап оқиды.",
            "Комиссия оглашает размер и хэш пула.",
            "The commission reads the pool size and hash aloud.",
        ),
        "present.now_numbers_randomorg": (
            "RANDOM.ORG-тан 1…{size} аралығынан {n} сан сұралады.",
            "У RANDOM.ORG запрашивается {n} чисел от 1 до {size}.",
            "RANDOM.ORG is asked for {n} numbers from 1 to {size}.",
        ),
        "present.now_numbers_offline": (
            "Офлайн әдіс: комиссия барлығының көзінше энтропия енгізеді.",
            "Офлайн-способ: комиссия при всех вводит энтропию.",
            "Offline method: the commission enters the entropy in front of everyone.",
        ),
        "present.now_drawing": (
            "Сандар RANDOM.ORG-тан сұралуда…",
            "Числа запрашиваются у RANDOM.ORG…",
            "Asking RANDOM.ORG for the numbers…",
        ),
        "present.now_drawing_offline": ("Жеңімпаздар есептелуде…", "Победители вычисляются…", "Computing the winners…"),
        "present.now_empty": (
            "Бұл номиналда қатысушы жоқ: {n} сертификат келесі айға ауысады.",
            "В этом номинале нет участников: сертификаты ({n}) переносятся на следующий месяц.",
            "No participant in this tier: {n} certificates carry over to the next month.",
        ),
        "present.nobody": (
            "Ойнататын қатысушы қалмады: {n} сертификат ауысады.",
            "Не осталось участников для розыгрыша: сертификаты ({n}) переносятся.",
            "Nobody is left to draw: {n} certificates carry over.",
        ),
        "present.signature_ok": (
            "RANDOM.ORG қолтаңбасы тексерілді, нәтиже № {serial}",
            "Подпись RANDOM.ORG проверена, результат № {serial}",
            "RANDOM.ORG signature verified, result no. {serial}",
        ),
        "present.offline": (
            "Офлайн әдіс, энтропия: {entropy}",
            "Офлайн-способ, энтропия: {entropy}",
            "Offline method, entropy: {entropy}",
        ),
        "present.summary_title": ("{month}: жеңімпаздар", "{month}: победители", "{month}: the winners"),
        "present.summary_sub": ("Барлығы {n} сертификат", "Всего сертификатов: {n}", "{n} certificates in all"),
        "present.no_month": (
            "Ұтысқа бекітілген ай әлі жоқ.",
            "Месяц для розыгрыша ещё не зафиксирован.",
            "No month is frozen for a draw yet.",
        ),
        # the operator's control view
        "present.show_here": (
            "Осы бетте көрермендер экранын көрсету",
            "Показать экран для зрителей на этой вкладке",
            "Show the audience screen in this tab",
        ),
        "present.show_here_help": (
            "Проектор үшін: бүйір панелі мен басқару элементтерінсіз, әр секунд сайын жаңарады. Шығу үшін мекенжайдан ?view=audience алып тастаңыз.",
            "Для проектора: без боковой панели и элементов управления, обновляется каждую секунду. Чтобы выйти, уберите ?view=audience из адреса.",
            "For the projector: no sidebar and no controls, refreshed every second. To leave it, remove ?view=audience from the address.",
        ),
        "present.open": (
            "Көрермендер экраны (жаңа қойынды)",
            "Экран для зрителей (новая вкладка)",
            "Audience screen (new tab)",
        ),
        "present.open_help": (
            "Бұл сілтемені проекторға шығарылған екінші экранда ашыңыз: ол осы беттің қадамдарын 1–2 секунд ішінде көрсетеді.",
            "Откройте эту ссылку на втором экране (проекторе): он показывает шаги этой страницы в течение 1–2 секунд.",
            "Open this link on the second screen (the projector): it shows this page's steps within 1–2 seconds.",
        ),
        "present.randomorg_ready": (
            "RANDOM.ORG бапталған: сандар RANDOM.ORG-тан қолтаңбамен келеді.",
            "RANDOM.ORG настроен: числа приходят от RANDOM.ORG с подписью.",
            "RANDOM.ORG is set up: the numbers come from RANDOM.ORG, signed.",
        ),
        "present.randomorg_rehearsal": (
            "Репетиция: RANDOM.ORG орнына осы компьютердегі алмастырғыш жауап береді; нәтиже есепке алынбайды.",
            "Репетиция: вместо RANDOM.ORG отвечает заменитель на этом компьютере; результат не засчитывается.",
            "Rehearsal: a stand-in on this computer answers for RANDOM.ORG; nothing counts.",
        ),
        "present.randomorg_missing": (
            "RANDOM.ORG бұл компьютерде бапталмаған: API кілті жоқ. Ұтыс комиссия шешімімен офлайн әдіспен өтеді: алдымен пул бекітіліп, хэші көрсетіледі, содан кейін комиссия барлығының көзінше энтропия енгізеді. (Әкімші RANDOM_ORG_API_KEY кілтін баптап, қолданбаны қайта іске қоса алады.)",
            "RANDOM.ORG на этом компьютере не настроен: нет API-ключа. Розыгрыш проводится офлайн-способом по решению комиссии: сначала пул фиксируется и показывается его хэш, затем комиссия при всех вводит энтропию. (Администратор может задать RANDOM_ORG_API_KEY и перезапустить приложение.)",
            "RANDOM.ORG is not set up on this computer: there is no API key. The draw is held with the offline method, by the commission's decision: the pool is frozen and its hash shown first, then the commission enters the entropy in front of everyone. (An administrator can set RANDOM_ORG_API_KEY and restart the app.)",
        ),
    }
)

# ---- sign-in cookie (issue 9)
ENTRIES.update(
    {
        "auth.sign_out_help": (
            "Осы браузерде шығу. Әйтпесе кіру осы браузерде {hours} сағат сақталады, бетті жаңартқанда да.",
            "Выйти в этом браузере. Иначе вход сохраняется в этом браузере {hours} ч, в том числе при обновлении страницы.",
            "Signs you out on this browser. Otherwise the sign-in lasts {hours} hours on this browser, page refreshes included.",
        ),
    }
)

# ---- claims/upload/documents (issue 9)
ENTRIES.update(
    {
        "claims.pick_hint": (
            "Әрекет ету үшін кестеде жолды немесе төмендегі тізімнен сертификатты таңдаңыз: таңдау мәртебе өзгергенде де сол күйінде қалады.",
            "Выберите строку в таблице или сертификат в списке ниже: выбор не сдвигается, когда меняется статус.",
            "Choose a row in the table, or a certificate in the list below: the choice stays put when its status changes.",
        ),
        "col.earlier_winners": ("Бұрынғы жеңімпаздар", "Прежние победители", "Earlier winners"),
        "claims.deadline_closed": ("Мерзімі: {deadline}", "Срок: {deadline}", "Deadline: {deadline}"),
        "claims.history_title": ("Сертификат тарихы", "История сертификата", "The certificate's history"),
        "claims.step": ("Не болды", "Что произошло", "What happened"),
        "col.when_local": ("Уақыты (Алматы)", "Время (Алматы)", "When (Almaty)"),
        "claims.event_drawn": ("Ұтыс ойынында ұтып алды", "Выиграл в розыгрыше", "Drawn"),
        "claims.event_redrawn": ("Қайталама ұтыста ұтып алды", "Выиграл в повторном розыгрыше", "Drawn at a re-draw"),
        "claims.event_contacted": ("Байланысқа шықты", "Вышел на связь", "Contacted"),
        "claims.event_claimed": ("Сертификат тапсырылды", "Сертификат вручён", "Certificate handed over"),
        "claims.event_forfeited": ("Сыйлықтан айырылды", "Лишён приза", "Forfeited"),
        "claims.event_unclaimed": (
            "14 күн ішінде хабарласпады деп белгіленді",
            "Отмечен: не вышел на связь за 14 дней",
            "Marked: no contact within 14 days",
        ),
        "claims.event_lapsed": (
            "14 күндік мерзім байланыссыз өтті",
            "14-дневный срок истёк без связи",
            "The 14-day window passed without contact",
        ),
        "claims.event_replaced": (
            "Қайталама ұтыста басқа жеңімпазбен ауыстырылды",
            "Заменён новым победителем повторного розыгрыша",
            "Replaced by the re-draw's winner",
        ),
        "claims.confirm_forfeit_title": (
            "Сыйлықтан айыруды растау",
            "Подтвердите лишение приза",
            "Confirm the forfeit",
        ),
        "claims.confirm_forfeit_who": (
            "Сыйлықтан айыру мына сертификатқа қатысты: **{certificate}**",
            "Лишение приза касается сертификата **{certificate}**",
            "The forfeit concerns certificate **{certificate}**",
        ),
        "claims.confirm_forfeit_effect": (
            "Мұны қайтаруға болмайды: жеңімпаз сыйлықтан айырылады (15-тармақ), сертификат комиссияның қайталама ұтысын күтеді.",
            "Это нельзя отменить: победитель лишается приза (пункт 15), сертификат ждёт повторного розыгрыша комиссией.",
            "This cannot be undone: the winner loses the prize (clause 15) and the certificate waits for the commission's re-draw.",
        ),
        "claims.confirm_forfeit_yes": ("Иә, сыйлықтан айыру", "Да, лишить приза", "Yes, record the forfeit"),
        "claims.confirm_forfeit_no": ("Болдырмау", "Отмена", "Cancel"),
        "upload.kept": (
            "Бұрын жүктелген файл көрсетілуде: {name}.",
            "Показан файл, загруженный ранее: {name}.",
            "Showing the file uploaded before: {name}.",
        ),
        "upload.forget": ("Басқа файл таңдау", "Выбрать другой файл", "Choose another file"),
        "col.carry_out_expected": ("Келесі айға (болжам)", "На следующий месяц (ожидается)", "Carry out (expected)"),
        "upload.empty_tier": (
            "{tier}: бұл айда қатысушы жоқ, ал алдыңғы айлардан сертификаттар ауыстырылған ({carried}). Ойнататын ешкім жоқ: олар осы айдың квотасымен бірге келесі айға өтеді (барлығы {to_draw}).",
            "{tier}: в этом месяце нет участников, хотя из прошлых месяцев перенесены сертификаты ({carried}). Разыграть их некому: они переходят на следующий месяц вместе с квотой этого месяца (всего {to_draw}).",
            "{tier}: no participant this month, though certificates were carried in from earlier months ({carried}). Nobody can win them: they carry over to the next month with this month's quota ({to_draw} in all).",
        ),
        "upload.freeze_title": ("Ұтыс ойынына бекіту", "Фиксация для розыгрыша", "Freeze for the draw"),
        "docs.one_click": (
            "Әр батырма құжатты басқан сәтте жасап, бірден жүктеп береді.",
            "Каждая кнопка создаёт документ в момент нажатия и сразу скачивает его.",
            "Each button makes its document when clicked and downloads it at once.",
        ),
        "docs.not_ready": (
            "{month} үшін аяқталған ұтыс әлі жоқ: басып шығаратын ештеңе жоқ.",
            "Для {month} ещё нет завершённого розыгрыша: печатать пока нечего.",
            "{month} has no finished draw yet: there is nothing to print.",
        ),
        "docs.audit_rehearsal": ("дайындық", "репетиция", "rehearsal"),
        "col.seq": ("№", "№", "No."),
        "col.subject": ("Неге қатысты", "К чему относится", "Concerns"),
        "col.entry_hash": ("Жазба хэші (SHA-256)", "Хэш записи (SHA-256)", "Entry hash (SHA-256)"),
        "audit.import": ("Файл ұтыс ойынына бекітілді", "Файл зафиксирован для розыгрыша", "File frozen for the draw"),
        "audit.rehearsal_started": ("Дайындық басталды", "Начата репетиция", "Rehearsal started"),
        "audit.commission": ("Комиссия құрамы жазылды", "Записан состав комиссии", "Commission recorded"),
        "audit.commission_defaults": (
            "Комиссияның әдепкі құрамы сақталды",
            "Сохранён состав комиссии по умолчанию",
            "Default commission saved",
        ),
        "audit.redraw_commission": (
            "Қайталама ұтыстағы комиссия жазылды",
            "Записана комиссия повторного розыгрыша",
            "Re-draw commission recorded",
        ),
        "audit.pool_frozen": (
            "Пул бекітілді, хэші көрсетілді",
            "Пул зафиксирован, хэш показан",
            "Pool frozen, hash shown",
        ),
        "audit.ticket_created": ("RANDOM.ORG билеті жасалды", "Создан билет RANDOM.ORG", "RANDOM.ORG ticket created"),
        "audit.draw_resumed": ("Ұтыс жалғастырылды", "Розыгрыш продолжен", "Draw resumed"),
        "audit.entropy_entered": (
            "Комиссия энтропияны енгізді",
            "Комиссия ввела энтропию",
            "Entropy entered by the commission",
        ),
        "audit.draw_done": (
            "Ұтыс өтті, жеңімпаздар сақталды",
            "Розыгрыш проведён, победители сохранены",
            "Draw done, winners stored",
        ),
        "audit.draw_failed": ("Ұтыс сәтсіз аяқталды", "Розыгрыш не удался", "Draw failed"),
        "audit.draw_blocked": (
            "Ұтыс тоқтатылды: нәтиже расталмады",
            "Розыгрыш заблокирован: результат не подтверждён",
            "Draw blocked: the result did not verify",
        ),
        "audit.ticket_abandoned": (
            "Комиссия билеттен бас тартты",
            "Комиссия отказалась от билета",
            "Ticket abandoned by the commission",
        ),
        "audit.claim": ("Сертификат мәртебесі өзгертілді", "Изменён статус сертификата", "Certificate status changed"),
        "audit.sign_in": ("Жүйеге кірді", "Вход в систему", "Signed in"),
        "audit.sign_in_failed": ("Жүйеге кіру сәтсіз", "Неудачная попытка входа", "Sign-in failed"),
        "audit.sign_out": ("Жүйеден шықты", "Выход из системы", "Signed out"),
        "audit.place_default": (
            "Ұтыс өтетін орын сақталды",
            "Сохранено место проведения розыгрыша",
            "Place of the draw saved",
        ),
    }
)

# ---- charts and formats (issue 9)
ENTRIES.update(
    {
        "charts.pick_something": (
            "Кемінде бір ай мен бір номиналды таңдаңыз.",
            "Выберите хотя бы один месяц и один номинал.",
            "Choose at least one month and one tier.",
        ),
        "charts.participants_per_tier": (
            "Номиналдар бойынша қатысушылар",
            "Участники по номиналам",
            "Participants per tier",
        ),
        "charts.participants_axis": ("Қатысушылар", "Участники", "Participants"),
        "charts.certificates_axis": ("Сертификаттар", "Сертификаты", "Certificates"),
        "charts.coverage_title": (
            "Номиналдар бойынша сертификаттар: ойнатылғаны мен квотасы",
            "Сертификаты по номиналам: разыграно и квота",
            "Certificates per tier: drawn against the quota",
        ),
        "charts.coverage_help": (
            "Жиектелген баған — ойнатылуы тиіс сертификаттар (2-кестедегі квота + ауыстырылғандар), толтырылғаны — ойнатылғаны. "
            "Қатысушылар сертификаттан аз болса, қалғаны келесі айға ауысады.",
            "Контур столбца — сертификаты к розыгрышу (квота из таблицы 2 + перенесённые), заливка — разыграно. "
            "Если участников меньше, чем сертификатов, остаток переносится на следующий месяц.",
            "Outline: certificates to draw (the Table 2 quota plus those carried in); filled: drawn. "
            "With fewer participants than certificates, the rest carries over to the next month.",
        ),
        "charts.to_draw_of": (
            "{tier}: ойнатылады (квота + ауыстырылған)",
            "{tier}: к розыгрышу (квота + перенос)",
            "{tier}: to draw (quota + carried in)",
        ),
        "charts.drawn_of": ("{tier}: ойнатылды", "{tier}: разыграно", "{tier}: drawn"),
        "charts.coverage_hover": (
            "Квота {quota} + ауыстырылған {carried} = {to_draw}; ойнатылды {drawn}; қатысушылар {pool}",
            "Квота {quota} + перенос {carried} = {to_draw}; разыграно {drawn}; участников {pool}",
            "Quota {quota} + carried in {carried} = {to_draw}; drawn {drawn}; participants {pool}",
        ),
        "charts.carry_title": (
            "Келесі айға ауысатын сертификаттар, номиналдар бойынша",
            "Сертификаты, перенесённые на следующий месяц, по номиналам",
            "Certificates carried over to the next month, per tier",
        ),
        "charts.unplayed_of": ("{tier}: ойнатылмаған", "{tier}: неразыгранные", "{tier}: unplayed"),
        "charts.no_carry": (
            "Таңдалған айларда ешбір сертификат келесі айға ауыспады: әр номиналда қатысушылар жеткілікті болды.",
            "В выбранных месяцах ни один сертификат не перенесён: участников в каждом номинале хватило.",
            "No certificate carried over in the chosen months: every tier had enough participants.",
        ),
        "charts.claim_rate_title": (
            "Тапсырылған сыйлықтар үлесі, номиналдар бойынша",
            "Доля вручённых призов по номиналам",
            "Claim rate per tier",
        ),
        "charts.claim_rate_axis": ("Ойнатылғанның %", "% от разыгранных", "% of drawn"),
        "charts.claim_rate_hover": (
            "{drawn} сертификаттың {claimed} тапсырылды",
            "вручено {claimed} из {drawn}",
            "{claimed} of {drawn} handed over",
        ),
        "charts.empty_all": (
            "Таңдалған айларда әзірге ұтыс та, бекітілген файл да жоқ: графиктер алғашқы файл мен ұтыстан кейін пайда болады. "
            "{budget} ₸ бюджет толық қалды.",
            "В выбранных месяцах пока нет ни розыгрышей, ни зафиксированных файлов: графики появятся после первого файла "
            "и розыгрыша. Бюджет {budget} ₸ не израсходован.",
            "No draw and no frozen file yet in the chosen months: the charts appear after the first file and draw. "
            "The whole budget of {budget} ₸ remains.",
        ),
        "charts.empty_draws": (
            "Таңдалған айларда әлі ұтыс өткізілмеген: график алғашқы ұтыстан кейін пайда болады.",
            "В выбранных месяцах розыгрышей ещё не было: график появится после первого розыгрыша.",
            "No draw yet in the chosen months: the chart appears after the first draw.",
        ),
        "charts.empty_claims": (
            "Таңдалған айларда әлі жеңімпаз жоқ: сыйлықтар ұтыстан кейін көрінеді.",
            "В выбранных месяцах победителей ещё нет: призы появятся после розыгрыша.",
            "No winners yet in the chosen months: claims appear after a draw.",
        ),
        "charts.empty_budget": (
            "Әзірге ештеңе ойнатылмаған және тапсырылмаған: {budget} ₸ бюджет толық қалды.",
            "Пока ничего не разыграно и не вручено: бюджет {budget} ₸ не израсходован.",
            "Nothing drawn or handed over yet: the whole budget of {budget} ₸ remains.",
        ),
        "charts.empty_exclusions": (
            "Таңдалған айларға әлі файл бекітілмеген: шығару себептері файл бекітілгеннен кейін көрінеді.",
            "Для выбранных месяцев файл ещё не зафиксирован: причины исключения появятся после фиксации файла.",
            "No file frozen yet for the chosen months: exclusions appear once a file is frozen.",
        ),
        "settings.place_title": ("Ұтыс ойынының өткізілетін орны", "Место проведения розыгрыша", "Place of the draw"),
        "settings.place_help": (
            "Хаттамада дәл осылай басылады: қазақ және орыс тілдерінде, интерфейс тіліне қарамастан.",
            "Так место печатается в протоколе: на казахском и русском, независимо от языка интерфейса.",
            "Printed exactly so in the protocol, in Kazakh and Russian, whatever the interface language.",
        ),
        "settings.place_save": ("Орынды сақтау", "Сохранить место", "Save the place"),
        "settings.place_saved": ("Орын сақталды.", "Место сохранено.", "The place is saved."),
        "docs.selfcheck_json": (
            "Қатысушының өзін-өзі тексеруі (JSON)",
            "Самопроверка участника (JSON)",
            "Entrant's self-check (JSON)",
        ),
        "docs.selfcheck_html": (
            "Қатысушының өзін-өзі тексеру беті (HTML)",
            "Страница самопроверки участника (HTML)",
            "Entrant's self-check page (HTML)",
        ),
        "docs.help_selfcheck_json": (
            "Жариялау тізімінің жанына: пул хэштері, түскен нөмірлер және әр орынның хэші; ешкімнің деректері жоқ.",
            "Публикуется рядом со списком: хэши пулов, выпавшие номера и хэш каждого места; ничьих данных нет.",
            "Published beside the list: pool hashes, the numbers drawn and a hash per place; nobody's data.",
        ),
        "docs.help_selfcheck_html": (
            "Қатысушы шоты мен ЖСН/БСН-ін енгізіп, пулдағы нөмірін және ұтқанын көреді; интернетсіз жұмыс істейді.",
            "Участник вводит счёт и ИИН/БИН и видит свой номер в пуле и выигрыш; работает без интернета.",
            "An entrant types their account and IIN/BIN and sees their number in the pool and whether they won; works offline.",
        ),
    }
)
