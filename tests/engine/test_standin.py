"""The RANDOM.ORG client against the loopback stand-in: draws, tickets, recovery, every failure kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from engine.randomorg import (
    RandomOrgClient,
    RandomOrgConfig,
    RandomOrgError,
    SignedResult,
    check_signed_file,
    check_signed_text,
    hashed_api_key,
)
from engine.standin import LICENSE, StandIn

USER_DATA = {"month": "2021-04", "tier": 5000, "pool_sha256": "ab" * 32, "note": "Іскерлік ұсыныс / test"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def client(standin):
    with RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as c:
        yield c


def kind_of(call) -> RandomOrgError:
    with pytest.raises(RandomOrgError) as err:
        call()
    return err.value


# --------------------------------------------------------------------------- good draws


def test_good_draw(client, standin):
    result = client.generate_signed_integers(25, 1, 1000, user_data=USER_DATA)
    assert len(result.data) == 25 and len(set(result.data)) == 25
    assert all(1 <= x <= 1000 for x in result.data)
    assert result.user_data == USER_DATA
    assert result.random["n"] == 25 and result.random["replacement"] is False
    assert result.method == "generateSignedIntegers"
    assert result.hashed_api_key == hashed_api_key(standin.api_key)
    assert result.serial_number == 1
    assert result.verify(standin.public_key_pem)
    assert standin.requests == ["generateSignedIntegers"]


def test_response_shaped_like_randomorg(standin):
    body = {
        "jsonrpc": "2.0",
        "method": "generateSignedIntegers",
        "params": {"apiKey": standin.api_key, "n": 2, "min": 1, "max": 6, "replacement": False, "base": 10},
        "id": 1,
    }
    result = httpx.post(standin.url, json=body).json()["result"]
    assert {"random", "signature", "bitsUsed", "bitsLeft", "requestsLeft", "advisoryDelay"} <= set(result)
    assert list(result["random"]) == [
        "method",
        "hashedApiKey",
        "n",
        "min",
        "max",
        "replacement",
        "base",
        "pregeneratedRandomization",
        "data",
        "license",
        "licenseData",
        "userData",
        "ticketData",
        "completionTime",
        "serialNumber",
    ]
    assert result["random"]["license"] == LICENSE
    assert result["random"]["completionTime"].endswith("Z")
    # The stand-in's own verifySignature agrees, and refuses a changed result.
    check = {
        "jsonrpc": "2.0",
        "method": "verifySignature",
        "params": {"random": result["random"], "signature": result["signature"]},
        "id": 2,
    }
    assert httpx.post(standin.url, json=check).json()["result"] == {"authenticity": True}
    result["random"]["data"] = [9, 9]
    assert httpx.post(standin.url, json=check).json()["result"] == {"authenticity": False}


def test_development_licence_flagged(client):
    result = client.generate_signed_integers(3, 1, 10, user_data=None)
    assert result.license == LICENSE
    assert result.development_licence is True


def test_serial_numbers_run_without_gaps_and_results_can_be_fetched(client, standin):
    results = [client.generate_signed_integers(2, 1, 9, user_data=i) for i in range(3)]
    assert [r.serial_number for r in results] == [1, 2, 3]
    assert client.get_result(2) == results[1]
    assert set(standin.results) == {1, 2, 3}
    assert client.get_usage()["status"] == "running"


def test_standin_result_never_passes_as_a_real_draw(standin, tmp_path):
    with RandomOrgClient(standin.api_key, standin.url, public_key_pem=standin.public_key_pem) as c:
        result = c.generate_signed_integers(3, 1, 10, user_data="rehearsal")
    path = tmp_path / "rehearsal.json"
    path.write_text(result.response_text, "utf-8")
    assert check_signed_file(path, standin.public_key_pem).data == result.data
    assert check_signed_text(result.response_text, standin.public_key_pem) == result
    assert kind_of(lambda: check_signed_text(result.response_text)).kind == "bad_signature"
    assert kind_of(lambda: check_signed_file(path)).kind == "bad_signature"  # pinned RANDOM.ORG key
    assert not result.verify()
    with RandomOrgClient(standin.api_key, standin.url) as pinned:  # a client with the real key refuses it
        assert kind_of(lambda: pinned.generate_signed_integers(3, 1, 10, user_data="x")).kind == "bad_signature"


# --------------------------------------------------------------------------- tickets


def test_ticket_flow(client, standin):
    ticket = client.create_ticket()
    assert client.get_ticket(ticket)["usedTime"] is None
    assert client.recover(ticket) is None
    result = client.generate_signed_integers(5, 1, 50, user_data=USER_DATA, ticket_id=ticket)
    assert result.ticket_id == ticket
    info = client.get_ticket(ticket)
    assert info["serialNumber"] == result.serial_number and info["usedTime"]
    err = kind_of(lambda: client.generate_signed_integers(5, 1, 50, user_data=USER_DATA, ticket_id=ticket))
    assert (err.kind, err.code) == ("ticket", 422)
    assert client.recover(ticket) == result
    assert kind_of(lambda: client.get_ticket("no-such-ticket")).kind == "ticket"


def test_recover_after_drop(client, standin):
    ticket = client.create_ticket()
    standin.mode = "drop"  # RANDOM.ORG answered, the answer never arrived
    err = kind_of(lambda: client.generate_signed_integers(5, 1, 50, user_data=USER_DATA, ticket_id=ticket))
    assert err.kind == "unreachable"
    standin.mode = "ok"
    recovered = client.recover(ticket)
    assert recovered is not None
    assert recovered.response_text == standin.results[recovered.serial_number]
    assert recovered.user_data == USER_DATA and recovered.ticket_id == ticket
    assert standin.requests == ["createTickets", "generateSignedIntegers", "getTicket", "getResult"]


def test_drop_before_leaves_ticket_unused(client, standin):
    ticket = client.create_ticket()
    standin.mode = "drop_before"
    assert kind_of(lambda: client.generate_signed_integers(2, 1, 5, user_data=1, ticket_id=ticket)).kind == (
        "unreachable"
    )
    standin.mode = "ok"
    assert client.recover(ticket) is None
    assert standin.results == {}


# --------------------------------------------------------------------------- failures by kind


def test_no_key_fails_before_any_request(standin):
    with RandomOrgClient("", standin.url, public_key_pem=standin.public_key_pem) as c:
        assert kind_of(lambda: c.generate_signed_integers(1, 1, 2, user_data=None)).kind == "no_key"
        assert kind_of(c.create_ticket).kind == "no_key"
    assert standin.requests == []


def test_unknown_key(standin):
    with RandomOrgClient("wrong-key", standin.url, public_key_pem=standin.public_key_pem) as c:
        err = kind_of(lambda: c.generate_signed_integers(1, 1, 2, user_data=None))
    assert (err.kind, err.code) == ("no_key", 400)


@pytest.mark.parametrize(
    ("mode", "kind", "code"),
    [
        ("key_not_running", "key_not_running", 401),
        ("allowance", "allowance", 402),
        ("bad_signature", "bad_signature", None),
        ("server_error", "server_error", None),
        ("drop", "unreachable", None),
        ("drop_before", "unreachable", None),
    ],
)
def test_failure_modes_map_to_kinds(client, standin, mode, kind, code):
    standin.mode = mode
    err = kind_of(lambda: client.generate_signed_integers(3, 1, 10, user_data=USER_DATA))
    assert (err.kind, err.code) == (kind, code)
    assert str(err)  # a plain-English message


def test_allowance_message_says_when_it_resets(client, standin):
    standin.mode = "allowance"
    assert "midnight UTC" in str(kind_of(client.get_usage))


def test_timeout():
    with StandIn(mode="timeout", hang_seconds=5) as server:
        with RandomOrgClient(server.api_key, server.url, public_key_pem=server.public_key_pem, timeout=0.5) as c:
            assert kind_of(lambda: c.generate_signed_integers(3, 1, 10, user_data=None)).kind == "timeout"


def test_unreachable_when_server_stopped():
    server = StandIn().start()
    url, key = server.url, server.public_key_pem
    server.stop()
    with RandomOrgClient(server.api_key, url, public_key_pem=key) as c:
        err = kind_of(lambda: c.generate_signed_integers(3, 1, 10, user_data=None))
    assert err.kind == "unreachable"


class ChangingTransport(httpx.HTTPTransport):
    """A meddling middlebox: rewrites the question before it reaches the server."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        payload = json.loads(request.read())
        payload["params"]["max"] = 11
        changed = httpx.Request(request.method, request.url, json=payload)
        return super().handle_request(changed)


