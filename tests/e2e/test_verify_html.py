"""verify.html, the auditor's check in a browser, against the Python verifier (RULES.md, "Public checks").

Real bundles (a hand-built offline month, and a rehearsal month drawn into a real SQLite file through
the loopback RANDOM.ORG stand-in), signed protocols, tampered copies of them; the page taken out of a
bundle, opened from file:// in headless Debian Chromium, the bundle set on its file input. Every
verdict of the page, check by check under the same check names, must equal
`engine.bundle.verify_bundle`'s, except the PDF's digital signature and signer, which the page says it
does not check. The page must make no network request at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.e2e.test_browser import SHOTS, chromium

pytestmark = pytest.mark.browser

SIGNED_2014 = Path(__file__).resolve().parents[1] / "engine" / "data" / "signed-example-2014.json"  # RANDOM.ORG's own


# --------------------------------------------------------------------------- bundles


def _unzip(data: bytes) -> tuple[dict, dict[str, bytes]]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return json.loads(zf.read("manifest.json")), {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}


def _zip(manifest: dict, files: dict[str, bytes], *, rehash: bool) -> bytes:
    """Pack again; `rehash`: as an attacker would, with every file hash in the manifest made to fit."""
    if rehash:
        manifest = {**manifest, "files": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(files.items())}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def _draw_standin_rehearsal(folder: Path):
    """March 2021 drawn as a rehearsal through the loopback stand-in into a fresh SQLite file."""
    from engine.demo import write_demo
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.randomorg import RandomOrgClient
    from engine.records import CommissionMember
    from engine.standin import StandIn
    from engine.store import Store

    (path,) = write_demo(folder, months=["2021-03"])
    store = Store(f"sqlite:///{folder / 'promotion.sqlite'}")
    draw_date = dt.date(2021, 4, 5)
    result = preview(path, month="2021-03", draw_date=draw_date, history=store.history())
    commission = (
        CommissionMember("chair", "Сәрсенбаев Ерлан Қайратұлы", "Директор"),
        CommissionMember("secretary", "Ілиясов Дәурен Ғалымұлы", "Хатшы"),
    )
    with (
        StandIn(licence="production") as standin,
        RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as client,
    ):
        draw_month(
            store,
            result,
            DrawOccasion("2021-03", draw_date, "random-org", rehearsal=True, place="Алматы қ."),
            client=client,
            commission=commission,
            protocol_number="R-2021-03",
        )
    return store


def _tampered(offline: bytes, standin: bytes) -> dict[str, bytes]:
    """The integrity tests' attacks, each on a copy of a good bundle."""
    from engine.offline import offline_select

    out = {}
    m, f = _unzip(offline)
    pool70 = next(n for n in f if n.startswith("pool-") and n.endswith("-70000.txt"))
    edited = {**f, pool70: f[pool70].replace(b"\n2,", b"\n2,0", 1)}
    out["pool-text-edited"] = _zip(m, edited, rehash=False)
    out["pool-text-edited-rehashed"] = _zip(m, edited, rehash=True)

    changed = json.loads(json.dumps(m))
    changed["draws"][0]["winners"][0]["account"] = "0000000000"
    out["winner-changed-in-manifest"] = _zip(changed, f, rehash=False)

    entropy = next(n for n in f if n.startswith("entropy-") and n.endswith("-100000.txt"))
    out["entropy-changed"] = _zip(m, {**f, entropy: f[entropy] + b" 6"}, rehash=False)
    out["entropy-changed-rehashed"] = _zip(m, {**f, entropy: f[entropy] + b" 6"}, rehash=True)

    # The adversarial tester's attack (a): entropy and winners rewritten around the genuine signed PDF,
    # every hash made to fit. Only the protocol's embedded data shows it.
    forged = json.loads(json.dumps(m))
    i = next(k for k, d in enumerate(forged["draws"]) if d.get("entropy_file") == entropy)
    d = forged["draws"][i]
    new_entropy = "6 6 6 6 6 6 6 6 6 6"
    lines = [line.split(",") for line in f[d["pool"]["file"]].decode().splitlines()]
    ordinals = offline_select(d["pool"]["sha256"], new_entropy, d["pool"]["size"], d["drawn"])
    d["winners"] = [
        {"certificate": c, "ordinal": o, "account": lines[o - 1][1], "client_id": lines[o - 1][2]}
        for c, o in enumerate(ordinals, 1)
    ]
    out["entropy-and-winners-forged"] = _zip(forged, {**f, entropy: new_entropy.encode()}, rehash=True)

    def flip(b: bytes) -> bytes:
        k = len(b) // 3
        return b[:k] + bytes([b[k] ^ 1]) + b[k + 1 :]

    pdf = m["protocol_file"]
    out["protocol-pdf-byte-changed"] = _zip(m, {**f, pdf: flip(f[pdf])}, rehash=False)
    out["protocol-pdf-byte-changed-rehashed"] = _zip(m, {**f, pdf: flip(f[pdf])}, rehash=True)
    selfcheck = f"selfcheck-{m['month']}.json"
    if selfcheck in f:  # the entrants' self-check: a commitment, and a drawn number, that are not the pools'
        doc = json.loads(f[selfcheck])
        doc["tiers"][0]["commitments"][0] = "0" * 64
        out["selfcheck-commitment-altered"] = _zip(m, {**f, selfcheck: json.dumps(doc).encode()}, rehash=True)
        doc = json.loads(f[selfcheck])
        doc["tiers"][-1]["drawn"][0] += 1
        out["selfcheck-drawn-altered"] = _zip(m, {**f, selfcheck: json.dumps(doc).encode()}, rehash=True)
    out["file-missing"] = _zip(m, {k: v for k, v in f.items() if k != entropy}, rehash=False)
    out["file-added"] = _zip(m, {**f, "notes.txt": b"added later"}, rehash=False)

    m, f = _unzip(standin)
    randoms = sorted(n for n in f if n.startswith("random-"))
    first = randoms[0]
    text = f[first]
    at = text.index(b'"data":[') + len(b'"data":[')
    end = text.index(b"]", at)
    signed_numbers = text[at:end].split(b",")
    numbers = [*signed_numbers[:-1], str(int(signed_numbers[-1]) % 1000 + 1).encode()]  # one number changed
    altered = text[:at] + b",".join(numbers) + text[end:]
    assert altered != f[first]
    out["signed-random-altered"] = _zip(m, {**f, first: altered}, rehash=False)
    out["signed-random-altered-rehashed"] = _zip(m, {**f, first: altered}, rehash=True)
    # A number written as 3.0: the same value to JavaScript, not an integer to the Python verifier.
    floated = text[:at] + b",".join([*signed_numbers[:-1], signed_numbers[-1] + b".0"]) + text[end:]
    out["signed-random-number-as-float"] = _zip(m, {**f, first: floated}, rehash=True)
    # Two genuinely signed results exchanged between tiers: the signatures hold, the binding does not.
    a, b = randoms[0], randoms[1]
    out["signed-results-swapped"] = _zip(m, {**f, a: f[b], b: f[a]}, rehash=True)
    wrong_ticket = json.loads(json.dumps(m))
    entry = next(d for d in wrong_ticket["draws"] if d.get("random_file"))
    entry["ticket_id"] = "0123456789abcdef"
    out["ticket-mismatch"] = _zip(wrong_ticket, f, rehash=False)
    wrong_user = json.loads(json.dumps(m))
    entry = next(d for d in wrong_user["draws"] if d.get("random_file"))
    entry["denomination"] = 1
    out["userdata-mismatch"] = _zip(wrong_user, f, rehash=False)
    out["not-a-zip"] = b"this is not a zip file"
    return out


