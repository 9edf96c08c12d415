"""`python -m engine preview`: the JSON contract of issue 2 and the exit codes."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from tests.sheets import RU, Row, write_csv, write_xlsx

REPO = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "engine", "preview", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_contract(tmp_path):
    rows = [
        Row(account="0007315"),
        Row(account="0007316", monthly_fee=100),
        None,
        Row(account="0007317", monthly_fee="abc"),
        Row(account="0007318", monthly_fee=45000, connected_on=dt.date(2021, 4, 2)),
    ]
    path = write_xlsx(tmp_path / "наурыз.xlsx", rows, lang="kk")
    done = cli(path, "--json", "--draw-date", "2021-05-05")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"rows", "months", "eligible", "excluded", "errors", "notices"}
    assert out["rows"] == {"data": 4, "blank": 1, "eligible": 2, "excluded": 1, "errors": 1}
    assert [m["month"] for m in out["months"]] == ["2021-03", "2021-04"]
    assert out["months"][0]["tiers"][0] == {
        "denomination": 50000,
        "eligible": 1,
        "quota": 15,
        "carried_in": 0,
        "to_draw": 15,
        "carry_out": 14,
    }
    assert [t["denomination"] for t in out["months"][1]["tiers"]] == [50000, 70000, 100000]
    assert out["months"][1]["tiers"][2] == {
        "denomination": 100000,
        "eligible": 1,
        "quota": 2,
        "carried_in": 2,
        "to_draw": 4,
        "carry_out": 3,
    }
    first = out["eligible"][0]
    assert first == {
        "row": 2,
        "account": "0007315",
        "client_id": first["client_id"],
        "month": "2021-03",
        "denomination": 50000,
    }
    assert out["excluded"] == [{"row": 3, "account": "0007316", "reason": "fee_below_minimum"}]
    assert out["errors"][0]["row"] == 5 and out["errors"][0]["field"] == "monthly_fee" and out["errors"][0]["message"]
    assert any("255" in n for n in out["notices"])


def test_month_filter(tmp_path):
    path = write_csv(tmp_path / "m.csv", [RU(), RU(account="2", connected_on=dt.date(2021, 4, 1))], encoding="cp1251")
    out = json.loads(cli(path, "--json", "--month", "2021-04", "--draw-date", "2021-05-05").stdout)
    assert [e["reason"] for e in out["excluded"]] == ["other_month"]
    assert [m["month"] for m in out["months"]] == ["2021-04"]


def test_readable_summary(tmp_path):
    done = cli(write_xlsx(tmp_path / "m.xlsx", [Row()], lang="ru"), "--draw-date", "2021-04-01")
    assert done.returncode == 0
    assert "1 eligible" in done.stdout and "2021-03" in done.stdout and "50000" in done.stdout


def test_unreadable_file_exits_2_with_message(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [Row()], columns=["account", "client_id"])
    done = cli(path, "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "missing required columns" in done.stderr and "client_name" in done.stderr and "Traceback" not in done.stderr
    done = cli(tmp_path / "nothing.xlsx")
    assert done.returncode == 2 and "cannot open" in done.stderr


def test_help_imports_no_pandas():
    """`python -m engine --help` answers at once: no command module imports pandas at load time."""
    code = (
        "import sys, contextlib, io\nfrom engine.__main__ import build_parser\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    build_parser().parse_args(['--help'])\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'sqlalchemy', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_json_text_is_exactly_json_dumps_of_to_json(tmp_path):
    """The command writes `to_json_text()`, built from columns: the very text `json.dumps(to_json())` gives."""
    from engine.preview import preview

    rows = [
        Row(account='a"b\\c\n\u2028ы'),
        Row(account="0007316", monthly_fee=100),
        None,
        Row(account="0007317", monthly_fee="abc"),
        Row(account="Ω", connected_on=dt.date(2021, 4, 2), monthly_fee=31000),
    ]
    result = preview(write_xlsx(tmp_path / "m.xlsx", rows), draw_date=dt.date(2021, 5, 5))
    assert result.to_json_text() == json.dumps(result.to_json(), ensure_ascii=False)
    done = cli(tmp_path / "m.xlsx", "--json", "--draw-date", "2021-05-05")
    assert done.stdout == result.to_json_text() + "\n"
