"""Shared helpers for the conformance suite (process management + assertions)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, List, Optional

import httpx
import metronome
from metronome import Metronome

REPO_ROOT = Path(__file__).resolve().parents[2]

USD_CENTS_ID = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
USD_CENTS_NAME = "USD (cents)"

# RFC 3339, UTC, millisecond precision: 2026-03-15T12:00:00.000Z
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

HEALTH_TIMEOUT_S = 10.0


# --------------------------------------------------------------------------------------
# Binary / process management
# --------------------------------------------------------------------------------------


def emulator_binary() -> Path:
    env = os.environ.get("METRONOME_EMULATOR_BIN")
    if env:
        return Path(env)
    release = REPO_ROOT / ".build" / "release" / "metronome-emulator"
    if release.exists():
        return release
    return REPO_ROOT / ".build" / "debug" / "metronome-emulator"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ALL_PROCESSES: List["EmulatorProcess"] = []


class EmulatorProcess:
    """One emulator process, its stdout/stderr captured to temp files."""

    def __init__(self, extra_args: tuple = (), port: Optional[int] = None, label: str = "emulator"):
        self.host = "127.0.0.1"
        self.port = port if port is not None else free_port()
        self.extra_args = list(extra_args)
        self.label = label
        fd, self.stderr_path = tempfile.mkstemp(prefix="metronome-emulator-", suffix=".stderr")
        os.close(fd)
        fd, self.stdout_path = tempfile.mkstemp(prefix="metronome-emulator-", suffix=".stdout")
        os.close(fd)
        self.proc: Optional[subprocess.Popen] = None
        ALL_PROCESSES.append(self)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def argv(self) -> List[str]:
        return [str(emulator_binary()), "--host", self.host, "--port", str(self.port), *self.extra_args]

    def start(self) -> "EmulatorProcess":
        binary = emulator_binary()
        if not binary.exists():
            raise RuntimeError(
                f"emulator binary not found at {binary}; build it or set METRONOME_EMULATOR_BIN"
            )
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        return self

    def stderr_size(self) -> int:
        try:
            return os.path.getsize(self.stderr_path)
        except OSError:
            return 0

    def read_stderr(self, offset: int = 0) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def describe(self) -> str:
        rc = None if self.proc is None else self.proc.poll()
        return (
            f"{self.label}: argv={self.argv!r} exit_code={rc!r}\n"
            f"--- stderr ---\n{self.read_stderr()[-8000:]}"
        )

    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT_S) -> "EmulatorProcess":
        deadline = time.monotonic() + timeout
        last_error: object = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited before becoming healthy\n{self.describe()}")
            try:
                r = httpx.get(self.base_url + "/_emulator/health", timeout=1.0)
                if r.status_code == 200:
                    return self
                last_error = f"HTTP {r.status_code}: {r.text[:200]}"
            except httpx.HTTPError as e:  # not listening yet
                last_error = e
            time.sleep(0.05)
        raise RuntimeError(
            f"emulator did not answer GET /_emulator/health with 200 within {timeout}s "
            f"(last: {last_error!r})\n{self.describe()}"
        )

    def wait_exit(self, timeout: float = 10.0) -> Optional[int]:
        """Wait for the process to exit on its own; returns exit code or None on timeout."""
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def sigkill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def start_emulator(*extra_args: str, label: str = "emulator", retries: int = 3) -> EmulatorProcess:
    """Start an emulator on a free port and wait for it to become healthy.

    Retries on a fresh port if the process dies during startup (port race)."""
    last: Optional[Exception] = None
    for _ in range(retries):
        p = EmulatorProcess(tuple(extra_args), label=label).start()
        try:
            return p.wait_healthy()
        except RuntimeError as e:
            last = e
            p.stop()
            if p.proc is not None and p.proc.poll() is not None and "in use" not in p.read_stderr().lower():
                break
    raise RuntimeError(str(last))


def start_emulator_without_demo_catalog(folder: Path) -> EmulatorProcess:
    """An emulator whose fixtures are the project's credit types only (no demo catalog of
    billable metrics, products and rate cards), for tests that count what they create."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "credit_types.json").write_bytes((REPO_ROOT / "fixtures" / "credit_types.json").read_bytes())
    return start_emulator("--fixtures", str(folder), label="emulator without the demo catalog")