@pytest.fixture(scope="session")
def bundles(tmp_path_factory):
    """name -> (ZIP bytes, Python findings): computed here, before any browser runs (pyHanko's own
    event loop must not meet Playwright's)."""
    from engine.bundle import verify_bundle
    from engine.rules import load_rules
    from reports.bundle import build_bundle, build_bundle_from_record
    from reports.pdf_check import protocol_pdf_verdict
    from reports.protocol import render_protocol
    from reports.signing import sign_pdf
    from tests.reports.sample_records import month_record

    base = tmp_path_factory.mktemp("verify-html")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROMOTION_DATA_DIR", str(base / "data"))
        for name in ("PROTOCOL_SIGNING_P12", "PROTOCOL_SIGNING_PASSWORD", "PROTOCOL_SIGNER_CERT"):
            mp.delenv(name, raising=False)
        rules = load_rules()
        record = month_record("offline")
        offline = build_bundle_from_record(record, sign_pdf(render_protocol(record, rules), data_dir=base / "data"))
        record = month_record("random-org")  # official, signed by a test key: the pinned key must refuse it
        official = build_bundle_from_record(record, sign_pdf(render_protocol(record, rules), data_dir=base / "data"))
        (base / "standin").mkdir()
        store = _draw_standin_rehearsal(base / "standin")
        try:
            standin = build_bundle(store, "2021-03", rules, rehearsal=True)
        finally:
            store.close()
        made = {
            "good-offline": offline,
            "good-standin-rehearsal": standin,
            "official-not-signed-by-random-org": official,
            **_tampered(offline, standin),
        }
        out = {}
        for name, data in made.items():
            path = base / f"{name}.zip"
            path.write_bytes(data)
            out[name] = (path, verify_bundle(data, check_pdf=protocol_pdf_verdict))
        # An organisation certificate configured: pinned in the page when the bundle is made, and by
        # verify_bundle. The attacker's protocol, re-rendered and signed with another certificate,
        # is intact but has the wrong signer.
        record = month_record("offline")
        org, attacker = base / "org", base / "attacker"
        mp.setenv("PROTOCOL_SIGNER_CERT", _fingerprint(org))
        pdf = render_protocol(record, rules)
        pinned = {
            "pinned-signer-genuine": build_bundle_from_record(record, sign_pdf(pdf, data_dir=org)),
            "pinned-signer-attacker": build_bundle_from_record(record, sign_pdf(pdf, data_dir=attacker)),
        }
        for name, data in pinned.items():
            path = base / f"{name}.zip"
            path.write_bytes(data)
            out[name] = (path, verify_bundle(data, check_pdf=protocol_pdf_verdict))
    return out


