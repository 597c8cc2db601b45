"""Fixtures for the Metronome emulator conformance suite.

The session server binary is taken from $METRONOME_EMULATOR_BIN, else
<repo>/.build/release/metronome-emulator if it exists, else
<repo>/.build/debug/metronome-emulator.
"""

from __future__ import annotations

from typing import Callable, Iterator, List

import httpx
import pytest

from helpers import (
    ALL_PROCESSES,
    EmulatorProcess,
    make_client,
    make_http,
    start_emulator,
)


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    try:
        proc = start_emulator(label="session emulator")
    except RuntimeError as e:
        pytest.fail(f"could not start the emulator:\n{e}", pytrace=False)
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def base_url(emulator: EmulatorProcess) -> str:
    return emulator.base_url


@pytest.fixture(scope="session")
def client(base_url: str):
    c = make_client(base_url)
    yield c
    c.close()


@pytest.fixture(scope="session")
def http(base_url: str) -> Iterator[httpx.Client]:
    c = make_http(base_url)
    yield c
    c.close()


@pytest.fixture(autouse=True)
def _reset_emulator(request, base_url: str) -> None:
    # Remember how much stderr every server has produced so far; on failure only
    # the part produced during this test is printed.
    request.node._emulator_offsets = {id(p): p.stderr_size() for p in ALL_PROCESSES}
    r = httpx.post(base_url + "/_emulator/reset", timeout=15.0)
    assert r.status_code == 200, f"POST /_emulator/reset failed: {r.status_code} {r.text}"


@pytest.fixture
def spawn_emulator() -> Iterator[Callable[..., EmulatorProcess]]:
    """Factory for additional emulator processes with extra CLI flags.

    spawn_emulator("--api-key", "k1")                  -> started and healthy
    spawn_emulator("--db", "/x", wait=False)            -> started, not waited for
    All processes are stopped at teardown."""
    started: List[EmulatorProcess] = []

    def _spawn(*extra_args: str, wait: bool = True, port: int | None = None) -> EmulatorProcess:
        if wait and port is None:
            p = start_emulator(*extra_args, label=f"extra emulator {' '.join(extra_args)}")
        else:
            p = EmulatorProcess(tuple(extra_args), port=port, label=f"extra emulator {' '.join(extra_args)}")
            p.start()
            if wait:
                p.wait_healthy()
        started.append(p)
        return p

    yield _spawn
    for p in started:
        p.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    offsets = getattr(item, "_emulator_offsets", {})
    for p in ALL_PROCESSES:
        text = p.read_stderr(offsets.get(id(p), 0))
        if text.strip():
            rep.sections.append((f"{p.label} stderr ({p.base_url})", text[-8000:]))