def test_answer_to_another_question_is_protocol_error(standin):
    with RandomOrgClient(
        standin.api_key, standin.url, public_key_pem=standin.public_key_pem, transport=ChangingTransport()
    ) as c:
        err = kind_of(lambda: c.generate_signed_integers(3, 1, 10, user_data=None))
    assert err.kind == "protocol" and "max" in str(err)


class ReencodingTransport(httpx.HTTPTransport):
    """A server (or proxy) that sends the same JSON with different escapes than the signed text."""

    def __init__(self, rewrite) -> None:
        super().__init__()
        self.rewrite = rewrite

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        body = self.rewrite(response.read().decode("utf-8"))
        return httpx.Response(response.status_code, headers={"Content-Type": "application/json"}, text=body)


@pytest.mark.parametrize(
    "rewrite",
    [
        pytest.param(lambda body: body.replace("/", "\\/"), id="escaped-slashes"),
        pytest.param(lambda body: json.dumps(json.loads(body)), id="ascii-escapes-and-spaces"),
    ],
)
def test_signature_verifies_whatever_the_body_escapes(standin, rewrite):
    with RandomOrgClient(
        standin.api_key, standin.url, public_key_pem=standin.public_key_pem, transport=ReencodingTransport(rewrite)
    ) as c:
        result = c.generate_signed_integers(4, 1, 20, user_data=USER_DATA)
    assert result.user_data == USER_DATA
    assert result.response_text == standin.results[result.serial_number]  # the bytes the server signed