def _fingerprint(folder: Path) -> str:
    """The SHA-256 of the local self-signed signing certificate made in `folder`."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from reports.certificates import local_certificate_pem

    cert = x509.load_pem_x509_certificate(local_certificate_pem(folder))
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


@pytest.fixture(scope="session")
def pages(bundles, tmp_path_factory):
    """name -> file:// URL of the verify.html that bundle carries, written out to be opened from disk
    (the good offline bundle's page for a file that is no ZIP)."""
    folder = tmp_path_factory.mktemp("pages")
    out = {}
    for name, (path, _) in bundles.items():
        try:
            html = zipfile.ZipFile(path).read("verify.html")
        except zipfile.BadZipFile:
            html = zipfile.ZipFile(bundles["good-offline"][0]).read("verify.html")
        (folder / name).mkdir()
        (folder / name / "verify.html").write_bytes(html)
        out[name] = (folder / name / "verify.html").as_uri()
    return out


@pytest.fixture(scope="session")
def page_url(pages):
    return pages["good-offline"]


@pytest.fixture(scope="module")
def browser(bundles):
    """Module scope: Playwright's event loop must be gone before other modules sign PDFs (pyHanko)."""
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh page on verify.html; the Content-Security-Policy is bypassed so that any request the
    page tried would be made, and recorded here."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 768}, locale="en-GB")
    pg = context.new_page()
    pg.requests = []
    pg.errors = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _give(pg, selector: str, path) -> str:
    """Set a file (or folder) on the page's input and wait until that run's verdict is shown."""
    runs = int(pg.get_attribute("body", "data-runs"))
    pg.set_input_files(selector, str(path))
    pg.wait_for_selector(f'body[data-runs="{runs + 1}"]', state="attached")
    return pg.get_attribute("body", "data-verdict")


def _checks(pg) -> dict[str, bool | None]:
    return {
        li.get_attribute("data-check"): {"true": True, "false": False, "na": None}[li.get_attribute("data-ok")]
        for li in pg.query_selector_all("li[data-check]")
    }


def _check(pg, path) -> tuple[str, dict[str, bool | None]]:
    verdict = _give(pg, "#zip-input", path)
    return verdict, _checks(pg)


def _assert_same(bundles, name, verdict, checks, page_url, requests):
    """The page's checks are the Python verifier's, name for name and verdict for verdict. The one
    allowance: a PDF signature in an algorithm the browser cannot check is shown as not checked."""
    path, findings = bundles[name]
    try:
        pdf = json.loads(zipfile.ZipFile(path).read("manifest.json")).get("protocol_file", "")
    except zipfile.BadZipFile:
        pdf = ""
    unchecked = {k for k, v in checks.items() if v is None}
    assert unchecked <= {f"{pdf}: signature"}, name
    python = {f.name: f.ok for f in findings if f.name not in unchecked}
    assert {k: v for k, v in checks.items() if v is not None} == python, name
    assert verdict == ("ok" if all(python.values()) else "fail"), name
    assert requests == [page_url], requests


GOOD = ["good-offline", "good-standin-rehearsal", "pinned-signer-genuine"]
BAD = [
    "official-not-signed-by-random-org",
    "pool-text-edited",
    "pool-text-edited-rehashed",
    "winner-changed-in-manifest",
    "entropy-changed",
    "entropy-changed-rehashed",
    "entropy-and-winners-forged",
    "protocol-pdf-byte-changed",
    "protocol-pdf-byte-changed-rehashed",
    "file-missing",
    "file-added",
    "signed-random-altered",
    "signed-random-altered-rehashed",
    "signed-random-number-as-float",
    "signed-results-swapped",
    "ticket-mismatch",
    "userdata-mismatch",
    "not-a-zip",
    "pinned-signer-attacker",
    "selfcheck-commitment-altered",
    "selfcheck-drawn-altered",
]


@pytest.mark.parametrize("name", GOOD)
def test_good_bundle_is_green_in_the_browser_as_in_python(page, bundles, pages, name):
    page.goto(pages[name])
    path, findings = bundles[name]
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]  # Python: good, the PDF signature too
    verdict, checks = _check(page, path)
    assert verdict == "ok" and page.errors == []
    _assert_same(bundles, name, verdict, checks, pages[name], page.requests)
    assert sum(1 for k in checks if k.endswith(": winners")) == sum(1 for f in findings if f.name.endswith(": winners"))
    if name == "good-standin-rehearsal":
        assert any(k.endswith(": signature") and v for k, v in checks.items() if "pdf" not in k)
        assert "REHEARSAL" in page.inner_text("#results")
    # The PDF's signature is checked, its signer named; the page says it does not judge the signer.
    pdf = json.loads(zipfile.ZipFile(path).read("manifest.json"))["protocol_file"]
    assert checks[f"{pdf}: signature"] is True and checks[f"{pdf}: signer"] is True
    note = page.inner_text("#verdict")
    assert "PDF reader" in note
    assert ("pinned in this page" if name.startswith("pinned") else "not who signed it") in note


