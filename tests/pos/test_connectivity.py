"""The connection state: learnt from probes and from real calls, on injected clocks."""

from __future__ import annotations

import socket

import httpx
import pytest

from pos_app.core.api import ApiError, MpsClient, OutcomeUnknown, Unreachable
from pos_app.core.connectivity import ConnectivityMonitor, Link

from .api_shop import FaultyTransport, client_for, no_sleep_policy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Probe:
    """A probe that raises the next scripted error (None: the server answered)."""

    def __init__(self) -> None:
        self.next: BaseException | None = None
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1
        if self.next is not None:
            raise self.next


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def probe():
    return Probe()


@pytest.fixture
def monitor(probe, clock):
    return ConnectivityMonitor(probe, online_interval=30, offline_interval=5, clock=clock, wall_clock=clock)


def test_before_any_check_the_link_is_unknown_not_online(monitor):
    assert monitor.status.link is Link.UNKNOWN and monitor.status.last_success is None


def test_a_probe_that_gets_through_means_online_with_the_time(monitor, clock):
    status = monitor.check()
    assert status.link is Link.ONLINE and status.last_success == clock.now


def test_nothing_getting_through_is_offline_and_keeps_the_last_success(monitor, probe, clock):
    monitor.check()
    seen = clock.now
    clock.now += 40
    probe.next = Unreachable("ConnectError to gw.test")
    status = monitor.check()
    assert status.link is Link.OFFLINE and status.last_success == seen and status.last_checked == clock.now
    assert "ConnectError" in status.reason


def test_lost_answers_and_server_errors_are_degraded(monitor, probe):
    probe.next = OutcomeUnknown("HTTP 503 from the server", status=503)
    assert monitor.check().link is Link.DEGRADED


def test_a_refusal_still_means_the_server_is_there(monitor, probe):
    probe.next = ApiError(401, None, "Invalid API key")
    assert monitor.check().link is Link.ONLINE


def test_a_good_link_is_rechecked_only_after_a_quiet_spell(monitor, probe, clock):
    monitor.poll()
    clock.now += 29
    monitor.poll()
    assert probe.calls == 1
    clock.now += 1
    monitor.poll()
    assert probe.calls == 2


def test_a_bad_link_is_rechecked_sooner(monitor, probe, clock):
    probe.next = Unreachable("down")
    monitor.poll()
    clock.now += 5
    monitor.poll()
    assert probe.calls == 2


def test_real_calls_count_as_checks(monitor, probe, clock):
    monitor.observe(None)
    clock.now += 10
    assert monitor.poll().link is Link.ONLINE and probe.calls == 0


def test_listeners_hear_changes_only(monitor, probe):
    heard = []
    monitor.subscribe(lambda s: heard.append(s.link))
    monitor.check()
    monitor.check()
    probe.next = Unreachable("down")
    monitor.check()
    probe.next = None
    monitor.check()
    assert heard == [Link.ONLINE, Link.OFFLINE, Link.ONLINE]


def test_the_client_probe_and_its_calls_feed_the_monitor(shop, clock):
    transport = FaultyTransport()
    holder: dict[str, ConnectivityMonitor] = {}
    client = client_for(shop, transport=transport, observer=lambda e: holder["m"].observe(e),
                        retry=no_sleep_policy(0)[0])
    monitor = holder["m"] = ConnectivityMonitor(client.ping, clock=clock, wall_clock=clock)
    assert monitor.check().link is Link.ONLINE  # GET /auth/v1/health with the API key
    client.sign_in(shop.cashier.email, shop.cashier.password)
    transport.script = ["502"]
    with pytest.raises(OutcomeUnknown):
        client.session_info()
    assert monitor.status.link is Link.DEGRADED
    client.session_info()
    assert monitor.status.link is Link.ONLINE


def test_a_backend_that_is_not_there_is_offline(clock):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = MpsClient(httpx.Client(timeout=5), f"http://127.0.0.1:{port}", "anon", "SHOP1",
                       retry=no_sleep_policy(0)[0])
    assert ConnectivityMonitor(client.ping, clock=clock, wall_clock=clock).check().link is Link.OFFLINE
