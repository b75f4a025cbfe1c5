"""Vote-split and breakdown charts (altair): pure builders over tidy results/responses frames."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

__all__ = ["breakdown_chart", "vote_split_chart"]


def vote_split_chart(results: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """One normalised stacked bar per datapoint: the share of votes each answer got.

    Works on compare results (``votes_a``, ``votes_b``, and ``votes_both``/``votes_neither`` when present) and
    on classification results (``votes_<option>``). Rows keep the frame's order and are labelled by its index.

    Args:
        results: A tidy results frame (:func:`rapidata_nb.frames.results_frame`).
        title: Chart title.
    """
    votes = [c for c in results.columns if c.startswith("votes_")]
    if not votes:
        raise ValueError(f"vote_split_chart needs votes_* columns; the frame has {list(results.columns)}")
    items = [str(label) for label in results.index]
    data = pd.DataFrame({"item": items})
    for column in votes:
        data[column.removeprefix("votes_")] = results[column].to_numpy()
    answers = [c.removeprefix("votes_") for c in votes]
    long = data.melt(id_vars="item", value_vars=answers, var_name="answer", value_name="votes")
    long["share"] = long["votes"] / long.groupby("item")["votes"].transform("sum").where(lambda s: s > 0)
    chart: alt.Chart = (
        alt.Chart(long, title=title or alt.Undefined)
        .mark_bar()
        .encode(
            x=alt.X("votes:Q", stack="normalize", title="share of votes", axis=alt.Axis(format="%")),
            y=alt.Y("item:N", sort=items, title=None),
            color=alt.Color("answer:N", sort=answers, title="answer"),
            order=alt.Order("answer_order:Q"),
            tooltip=["item", "answer", "votes", alt.Tooltip("share:Q", format=".0%")],
        )
        .transform_calculate(answer_order=f"indexof({json.dumps(answers)}, datum.answer)")
    )
    return chart


def breakdown_chart(
    responses: pd.DataFrame, *, by: str = "country", answer: str = "choice", title: str | None = None
) -> alt.Chart:
    """How answers split within each group of labelers (country, language, age, gender, occupation, ...).

    Counts are computed here (one row per group × answer), so the chart stays small whatever the number of
    responses. Groups are sorted by their number of responses, largest first.

    Args:
        responses: A tidy responses frame (:func:`rapidata_nb.frames.responses_frame`).
        by: The column to group labelers by.
        answer: The answer column (``choice`` for compare/classification).
        title: Chart title.
    """
    missing = [c for c in (by, answer) if c not in responses.columns]
    if missing:
        raise ValueError(
            f"breakdown_chart needs the columns {missing}; the frame has {list(responses.columns)}"
        )
    counts = (
        responses.assign(**{by: responses[by].fillna("unknown").astype(str)})
        .groupby([by, answer], dropna=True)
        .size()
        .rename("responses")
        .reset_index()
    )
    totals = counts.groupby(by)["responses"].sum().sort_values(ascending=False, kind="stable")
    order = totals.index.tolist()
    answers = sorted(counts[answer].astype(str).unique())
    counts[answer] = counts[answer].astype(str)
    chart: alt.Chart = (
        alt.Chart(counts, title=title or alt.Undefined)
        .mark_bar()
        .encode(
            x=alt.X("responses:Q", stack="normalize", title="share of responses", axis=alt.Axis(format="%")),
            y=alt.Y(f"{by}:N", sort=order, title=by),
            color=alt.Color(f"{answer}:N", sort=answers, title=answer),
            tooltip=[by, answer, "responses"],
        )
    )
    return chart
