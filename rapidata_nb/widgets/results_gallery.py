"""ResultsGallery: one card per datapoint with its media, vote split and confidence; paged and filterable."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, ClassVar

import traitlets as t

from rapidata_nb.widgets._base import STATIC_DIR, BaseWidget
from rapidata_nb.widgets._media import to_media
from rapidata_nb.widgets._results import result_cards

__all__ = ["ResultsGallery"]


class ResultsGallery(BaseWidget):
    """Browse results datapoint by datapoint.

    Each card shows the datapoint's media, the vote split as a bar and the confidence; locate results
    are drawn as a heatmap over the image and draw results as a coverage overlay. Filtering (a text
    query and the winner) and paging run in Python, so only one page of media reaches the browser.

    Args:
        items: ``job.get_results()`` (a results document) or a list of result rows.
        assets: Optional ``{asset name: path, URL or bytes}`` to show local files instead of the
            URLs in the results.
        page_size: Cards per page.
    """

    _esm = STATIC_DIR / "results_gallery.js"
    _css = STATIC_DIR / "widgets.css"
    _widget_name: ClassVar[str] = "ResultsGallery"
    _init_arguments: ClassVar[tuple[str, ...]] = ("items", "assets")

    cards = t.List(t.Dict(), read_only=True).tag(sync=True)
    """The cards of the current page, media included (bytes travel as binary buffers).

    - Type: ``list[dict]``
    - Default: the first page
    """

    page = t.Int(0).tag(sync=True)
    """The page shown, 0-based.

    - Type: ``int``
    - Default: ``0``
    """

    page_size = t.Int(12).tag(sync=True)
    """Cards per page.

    - Type: ``int``, ≥ 1
    - Default: ``12``
    """

    query = t.Unicode("").tag(sync=True)
    """Case-insensitive text filter over titles, asset names, winners and free-text answers.

    - Type: ``str``
    - Default: ``""`` (no filter)
    """

    winner_filter = t.Unicode("").tag(sync=True)
    """Show only datapoints with this winner (``""``: all).

    - Type: ``str``
    - Default: ``""``
    """

    winners = t.List(t.Unicode(), read_only=True).tag(sync=True)
    """The winners present in the results, offered by the winner filter.

    - Type: ``list[str]``
    - Default: from ``items``
    """

    n_total = t.Int(0, read_only=True).tag(sync=True)
    """How many datapoints the results hold.

    - Type: ``int``
    """

    n_matches = t.Int(0, read_only=True).tag(sync=True)
    """How many datapoints pass the filters.

    - Type: ``int``
    """

    n_pages = t.Int(0, read_only=True).tag(sync=True)
    """How many pages the filtered datapoints fill.

    - Type: ``int``
    """

    def __init__(self, items: Any, *, assets: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        self._check_kwargs(kwargs)
        self._cards = result_cards(items)
        self._assets = dict(assets or {})
        self._matches: list[dict[str, Any]] = self._cards
        super().__init__(**kwargs)
        winners = sorted({c["winner"] for c in self._cards if c["winner"]})
        self.set_trait("winners", winners)
        self.set_trait("n_total", len(self._cards))
        self._refresh()

    @t.validate("page_size")
    def _validate_page_size(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if value < 1:
            raise t.TraitError(f"page_size must be at least 1, got {value}")
        return value

    @t.validate("page")
    def _validate_page(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if value < 0:
            raise t.TraitError(f"page must be 0 or more, got {value}")
        return value

    @t.observe("page", "page_size", "query", "winner_filter")
    def _on_filter(self, change: dict[str, Any]) -> None:
        self._refresh()

    def _refresh(self) -> None:
        query = self.query.strip().lower()
        self._matches = [
            c
            for c in self._cards
            if (not query or query in c["search"])
            and (not self.winner_filter or c["winner"] == self.winner_filter)
        ]
        n_pages = (len(self._matches) + self.page_size - 1) // self.page_size
        page = min(self.page, max(0, n_pages - 1))
        if page != self.page:
            self.page = page  # re-enters _refresh with the clamped page
            return
        start = page * self.page_size
        cards = [self._with_media(c) for c in self._matches[start : start + self.page_size]]
        with self.hold_sync():
            self.set_trait("n_matches", len(self._matches))
            self.set_trait("n_pages", n_pages)
            self.set_trait("cards", cards)

    def _with_media(self, card: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in card.items() if k not in ("assets", "search")}
        media = []
        for name, location in card["assets"]:
            value = self._assets.get(name, location)
            try:
                media.append({**to_media(value, what=f"asset {name!r}"), "name": name})
            except (ValueError, TypeError):
                media.append({"kind": "text", "name": name, "text": name})
        out["media"] = media
        return out

    @property
    def matches(self) -> list[int]:
        """Indices (in the results) of the datapoints passing the current filters."""
        return [c["index"] for c in self._matches]

    def _repr_fields(self) -> dict[str, Any]:
        return {
            "n_total": self.n_total,
            "n_matches": self.n_matches,
            "page": self.page,
            "n_pages": self.n_pages,
        }

    def _static_html(self) -> str:
        rows = "".join(
            f"<tr><td>{c['index']}</td><td>{html.escape(c['title'])}</td>"
            f"<td>{html.escape(c['winner'] or '–')}</td><td>{c['responses']}</td></tr>"
            for c in self._cards[:20]
        )
        more = f"<p>… {len(self._cards) - 20} more</p>" if len(self._cards) > 20 else ""
        return (
            "<table style='font-family:sans-serif;border-collapse:collapse'><thead><tr><th>#</th>"
            f"<th>Datapoint</th><th>Winner</th><th>Responses</th></tr></thead><tbody>{rows}</tbody></table>{more}"
        )
