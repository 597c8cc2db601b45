"""Every route the emulator serves, read from its Swift sources.

The fuzz and auth tests cover each of them, so an endpoint added later is covered without
anyone remembering to list it here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

from helpers import REPO_ROOT

SOURCES = REPO_ROOT / "Sources" / "MetronomeEmulator"

_ROUTE = re.compile(r'routes\.(get|post|put|patch|delete)\("([^"]+)"')
_NOT_BUILT = re.compile(r'\(\.(get|post|put|patch|delete), "([^"]+)"\)')


def _endpoint_files() -> List[Path]:
    files = sorted((SOURCES / "Endpoints").rglob("*Endpoints.swift"))
    files.append(SOURCES / "Emulator" / "ControlPlaneEndpoints.swift")
    return files


def built_routes() -> List[Tuple[str, str]]:
    """(METHOD, path template) of every route that has a handler, control plane included."""
    routes: List[Tuple[str, str]] = []
    for path in _endpoint_files():
        for method, template in _ROUTE.findall(path.read_text()):
            routes.append((method.upper(), template))
    assert routes, f"no routes found under {SOURCES}"
    return routes


def not_yet_built_routes() -> List[Tuple[str, str]]:
    """(METHOD, path template) of every Metronome endpoint that answers 501."""
    text = (SOURCES / "Endpoints" / "MetronomeEndpointsNotYetBuilt.swift").read_text()
    routes = [(m.upper(), p) for m, p in _NOT_BUILT.findall(text)]
    assert routes, "no 501 routes found"
    return routes


PARAMETER_VALUES = {"billing_provider_type": "stripe"}


def fill(template: str, value: str = "6a37bb88-8538-48c5-b37b-a41c836328bd") -> str:
    """The template with each `{parameter}` replaced by a valid value: `value` for IDs."""
    return re.sub(r"\{([^}]+)\}", lambda m: PARAMETER_VALUES.get(m.group(1), value), template)


def is_control_plane(template: str) -> bool:
    return template.startswith("/_emulator/")