# --------------------------------------------------------------------------- pacing


def test_advisory_delay_obeyed():
    slept: list[float] = []
    with StandIn(advisory_delay_ms=1500) as server:
        with RandomOrgClient(
            server.api_key,
            server.url,
            public_key_pem=server.public_key_pem,
            sleep=slept.append,
            clock=lambda: 100.0,  # a stopped clock: the whole delay is still due
        ) as c:
            c.generate_signed_integers(1, 1, 10, user_data=None)
            assert slept == []
            c.generate_signed_integers(1, 1, 10, user_data=None)
    assert slept == [1.5]


def test_from_config(standin):
    cfg = RandomOrgConfig.from_env(
        {"RANDOM_ORG_API_KEY": standin.api_key, "RANDOM_ORG_URL": standin.url, "RANDOM_ORG_PUBLIC_KEY": ""}
    )
    with RandomOrgClient.from_config(cfg) as c:  # the pinned key: a stand-in result is refused
        assert kind_of(lambda: c.generate_signed_integers(1, 1, 3, user_data=None)).kind == "bad_signature"


# --------------------------------------------------------------------------- rehearsal server


def test_key_dir_keeps_key_serials_and_results(tmp_path):
    with StandIn(key_dir=tmp_path) as first:
        with RandomOrgClient(first.api_key, first.url, public_key_pem=first.public_key_pem) as c:
            ticket = c.create_ticket()
            earlier = c.generate_signed_integers(2, 1, 9, user_data="a", ticket_id=ticket)
    with StandIn(key_dir=tmp_path) as second:
        assert second.public_key_pem == first.public_key_pem
        assert (tmp_path / "standin-public-key.pem").read_bytes() == first.public_key_pem
        with RandomOrgClient(second.api_key, second.url, public_key_pem=second.public_key_pem) as c:
            assert c.generate_signed_integers(2, 1, 9, user_data="b").serial_number == 2
            assert c.recover(ticket) == earlier


def test_standin_command_line(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "engine.standin", "--port", "0", "--key-dir", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(4)]  # type: ignore[union-attr]
        settings = dict(line.strip().split("=", 1) for line in lines if "=" in line)
        assert settings["RANDOM_ORG_PUBLIC_KEY"] == str((tmp_path / "standin-public-key.pem").resolve())
        with RandomOrgClient.from_config(RandomOrgConfig.from_env(settings)) as c:
            result = c.generate_signed_integers(2, 1, 9, user_data=None)
        assert SignedResult.from_response_text(result.response_text) == result
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("url", ["not a url", "http://[::1"])
def test_bad_url_is_unreachable(url):
    with RandomOrgClient("some-key", url) as c:
        assert kind_of(c.get_usage).kind == "unreachable"
