"""The base class of every rapidata_nb widget.

What it adds to :class:`anywidget.AnyWidget` (STYLE §3 item 7, after lonboard's ``_base.py``):

- unknown keyword arguments raise a :class:`TypeError` that names the likely intended argument;
- ``__repr__`` is deterministic (no ``0x…`` addresses), so notebook outputs can be compared;
- ``_repr_mimebundle_`` adds a static ``text/html`` fallback, shown where the widget cannot run
  (exported HTML, GitHub, VS Code without saved widget state).
"""

from __future__ import annotations

import difflib
import html
from pathlib import Path
from typing import Any, ClassVar

import anywidget

__all__ = ["STATIC_DIR", "BaseWidget"]

STATIC_DIR = Path(__file__).parent / "static"
"""Where ``widgets_js/build.mjs`` writes the bundles (committed, so no node is needed to install)."""

# Keyword arguments every ipywidget accepts; passing them is not a mistake.
_WIDGET_KWARGS = frozenset({"layout", "tabbable", "tooltip"})


class BaseWidget(anywidget.AnyWidget):
    """Common behaviour of the rapidata_nb widgets; not used directly."""

    _widget_name: ClassVar[str] = "BaseWidget"
    """The name shown with front-end errors and in ``repr``."""

    def __init__(self, **kwargs: Any) -> None:
        self._check_kwargs(kwargs)
        super().__init__(**kwargs)

    @classmethod
    def _accepted_kwargs(cls) -> set[str]:
        own = {
            name
            for name, trait in cls.class_traits().items()
            if not name.startswith("_") and not trait.read_only
        }
        base = set(anywidget.AnyWidget.class_trait_names())
        return (own - base) | set(_WIDGET_KWARGS)

    @classmethod
    def _check_kwargs(cls, kwargs: dict[str, Any]) -> None:
        accepted = cls._accepted_kwargs() | set(getattr(cls, "_init_arguments", ()))
        for key in kwargs:
            if key in accepted:
                continue
            close = difflib.get_close_matches(key, sorted(accepted), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"{cls._widget_name}() got an unexpected keyword argument {key!r}.{hint} "
                f"Valid keyword arguments are: {', '.join(sorted(accepted))}."
            )

    # -- display --------------------------------------------------------------------------------------

    def _repr_fields(self) -> dict[str, Any]:
        """The fields shown by ``repr``; subclasses override. Values must not depend on ids or time."""
        return {}

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self._repr_fields().items())
        return f"{self._widget_name}({fields})"

    def _static_html(self) -> str:
        """A self-contained HTML summary for front ends that cannot run the widget; subclasses override."""
        return f"<pre>{html.escape(repr(self))}</pre>"

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data = dict(data)
        data["text/html"] = self._static_html()
        return data, metadata
