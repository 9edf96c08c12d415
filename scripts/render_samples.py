"""Write sample documents and their page images to artifacts/ so anyone can look at them.

    python scripts/render_samples.py [OUT_DIR]

Draws March 2021 of the demo spreadsheet twice into throw-away SQLite files
(offline method; RANDOM.ORG through the loopback stand-in, as a rehearsal),
renders every document from `Store.month_record()`, and converts each PDF page
to PNG with pdftoppm (-r 60) when poppler-utils is installed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from engine.records import CommissionMember

COMMISSION = (
    CommissionMember("chair", "Сәрсенбаев Ерлан Қайратұлы", "Корпоративтік бизнес дирекциясының директоры"),
    CommissionMember("member", "Жұмабаева Әсел Нұрланқызы", "Маркетинг бөлімінің басшысы"),
    CommissionMember("member", "Ким Сергей Викторович", "Главный юрисконсульт"),
    CommissionMember("member", "Өтегенова Гүлнұр Бақытқызы", "Қаржы бөлімінің бас маманы"),
    CommissionMember("secretary", "Ілиясов Дәурен Ғалымұлы", "Менеджер ЦКП"),
)


def _drawn_store(folder: Path, method: str):
    from engine.demo import write_demo
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.store import Store

    (path,) = write_demo(folder, months=["2021-03"])
    store = Store(f"sqlite:///{folder / 'promotion.sqlite'}")
    draw_date = dt.date(2021, 4, 5)
    result = preview(path, month="2021-03", draw_date=draw_date, history=store.history())
    place = "Алматы қ., Абай даңғылы, 86"
    if method == "offline":
        draw_month(
            store,
            result,
            DrawOccasion("2021-03", draw_date, "offline", place=place),
            entropy="4 1 6 6 2 3 5 1 2 6 3 4",
            protocol_number="ИҰ-2021-03",
            commission=COMMISSION,
        )
    else:
        from engine.randomorg import RandomOrgClient
        from engine.standin import StandIn

        with (
            StandIn(licence="production") as standin,
            RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as client,
        ):
            draw_month(
                store,
                result,
                DrawOccasion("2021-03", draw_date, "random-org", rehearsal=True, place=place),
                client=client,
                commission=COMMISSION,
            )
    return store


def _png(pdf: Path) -> list[Path]:
    if not shutil.which("pdftoppm"):
        return []
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    return sorted(pdf.parent.glob(pdf.stem + "-*.png"))


def main(argv: list[str] | None = None) -> int:
    from engine.rules import load_rules
    from reports.acts import render_acts
    from reports.bundle import build_bundle
    from reports.protocol_pdf import protocol_pdf
    from reports.publish import publication_html, publication_xlsx

    out = Path((argv or sys.argv[1:] or [Path(__file__).resolve().parent.parent / "artifacts"])[0])
    out.mkdir(parents=True, exist_ok=True)
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("PROMOTION_DATA_DIR", str(Path(tmp) / "data"))  # the local signing certificate
        for method, rehearsal in (("offline", False), ("standin", True)):
            folder = Path(tmp) / method
            folder.mkdir()
            store = _drawn_store(folder, "offline" if method == "offline" else "random-org")
            record = store.month_record("2021-03", rehearsal=rehearsal)
            files = {
                f"protocol-{method}.pdf": protocol_pdf(store, "2021-03", rules, rehearsal=rehearsal),
                f"acts-{method}.pdf": render_acts(record, winners=list(record.current_winners[:2]), rules=rules),
                f"publish-{method}.xlsx": publication_xlsx([record], rules),
                f"publish-{method}.html": publication_html([record], rules).encode(),
                f"bundle-{method}.zip": build_bundle(store, "2021-03", rules, rehearsal=rehearsal),
            }
            store.close()
            for name, data in files.items():
                path = out / name
                path.write_bytes(data)
                print(path)
                if name.endswith(".pdf"):
                    for png in _png(path):
                        print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