# --------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------


def make_client(base_url: str, token: str = "test") -> Metronome:
    return Metronome(
        bearer_token=token,
        base_url=base_url,
        _strict_response_validation=True,
        max_retries=0,
        timeout=15.0,
    )


def make_http(base_url: str, token: Optional[str] = "test") -> httpx.Client:
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=base_url, headers=headers, timeout=15.0)


# --------------------------------------------------------------------------------------
# Assertions
# --------------------------------------------------------------------------------------


def _check_message_body(body: object, context: str) -> None:
    assert isinstance(body, dict), f"error body is not a JSON object: {body!r} ({context})"
    msg = body.get("message")
    assert isinstance(msg, str) and msg.strip(), f"error body has no non-empty 'message': {body!r} ({context})"


def assert_error_response(resp: httpx.Response, status: int) -> dict:
    """Raw httpx response must be `status` with a JSON {"message": "..."} body."""
    assert resp.status_code == status, (
        f"{resp.request.method} {resp.request.url}: expected HTTP {status}, "
        f"got {resp.status_code}: {resp.text[:500]}"
    )
    try:
        body = resp.json()
    except ValueError:
        raise AssertionError(f"error body is not JSON: {resp.text[:500]!r}")
    _check_message_body(body, f"{resp.request.method} {resp.request.url}")
    return body


_STATUS_CLASSES = {
    400: metronome.BadRequestError,
    401: metronome.AuthenticationError,
    404: metronome.NotFoundError,
    409: metronome.ConflictError,
    501: metronome.InternalServerError,
}


@contextlib.contextmanager
def expect_api_error(status: int) -> Iterator[dict]:
    """SDK call inside must raise the APIStatusError matching `status` with a message body."""
    info: dict = {}
    try:
        yield info
    except metronome.APIStatusError as e:
        assert e.status_code == status, (
            f"expected HTTP {status}, got {e.status_code}: {e.response.text[:500]}"
        )
        cls = _STATUS_CLASSES.get(status, metronome.APIStatusError)
        assert isinstance(e, cls), f"expected {cls.__name__}, got {type(e).__name__}"
        _check_message_body(e.body, f"HTTP {status}")
        info["error"] = e
        return
    raise AssertionError(f"expected HTTP {status} error, but the call succeeded")


def assert_timestamp_format(value: object) -> None:
    assert isinstance(value, str) and TIMESTAMP_RE.match(value), (
        f"timestamp {value!r} is not RFC 3339 UTC with milliseconds (e.g. 2026-03-15T12:00:00.000Z)"
    )


def assert_uuid4(value: object) -> None:
    assert isinstance(value, str), f"id {value!r} is not a string"
    try:
        u = uuid.UUID(value)
    except ValueError:
        raise AssertionError(f"id {value!r} is not a UUID")
    assert str(u) == value.lower(), f"id {value!r} is not in canonical UUID form"
    assert u.version == 4, f"id {value!r} is not a version-4 UUID"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --------------------------------------------------------------------------------------
# Control-plane helpers
# --------------------------------------------------------------------------------------


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def freeze_clock(http: httpx.Client, when: datetime | str) -> None:
    now = when if isinstance(when, str) else iso(when)
    r = http.post("/_emulator/clock", json={"now": now})
    assert r.status_code == 200, f"freezing clock failed: {r.status_code} {r.text}"


def unfreeze_clock(http: httpx.Client) -> None:
    r = http.post("/_emulator/clock", json={"now": None})
    assert r.status_code == 200, f"unfreezing clock failed: {r.status_code} {r.text}"


def get_clock(http: httpx.Client) -> dict:
    r = http.get("/_emulator/clock")
    assert r.status_code == 200, f"GET clock failed: {r.status_code} {r.text}"
    return r.json()
