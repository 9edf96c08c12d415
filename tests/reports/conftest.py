"""Fixtures: hand-built records, and real months drawn into a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.records import CommissionMember
from engine.rules import load_rules
from tests.reports.sample_records import month_record


@pytest.fixture(scope="session")
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def offline_record():
    return month_record("offline")


@pytest.fixture(scope="session")
def random_org_record():
    return month_record("random-org")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory, monkeypatch):
    """Never write the local signing certificate into the repository's data folder; no signer configured."""
    monkeypatch.setenv("PROMOTION_DATA_DIR", str(tmp_path_factory.getbasetemp() / "data"))
    monkeypatch.delenv("PROTOCOL_SIGNING_P12", raising=False)
    monkeypatch.delenv("PROTOCOL_SIGNING_PASSWORD", raising=False)
    monkeypatch.delenv("PROTOCOL_SIGNER_CERT", raising=False)


COMMISSION = (
    CommissionMember("chair", "Сәрсенбаев Ерлан Қайратұлы", "Директор"),
    CommissionMember("member", "Жұмабаева Әсел Нұрланқызы", "Маркетинг"),
    CommissionMember("secretary", "Ілиясов Дәурен Ғалымұлы", "Хатшы"),
)


def _draw(tmp_path_factory, name: str, method: str, rehearsal: bool = False):
    from engine.demo import write_demo
    from engine.draw import DrawOccasion, draw_month
    from engine.preview import preview
    from engine.store import Store

    folder = tmp_path_factory.mktemp(name)
    (path,) = write_demo(folder, months=["2021-03"])
    url = f"sqlite:///{folder / 'promotion.sqlite'}"
    store = Store(url)
    draw_date = dt.date(2021, 4, 5)
    result = preview(path, month="2021-03", draw_date=draw_date, history=store.history())
    occasion = DrawOccasion("2021-03", draw_date, method, rehearsal=rehearsal, place="Алматы қ.")
    kwargs = dict(commission=COMMISSION, protocol_number=f"{name}-2021-03")
    if method == "offline":
        draw_month(store, result, occasion, entropy="3 1 4 1 5 9 2 6", **kwargs)
    else:
        from engine.randomorg import RandomOrgClient
        from engine.standin import StandIn

        with (
            StandIn(licence="production") as standin,
            RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as client,
        ):
            draw_month(store, result, occasion, client=client, **kwargs)
    return store, url


@pytest.fixture(scope="session")
def offline_store(tmp_path_factory):
    store, url = _draw(tmp_path_factory, "offline", "offline")
    yield store, url
    store.close()


@pytest.fixture(scope="session")
def standin_store(tmp_path_factory):
    store, url = _draw(tmp_path_factory, "standin", "random-org", rehearsal=True)
    yield store, url
    store.close()
