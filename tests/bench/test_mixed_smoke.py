"""`hms bench mixed` on a tiny hospital for under a second per level: the whole path runs
(servers with one and two workers, logins through the form, charts, searches and
vital-sign writes that land) and the last line's keys are there. And the listening
socket `hms serve --workers N` shares with its workers turns Nagle's algorithm off."""

import asyncio
import json
import socket

import pytest

from hms.bench import mixed
from hms.seed.demo import seed_hospital


@pytest.fixture()
def bench_url(owner_url: str) -> str:
    """The run's test database (emptied before each test) with a tiny demo hospital."""
    seed_hospital(owner_url, patients=100)
    return owner_url


def test_mixed_bench_runs_without_errors(bench_url: str) -> None:
    result = mixed.run(
        bench_url,
        users=[1, 2],
        workers=[1, 2],
        seconds=0.6,
        warm_up=0.2,
        prime=0.3,
        hold=2.5,
        seed=7,
        say=lambda _: None,
    )
    out = json.loads(result.as_json())

    assert out["errors"] == 0, [p for lv in result.levels for p in lv.problems]
    for key in ("rps", "p95_ms", "chart_p50_ms", "search_p95_ms", "vitals_rps", "advisory_waits_max"):
        for users in (1, 2):
            for workers in (1, 2):
                assert f"{key}_c{users}_w{workers}" in out
    assert out["scaling_c2_over_c1_w1"] > 0
    assert "chart_p50_ms_c1_w2_minus_w1" in out
    assert all(sum(lv.kind(kind).count for lv in result.levels) > 0 for kind in mixed.KINDS)
    assert any(line.startswith("one user's chart, 2 workers vs 1") for line in result.lines())
    # The app processes' memory at each level's start and end, and whether it stayed flat.
    for workers in (1, 2):
        assert out[f"rss_mb_start_c1_w{workers}"] > 10
        assert out[f"rss_mb_end_c2_w{workers}"] > 10
        assert isinstance(out[f"rss_flat_w{workers}"], bool)
    assert all(len(lv.memory[1]) == lv.workers for lv in result.levels)
    # A hold of constant load after the levels: its memory's slope per 1,000 requests.
    for workers in (1, 2):
        assert out[f"hold_requests_w{workers}"] > 0
        assert out[f"hold_errors_w{workers}"] == 0
        assert isinstance(out[f"hold_rss_mb_per_1k_requests_w{workers}"], float)
        assert isinstance(out[f"hold_rss_flat_w{workers}"], bool)
    assert out["prime_seconds"] == 0.3 and out["hold_seconds"] == 2.5
    assert sum(line.startswith("  hold: 2 users") for line in result.lines()) == 2
    # The CPU time the app processes and the database backends spent per request.
    assert out["cpu_ms_per_request_app_c2_w1"] > 0 and out["cpu_ms_per_request_db_c2_w1"] > 0
    # And what the simulated users took of the same cores, and the whole machine: at least theirs.
    assert out["cpu_ms_per_request_bench_c2_w1"] > 0
    assert out["cpu_ms_per_request_machine_c2_w1"] >= out["cpu_ms_per_request_bench_c2_w1"]
    assert sum("the simulated users" in line for line in result.lines()) == len(result.levels)
    # What each kind of request costs: its SQL, and that SQL with and without the policy layer.
    for kind in mixed.KINDS:
        assert out[f"{kind}_statements"] > 0
        assert 0 < out[f"{kind}_sql_ms"] < out[f"{kind}_request_ms"]
        assert out[f"{kind}_sql_over_no_policy"] > 0


def test_workers_share_a_listener_that_sets_tcp_nodelay() -> None:
    import uvicorn

    from hms.cli import _tcp_listener

    config = uvicorn.Config("hms.app:create_app", factory=True, host="127.0.0.1", port=0, workers=2)
    listener = _tcp_listener(config)
    assert listener.proto == socket.IPPROTO_TCP
    assert listener.get_inheritable()

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            value = await asyncio.wait_for(seen, 5)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0


def test_the_holds_slope_is_memory_per_thousand_requests() -> None:
    assert mixed.rss_slope([(0, 100.0), (1000, 100.5), (2000, 101.0), (3000, 101.5)]) == pytest.approx(0.5)
    assert mixed.rss_slope([(0, 100.0), (5000, 100.0)]) == 0.0
    assert mixed.rss_slope([(0, 100.0)]) == 0.0
    hold = mixed.Hold(1, 32, 60.0, [(0, 90.0), (4000, 90.2), (8000, 90.1)], errors=0)
    assert hold.flat
    assert not mixed.Hold(1, 32, 60.0, [(0, 90.0), (4000, 92.0), (8000, 94.0)], errors=0).flat
