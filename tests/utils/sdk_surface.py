"""The official SDK's public surface, enumerated with ``inspect``, compared with ours.

What counts as the surface of ``rapidata`` (the installed official SDK):

- every public top-level name (``dir(rapidata)``, submodules excepted);
- the classes the SDK hands out: the top-level classes, the types of the public attributes ``RapidataClient``
  sets (``client.validation``, ``client.mri``, ...), the public attributes those managers set
  (``client.validation.rapid``), and, transitively, every SDK class named in the return annotation of a
  public method or property of a class already in the surface;
- per class: its constructor, its public methods (functions, static and class methods defined in the SDK's own
  modules, so pydantic's, ``dict``'s and ``str``'s are not counted), its public properties, and for an enum
  its members.

Two callables have "the same parameters" when the official parameters appear in the same order, with the same
names, kinds and defaults (an empty list default equals an empty tuple; an enum default is compared by member
name). Ours may add keyword-only parameters that have a default (``transport=`` on ``RapidataClient``): every
call written for the SDK stays valid. A constructor that takes ``openapi_service`` builds an object the client
hands out (nobody writes ``RapidataJob(...)``), so only the class's presence is compared for it.

Run ``python -m tests.utils.sdk_surface`` for the report.
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import pkgutil
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

__all__ = ["Mismatch", "SurfaceItem", "compare_surfaces", "official_surface"]

_CLIENT_MADE = {"openapi_service"}

Params = tuple[tuple[str, str, str], ...]
"""A signature without ``self``/``cls``: ``(name, kind, default)`` per parameter."""


@dataclass(frozen=True)
class SurfaceItem:
    """One public name: ``RapidataClient``, ``RapidataClient.get_token``, ``AgeGroup.UNDER_18``."""

    name: str
    kind: str  # "name" | "class" | "constructor" | "method" | "property" | "member" | "attribute"
    params: Params | None = None  # (name, kind, default) without self/cls


@dataclass(frozen=True)
class Mismatch:
    """An official item that ours lacks (``missing``) or spells differently (``parameters``)."""

    name: str
    problem: str  # "missing" | "parameters"
    detail: str = ""


def _default(value: Any) -> str:
    if value is inspect.Parameter.empty:
        return "<required>"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, list | tuple) and not value:
        return "<empty sequence>"
    return repr(value)


def _params(fn: Callable[..., Any]) -> Params | None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
    return tuple((p.name, p.kind.name, _default(p.default)) for p in params)


def _own_members(cls: type, package: str) -> Iterator[tuple[str, str, Any]]:
    """(name, "method" | "property", object) for the public members defined in ``package``'s modules.

    Pydantic validators are hooks of the constructor, not methods anyone calls: they are left out.
    """
    decorators = getattr(cls, "__pydantic_decorators__", None)
    seen: set[str] = set()
    if decorators is not None:
        seen.update(decorators.field_validators, decorators.model_validators)
    for klass in cls.__mro__:
        if not getattr(klass, "__module__", "").startswith(package):
            continue
        for name, raw in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(raw, property):
                yield name, "property", raw
            elif isinstance(raw, staticmethod | classmethod):
                yield name, "method", raw.__func__
            elif inspect.isfunction(raw):
                yield name, "method", raw


def _class_index(package: ModuleType) -> dict[str, type]:
    """Every class defined in ``package`` and its submodules, by name (first definition wins)."""
    index: dict[str, type] = {}
    modules = [package]
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        try:
            modules.append(importlib.import_module(info.name))
        except Exception:  # an optional submodule whose extra is not installed
            continue
    for module in modules:
        for obj in vars(module).values():
            if inspect.isclass(obj) and obj.__module__.startswith(package.__name__):
                index.setdefault(obj.__name__, obj)
    return index


def _attribute_classes(cls: type, index: dict[str, type]) -> dict[str, type]:
    """Public attributes assigned in ``cls.__init__`` as ``self.x = SomeClass(...)``."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls.__init__)))
    except (OSError, TypeError):
        return {}
    found: dict[str, type] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
                and isinstance(func, ast.Name)
                and func.id in index
            ):
                found[target.attr] = index[func.id]
    return found


