"""Every route the emulator serves, as its router lists them (`metronome-emulator --print-routes`).

Tests that must cover every route compare their own explicit lists with these, so a route added
to (or dropped from) the router fails them until the lists are updated."""

from __future__ import annotations

import functools
import re
import subprocess
from typing import List, Tuple

from helpers import emulator_binary

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_LINE = re.compile(r"^(" + "|".join(METHODS) + r") (/\S*)( 501)?$")


@functools.lru_cache(maxsize=None)
def _route_table() -> Tuple[Tuple[str, str, bool], ...]:
    """(METHOD, path template, answers 501) of every route, read once from the binary."""
    binary = emulator_binary()
    if not binary.exists():
        raise RuntimeError(f"emulator binary not found at {binary}; build it or set METRONOME_EMULATOR_BIN")
    done = subprocess.run([str(binary), "--print-routes"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{binary} --print-routes exited with {done.returncode}:\n{done.stderr}{done.stdout}")
    table = []
    for line in done.stdout.splitlines():
        if not line.strip():
            continue
        m = _LINE.match(line)
        if m is None:
            raise RuntimeError(f"{binary} --print-routes: unexpected line {line!r}")
        table.append((m.group(1), m.group(2), m.group(3) is not None))
    if not table:
        raise RuntimeError(f"{binary} --print-routes printed no routes")
    duplicates = sorted({(m, p) for m, p, _ in table if sum(1 for r in table if r[:2] == (m, p)) > 1})
    if duplicates:
        raise RuntimeError(f"{binary} --print-routes lists routes more than once: {duplicates}")
    return tuple(table)


def built_routes() -> List[Tuple[str, str]]:
    """(METHOD, path template) of every route that has a handler, control plane included."""
    return [(method, template) for method, template, not_built in _route_table() if not not_built]


def not_yet_built_routes() -> List[Tuple[str, str]]:
    """(METHOD, path template) of every Metronome endpoint that answers 501."""
    return [(method, template) for method, template, not_built in _route_table() if not_built]


def all_routes() -> List[Tuple[str, str]]:
    return built_routes() + not_yet_built_routes()


PARAMETER_VALUES = {"billing_provider_type": "stripe"}


def fill(template: str, value: str = "6a37bb88-8538-48c5-b37b-a41c836328bd") -> str:
    """The template with each `{parameter}` replaced by a valid value: `value` for IDs."""
    return re.sub(r"\{([^}]+)\}", lambda m: PARAMETER_VALUES.get(m.group(1), value), template)


def is_control_plane(template: str) -> bool:
    return template.startswith("/_emulator/")


def route_lines(routes) -> str:
    """Routes as `METHOD /path` lines, for failure messages."""
    return "\n".join(f"  {method} {template}" for method, template in sorted(routes))
