"""`python -m reports …`: documents from a real store; a month not drawn is exit 2."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from reports.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def test_undrawn_month_is_a_clear_error(offline_store, tmp_path, capsys):
    _, url = offline_store
    out = tmp_path / "p.pdf"
    assert main(["protocol", "--month", "2021-05", "--db", url, "-o", str(out)]) == 2
    assert "2021-05" in capsys.readouterr().err and not out.exists()
    assert main(["protocol", "--month", "2021-13", "--db", url, "-o", str(out)]) == 2
    assert main(["act", "--month", "2021-03", "--db", url, "--certificate", "99", "-o", str(out)]) == 2
    assert main(["publish", "--month", "2021-03", "--db", url, "-o", str(tmp_path / "x.txt")]) == 2


@pytest.mark.parametrize(
    "command, name",
    [
        ("protocol", "p.pdf"),
        ("act", "a.pdf"),
        ("publish", "l.xlsx"),
        ("publish", "l.html"),
        ("accounting", "acc.xlsx"),
        ("bundle", "b.zip"),
    ],
)
def test_every_command_writes_its_file(offline_store, tmp_path, command, name):
    _, url = offline_store
    out = tmp_path / name
    assert main([command, "--month", "2021-03", "--db", url, "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data[:4] in (b"%PDF", b"PK\x03\x04") or b"<table" in data
    if name.endswith(".xlsx"):
        openpyxl.load_workbook(io.BytesIO(data))


def test_module_runs_as_a_process(offline_store, tmp_path):
    _, url = offline_store
    result = subprocess.run(
        [sys.executable, "-m", "reports", "protocol", "--month", "2020-01", "--db", url, "-o", str(tmp_path / "x.pdf")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "error:" in result.stderr