def _returned_classes(fn: Any, index: dict[str, type]) -> set[type]:
    annotation = getattr(fn, "__annotations__", {}).get("return")
    if annotation is None:
        return set()
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    named = (index[word] for word in re.findall(r"[A-Za-z_]\w*", text) if word in index)
    return {cls for cls in named if _public_module(cls)}


def _public_module(cls: type) -> bool:
    """A class of a private module (``datapoints._asset_uploader``) is machinery, not surface."""
    return not any(part.startswith("_") for part in cls.__module__.split("."))


def official_surface() -> list[SurfaceItem]:
    """The official SDK's public surface (module docstring), sorted by name."""
    import rapidata
    import rapidata.rapidata_client

    index = _class_index(rapidata.rapidata_client)
    items: list[SurfaceItem] = []
    queue: list[type] = []
    for name in sorted(n for n in dir(rapidata) if not n.startswith("_")):
        obj = getattr(rapidata, name)
        if inspect.ismodule(obj):
            continue
        items.append(SurfaceItem(name, "name"))
        if inspect.isclass(obj):
            index.setdefault(name, obj)
            queue.append(obj)
        elif inspect.isfunction(obj):
            items.append(SurfaceItem(name, "method", _params(obj)))
    for attr, cls in _attribute_classes(rapidata.RapidataClient, index).items():
        items.append(SurfaceItem(f"RapidataClient.{attr}", "attribute", (("type", "", cls.__name__),)))
        queue.append(cls)
    done: set[type] = set()
    while queue:
        cls = queue.pop()
        if cls in done:
            continue
        done.add(cls)
        items.extend(_class_items(cls, index, queue))
    return sorted(set(items), key=lambda item: (item.name, item.kind))


def _class_items(cls: type, index: dict[str, type], queue: list[type]) -> Iterator[SurfaceItem]:
    name = cls.__name__
    yield SurfaceItem(name, "class")
    if issubclass(cls, enum.Enum):
        for member in cls:
            value = member.value
            if isinstance(value, enum.Enum):  # the SDK's enums wrap the generated wire enums
                value = value.value
            yield SurfaceItem(f"{name}.{member.name}", "member", (("value", "", repr(value)),))
    else:
        params = _params(cls)
        client_made = params is None or any(p[0] in _CLIENT_MADE for p in params)
        yield SurfaceItem(f"{name}()", "constructor", None if client_made else params)
    for member, kind, obj in _own_members(cls, "rapidata.rapidata_client"):
        fn = obj.fget if kind == "property" else obj
        yield SurfaceItem(f"{name}.{member}", kind, _params(obj) if kind == "method" else None)
        queue.extend(_returned_classes(fn, index))
    for attr, attr_cls in _attribute_classes(cls, index).items():
        if _public_module(attr_cls):
            yield SurfaceItem(f"{name}.{attr}", "attribute", (("type", "", attr_cls.__name__),))
            queue.append(attr_cls)


def _ours_index() -> dict[str, type]:
    import rapidata_nb
    import rapidata_nb.client

    index = _class_index(rapidata_nb.client)
    for name in rapidata_nb.__all__:
        obj = getattr(rapidata_nb, name)
        if inspect.isclass(obj):
            index[name] = obj
    return index


def _our_client_attributes() -> dict[str, type]:
    """The types of our ``RapidataClient``'s public attributes (built on a transport that sends nothing)."""
    import httpx

    import rapidata_nb

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"building a client sent {request.method} {request.url}")

    client = rapidata_nb.RapidataClient(
        environment="http://surface.invalid",
        token={"access_token": "x", "token_type": "Bearer", "expires_at": 4_102_444_800},
        transport=httpx.MockTransport(refuse),
    )
    return {name: type(value) for name, value in vars(client).items() if not name.startswith("_")}


