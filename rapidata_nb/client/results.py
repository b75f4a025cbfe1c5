"""``RapidataResults``: the result document of a job (a ``dict``) with ``to_pandas`` and ``to_json``.

``to_pandas`` routes on ``info.type`` (``info.orderType`` for old documents):

- **Compare** (two assets): one row per pair; ``assetA``/``assetB`` and ``A_<metric>``/``B_<metric>`` for
  every dict keyed by asset (plus ``Both_``/``Neither_`` when present); other dicts flatten as
  ``<key>_<sub>``.
- **Ranking** (N assets): ``asset_1..N`` and ``<asset>_<metric>``.
- **Classification**: one row per datapoint and option: ``option``, ``count``, ``ratio``, ``summedUserScore``,
  ``summedUserScoreRatio`` and ``confidence`` (early stopping).
- anything else: nested dicts flattened into ``a_b_c`` columns, one row per result.

``split_details=True`` gives one row per response with ``detailedResults`` flattened
(``userDetails_country``, ...).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rapidata_nb.config import managed_print

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RapidataResults"]

_OPTION_METRICS = {
    "aggregatedResults": "count",
    "aggregatedResultsRatios": "ratio",
    "summedUserScores": "summedUserScore",
    "summedUserScoresRatios": "summedUserScoreRatio",
    "confidencePerCategory": "confidence",
}
_UNSURE = ("Both", "Neither")


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in d.items():
        name = f"{prefix}_{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        else:
            out[name] = value
    return out


class RapidataResults(dict):  # type: ignore[type-arg]
    """The result document of a job, as returned by ``GET /job/{id}/download-results``."""

    @property
    def task_type(self) -> str | None:
        """``Compare``, ``Classification``, ``Ranking``, ... from ``info``."""
        info = self.get("info") or {}
        return info.get("type") or info.get("orderType")

    def to_pandas(self, split_details: bool = False) -> pd.DataFrame:
        """The results as a DataFrame (see the module docstring for the columns per task type).

        Args:
            split_details: One row per individual response instead of one per datapoint.

        Raises:
            ValueError: ``split_details=True`` but the document has no ``detailedResults``.
        """
        import pandas as pd

        results = self.get("results") or []
        if not results:
            return pd.DataFrame()
        task_type = self.task_type
        if task_type is None:
            managed_print("Warning: the results name no task type; the DataFrame may be laid out wrongly.")
        if split_details and not isinstance(results[0].get("detailedResults"), list):
            raise ValueError("No detailed results found in the data")
        if task_type in ("Compare", "Ranking"):
            return pd.DataFrame(self._asset_rows(results, split_details))
        if split_details:
            return pd.DataFrame(self._detail_rows(results))
        if task_type == "Classification":
            return pd.DataFrame(self._classification_rows(results))
        return pd.DataFrame([_flatten(r) for r in results])

    @staticmethod
    def _assets(result: dict[str, Any]) -> list[str]:
        for key in ("assetUrls", "aggregatedResults"):
            value = result.get(key)
            if isinstance(value, dict) and value:
                return [k for k in value if k not in _UNSURE]
        return []

    def _asset_rows(self, results: list[dict[str, Any]], split_details: bool) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for result in results:
            assets = self._assets(result)
            if len(assets) < 2:
                continue
            pair = len(assets) == 2
            row = {k: v for k, v in result.items() if not isinstance(v, dict | list)}
            if pair:
                row["assetA"], row["assetB"] = assets
            else:
                row.update({f"asset_{i + 1}": a for i, a in enumerate(assets)})
            for key, values in result.items():
                if not isinstance(values, dict) or not values:
                    continue
                if not set(assets) & set(values):
                    row.update(_flatten(values, key))
                elif pair:
                    row[f"A_{key}"] = values.get(assets[0])
                    row[f"B_{key}"] = values.get(assets[1])
                    for extra in _UNSURE:
                        if extra in values:
                            row[f"{extra}_{key}"] = values[extra]
                else:
                    row.update({f"{a}_{key}": values.get(a) for a in assets})
            details = result.get("detailedResults")
            if split_details and isinstance(details, list) and details:
                rows.extend({**row, **(_flatten(d) if isinstance(d, dict) else {})} for d in details)
            else:
                rows.append(row)
        return rows

    @staticmethod
    def _detail_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for result in results:
            base = {k: v for k, v in result.items() if k != "detailedResults"}
            rows.extend({**base, **_flatten(d)} for d in result.get("detailedResults") or [])
        return rows

    @staticmethod
    def _classification_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for result in results:
            base: dict[str, Any] = {}
            metrics: dict[str, dict[str, Any]] = {}
            for key, value in result.items():
                if key == "detailedResults":
                    continue
                if key in _OPTION_METRICS:
                    if isinstance(value, dict):
                        metrics[_OPTION_METRICS[key]] = value
                elif isinstance(value, dict):
                    base.update(_flatten(value, key))
                else:
                    base[key] = value
            options = list(dict.fromkeys(o for values in metrics.values() for o in values))
            if not options:
                rows.append(base)
                continue
            for option in options:
                rows.append(
                    {**base, "option": option, **{col: vals.get(option) for col, vals in metrics.items()}}
                )
        return rows

    def to_json(self, path: str = "./results.json") -> None:
        """Write the document to ``path`` as JSON."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self, fh)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Notebook display: the registered results widget if there is one, else an HTML table."""
        from rapidata_nb.client import _display

        renderer = _display.get("results")
        if renderer is not None:
            try:
                bundle = renderer(self)._repr_mimebundle_(include=include, exclude=exclude)
                if bundle:
                    return bundle[0] if isinstance(bundle, tuple) else bundle  # type: ignore[no-any-return]
            except Exception:  # a widget problem must never hide the results
                pass
        n = len(self.get("results") or [])
        bundle: dict[str, Any] = {"text/plain": f"RapidataResults(type={self.task_type!r}, results={n})"}
        try:
            bundle["text/html"] = str(self.to_pandas().head(20).to_html())
        except Exception:
            pass
        return bundle
