"""The top-level body fields the official SDK can send on each endpoint, read from the SDK's own
resource sources (each method's `body=maybe_transform({...}, ...Params)`)."""

import ast
import importlib
import pathlib
import typing
from typing import Dict, Set, Tuple

import metronome
import typing_extensions
from metronome._utils import PropertyInfo


def _aliases() -> Dict[str, str]:
    """Each body key the SDK renames on the wire (`PropertyInfo(alias=...)`), to its wire name."""
    aliases: Dict[str, str] = {}
    types_root = pathlib.Path(metronome.__file__).parent / "types"
    for source in types_root.rglob("*_params.py"):
        module = importlib.import_module(
            "metronome.types." + ".".join(source.relative_to(types_root).with_suffix("").parts))
        for value in vars(module).values():
            if not (isinstance(value, type) and typing_extensions.is_typeddict(value)):
                continue
            for key, hint in typing.get_type_hints(value, include_extras=True).items():
                while typing.get_origin(hint) in (typing.Required, typing.NotRequired):
                    hint = typing.get_args(hint)[0]
                for meta in getattr(hint, "__metadata__", ()):
                    if isinstance(meta, PropertyInfo) and meta.alias:
                        aliases[key] = meta.alias
    return aliases


def sdk_body_fields() -> Dict[Tuple[str, str], Set[str]]:
    """(METHOD, path template) -> the body keys the SDK may send there."""
    root = pathlib.Path(metronome.__file__).parent / "resources"
    aliases = _aliases()
    fields: Dict[Tuple[str, str], Set[str]] = {}
    for source in root.rglob("*.py"):
        tree = ast.parse(source.read_text())
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                continue
            verb = {"_post": "POST", "_put": "PUT", "_get_api_list": "POST", "_patch": "PATCH"}.get(call.func.attr)
            if verb is None or not call.args:
                continue
            path = call.args[0]
            if isinstance(path, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}" for v in path.values)
            elif isinstance(path, ast.Constant) and isinstance(path.value, str):
                text = path.value
            else:
                continue
            method = verb
            if call.func.attr == "_get_api_list":
                method = next((kw.value.value for kw in call.keywords if kw.arg == "method" and isinstance(kw.value, ast.Constant)),
                              "get").upper()
            for kw in call.keywords:
                if kw.arg != "body" or not isinstance(kw.value, ast.Call) or not kw.value.args:
                    continue
                body = kw.value.args[0]
                if isinstance(body, ast.Dict):
                    keys = {aliases.get(k.value, k.value) for k in body.keys if isinstance(k, ast.Constant)}
                    fields.setdefault((method, text), set()).update(keys)
    return fields