def _member_params(cls: type, member: str) -> Params | None:
    raw = inspect.getattr_static(cls, member)
    fn = raw.__func__ if isinstance(raw, staticmethod | classmethod) else raw
    return _params(fn) if callable(fn) else None


def _same_params(official: Params, ours: Params) -> bool:
    """Same names, order and defaults; keyword-only official parameters may be positional in ours; ours may
    add keyword-only parameters with defaults."""
    if len(ours) < len(official):
        return False
    for (name, kind, default), (our_name, our_kind, our_default) in zip(official, ours, strict=False):
        relaxed = kind == "KEYWORD_ONLY" and our_kind == "POSITIONAL_OR_KEYWORD"
        if name != our_name or default != our_default or (kind != our_kind and not relaxed):
            return False
    extra = ours[len(official) :]
    return all(kind == "KEYWORD_ONLY" and default != "<required>" for _, kind, default in extra)


def compare_surfaces(official: list[SurfaceItem]) -> list[Mismatch]:
    """What of ``official`` ours lacks or spells differently."""
    import rapidata_nb

    index = _ours_index()
    attributes = _our_client_attributes()
    mismatches: list[Mismatch] = []
    for item in official:
        mismatch = _compare_item(item, rapidata_nb, index, attributes)
        if mismatch is not None:
            mismatches.append(mismatch)
    return mismatches


def _compare_item(
    item: SurfaceItem, package: ModuleType, index: dict[str, type], attributes: dict[str, type]
) -> Mismatch | None:
    head, _, member = item.name.partition(".")
    head = head.removesuffix("()")
    if item.kind == "name":
        return None if hasattr(package, head) else Mismatch(item.name, "missing", "not a top-level name")
    if item.kind == "method" and not member:  # a top-level function
        ours_fn = getattr(package, head, None)
        return _compare_params(item, _params(ours_fn) if callable(ours_fn) else None, ours_fn is not None)
    if item.kind == "attribute" and head == "RapidataClient":
        expected = item.params[0][2] if item.params else ""
        found = attributes.get(member)
        if found is None:
            return Mismatch(item.name, "missing", f"no client.{member}")
        return None if found.__name__ == expected else Mismatch(item.name, "parameters", f"{found.__name__}")
    cls = index.get(head)
    if cls is None:
        return Mismatch(item.name, "missing", f"no class {head}")
    if item.kind == "class":
        return None
    if item.kind == "constructor":
        if item.params is None:
            return None
        return _compare_params(item, _params(cls), True)
    if item.kind == "member":
        found_member = getattr(cls, member, None)
        if not isinstance(found_member, enum.Enum):
            return Mismatch(item.name, "missing", "no such member")
        value = item.params[0][2] if item.params else ""
        if repr(found_member.value) == value:
            return None
        return Mismatch(item.name, "parameters", f"official {value}, ours {found_member.value!r}")
    if item.kind == "attribute":
        return None  # instance attributes of client-made objects are checked by the workflow tests
    if not hasattr(cls, member):
        return Mismatch(item.name, "missing", f"{cls.__module__}.{head} has no {member}")
    if item.kind == "property":
        return None
    return _compare_params(item, _member_params(cls, member), True)


def _compare_params(item: SurfaceItem, ours: Params | None, exists: bool) -> Mismatch | None:
    if not exists:
        return Mismatch(item.name, "missing")
    if item.params is None or ours is None or _same_params(item.params, ours):
        return None
    return Mismatch(item.name, "parameters", f"official {_render(item.params)}\n    ours     {_render(ours)}")


def _render(params: Params) -> str:
    return "(" + ", ".join(f"{n}={d}" if d != "<required>" else n for n, _, d in params) + ")"


if __name__ == "__main__":
    surface = official_surface()
    callables = [item for item in surface if item.kind in ("constructor", "method")]
    found = compare_surfaces(surface)
    print(f"{len(surface)} items, {len(callables)} callables; {len(found)} mismatches")
    for mismatch in found:
        print(f"{mismatch.problem:10} {mismatch.name}  {mismatch.detail}")