@pytest.mark.parametrize("name", BAD)
def test_tampered_bundle_is_red_in_the_browser_as_in_python(page, bundles, pages, name):
    if name not in bundles:
        pytest.skip("the bundles carry no entrants' self-check")
    page.goto(pages[name])
    _, findings = bundles[name]
    assert not all(f.ok for f in findings)
    verdict, checks = _check(page, bundles[name][0])
    assert page.errors == []
    _assert_same(bundles, name, verdict, checks, pages[name], page.requests)
    assert verdict == "fail"
    # The red lines name what is wrong.
    red = page.query_selector_all("li[data-ok=false]")
    assert red and all(li.inner_text().strip() for li in red)


def test_the_unpacked_folder_gives_the_same_verdicts(page, bundles, page_url, tmp_path):
    page.goto(page_url)
    for name in ("good-standin-rehearsal", "signed-results-swapped"):
        path, _ = bundles[name]
        folder = tmp_path / name
        zipfile.ZipFile(path).extractall(folder)
        (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # a file manager's, not the bundle's: ignored
        verdict = _give(page, "#dir-input", folder)
        _assert_same(bundles, name, verdict, _checks(page), page_url, page.requests)


def test_a_zip_dropped_on_the_page(page, bundles, page_url):
    """Drag and drop: a DataTransfer holding the bundle ZIP, dropped on the drop zone."""
    page.goto(page_url)
    path, _ = bundles["good-offline"]
    transfer = page.evaluate_handle(
        """([bytes, name]) => { const t = new DataTransfer();
                                t.items.add(new File([new Uint8Array(bytes)], name, {type: "application/zip"}));
                                return t; }""",
        [list(path.read_bytes()), path.name],
    )
    runs = int(page.get_attribute("body", "data-runs"))
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    page.wait_for_selector(f'body[data-runs="{runs + 1}"]', state="attached")
    _assert_same(
        bundles, "good-offline", page.get_attribute("body", "data-verdict"), _checks(page), page_url, page.requests
    )


def test_a_real_random_org_signature_verifies_with_the_pinned_key_in_the_browser(page, page_url):
    """The page's own code on RANDOM.ORG's real signed result of 2014: the key pinned in the page
    verifies it as stored, and one changed number breaks it."""
    from engine.randomorg import check_signed_text

    text = SIGNED_2014.read_text(encoding="utf-8")
    page.goto(page_url)
    check_signed_text(text)  # Python agrees that it is genuine
    verify = """async text => { const s = parseSigned(text);
                                return await verifySignature(s.randomText, s.signature, PINNED_KEY_PEM); }"""
    assert page.evaluate(verify, text) is True
    assert page.evaluate(verify, text.replace("[6, 1, 4, 4, 3, 6]", "[6, 1, 4, 4, 3, 5]")) is False


def test_languages_and_screenshots(browser, bundles, page_url):
    """Kazakh and Russian from the browser's language, a switch to English; screenshots of a good and
    tampered bundles at 1366x768 for the auditor."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for locale, word in (("kk-KZ", "Барлық тексеріс сәтті"), ("ru-RU", "Все проверки пройдены")):
        context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 768})
        pg = context.new_page()
        pg.goto(page_url)
        assert _give(pg, "#zip-input", bundles["good-offline"][0]) == "ok"
        assert word in pg.inner_text("#verdict")
        if locale == "kk-KZ":
            pg.screenshot(path=str(SHOTS / "verify-html-good-kk.png"))
        context.close()
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    pg.goto(page_url)
    pg.click("button[data-lang=ru]")
    assert "Проверка розыгрыша" in pg.inner_text("h1")
    pg.click("button[data-lang=en]")
    assert _give(pg, "#zip-input", bundles["good-standin-rehearsal"][0]) == "ok"
    assert "All checks passed" in pg.inner_text("#verdict")
    pg.screenshot(path=str(SHOTS / "verify-html-good.png"))
    for name, shot in (
        ("entropy-and-winners-forged", "verify-html-tampered"),
        ("signed-results-swapped", "verify-html-tampered-signed"),
    ):
        assert _give(pg, "#zip-input", bundles[name][0]) == "fail"
        assert "VERIFICATION FAILED" in pg.inner_text("#verdict")
        pg.evaluate("window.scrollTo(0, 0)")
        pg.screenshot(path=str(SHOTS / f"{shot}.png"))
        pg.locator("li[data-ok=false]").first.scroll_into_view_if_needed()
        pg.screenshot(path=str(SHOTS / f"{shot}-detail.png"))
    context.close()
