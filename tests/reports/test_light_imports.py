"""Commands import only what they use (issue 10): real commands in real subprocesses.

`python -m reports …` makes its documents without Streamlit (whose secrets it reads
from secrets.toml directly), without matplotlib (the DejaVu fonts ship in
reports/fonts/) and without pandas; `python -m engine --help` imports no pandas.
What a process imported is read from its own sys.modules when the command is done:
behaviour, not timing (the timings are in benchmarks/commands.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import fonts
from reports.pdf_check import validate_pdf_signature
from tests.reports.pdftext import pdf_text

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("streamlit", "matplotlib", "pandas")

# Runs a module as `python -m` does, then reports its exit code and which heavy packages it imported.
RUN_AND_REPORT = """
import json, runpy, sys
module, sys.argv = sys.argv[1], sys.argv[1:]
code = 0
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
print(json.dumps({"code": code, "imported": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY,)


def run_and_report(module: str, *args: str, cwd: Path = ROOT, env: dict | None = None) -> tuple[dict, str]:
    """(report, stdout before the report) of `python -m module args` in a fresh interpreter."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_REPORT, module, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    *before, last = result.stdout.rstrip("\n").split("\n")
    return json.loads(last), "\n".join(before)


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
def test_documents_import_no_streamlit_matplotlib_or_pandas(offline_store, tmp_path, command, name):
    _, url = offline_store
    out = tmp_path / name
    report, stdout = run_and_report("reports", command, "--month", "2021-03", "--db", url, "-o", str(out))
    assert report == {"code": 0, "imported": []}, stdout
    assert out.stat().st_size > 0 and f"wrote {out}" in stdout


def test_engine_help_imports_no_pandas():
    report, stdout = run_and_report("engine", "--help")
    assert report == {"code": 0, "imported": []}
    for command in ("preview", "draw", "verify"):
        assert command in stdout


def test_the_command_line_protocol_embeds_dejavu_and_kazakh_letters_come_back(offline_store, tmp_path):
    _, url = offline_store
    out = tmp_path / "protocol.pdf"
    report, _ = run_and_report("reports", "protocol", "--month", "2021-03", "--db", url, "-o", str(out))
    assert report["code"] == 0
    data = out.read_bytes()
    embedded = set()
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]).split("+")[-1])  # a subset: "ABCDEF+DejaVuSans"
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"} <= embedded
    text = pdf_text(data)
    assert "Сәрсенбаев Ерлан Қайратұлы" in text and "Жұмабаева Әсел Нұрланқызы" in text  # the commission
    for letter in "әғқңөұүі":  # һ is not in this month's text: test_protocol's record has it (Һашимов)
        assert letter in text.lower(), letter


def test_the_fonts_ship_with_their_licence_in_the_package():
    folder = fonts.font_dir()
    assert folder == Path(fonts.__file__).resolve().parent / "fonts"
    for file_name in fonts._FILES.values():
        assert (folder / file_name).read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    licence = fonts.LICENCE.read_text("utf-8")
    assert "Bitstream Vera" in licence and "DejaVu changes are in public domain" in licence


def _pkcs12(folder: Path, common_name: str, password: str) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path = folder / "organisation.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, None, serialization.BestAvailableEncryption(password.encode())
        )
    )
    return path


def test_the_command_line_still_signs_with_the_certificate_named_in_secrets_toml(offline_store, tmp_path):
    """Without Streamlit the command reads .streamlit/secrets.toml itself, as `st.secrets` would."""
    _, url = offline_store
    p12 = _pkcs12(tmp_path, "Organisation from secrets.toml", "pässword")
    project = tmp_path / "project"
    (project / ".streamlit").mkdir(parents=True)
    (project / ".streamlit" / "secrets.toml").write_text(
        f'PROTOCOL_SIGNING_P12 = {json.dumps(str(p12))}\nPROTOCOL_SIGNING_PASSWORD = "pässword"\n', "utf-8"
    )
    out = tmp_path / "protocol.pdf"
    report, _ = run_and_report(
        "reports",
        "protocol",
        "--month",
        "2021-03",
        "--db",
        url,
        "-o",
        str(out),
        cwd=project,
        env={"HOME": str(tmp_path / "home")},
    )
    assert report == {"code": 0, "imported": []}
    status = validate_pdf_signature(out.read_bytes())
    assert status.ok and "Organisation from secrets.toml" in status.signer


SECRET_UNDER_STREAMLIT = """
import streamlit
from reports import certificates
print(certificates.config.setting("PROTOCOL_SIGNER_CERT"))
"""


def test_the_app_and_the_command_line_read_the_same_secrets(tmp_path):
    """The signing settings come from engine.config (environment, then the default secrets.toml files),
    whether or not Streamlit runs in the process: one answer for the app and the command line."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('PROTOCOL_SIGNER_CERT = "from the folder"\n', "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path / "home")}
    env.pop("PROTOCOL_SIGNER_CERT", None)
    under = subprocess.run(
        [sys.executable, "-c", SECRET_UNDER_STREAMLIT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert under.returncode == 0, under.stderr
    assert under.stdout.strip() == "from the folder"
    bare = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from reports import certificates\n"
            "print(certificates.config.setting('PROTOCOL_SIGNER_CERT'), 'streamlit' in sys.modules)",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bare.returncode == 0, bare.stderr
    assert bare.stdout.strip() == "from the folder False"


def test_rendering_a_protocol_needs_neither_the_draw_engine_nor_the_database():
    """The renderer takes a MonthRecord; what it embeds (engine.protocol_data) is built from the records
    alone, so a protocol can be rendered and signed without importing SQLAlchemy or the draw engine."""
    code = (
        "import sys; import reports.protocol, reports.protocol_pdf, reports.pdf_check; "
        "print(sorted(m for m in ('sqlalchemy', 'engine.draw', 'engine.store', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
