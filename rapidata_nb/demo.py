"""``rapidata-nb demo``: a compare and a classification job on the embedded backend, end to end.

The demo draws its own images (so it needs no network), tells the simulated crowd what is true in them,
runs both jobs from pandas frames with live progress, and prints the tidy results next to the frames they
came from.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from PIL import Image, ImageDraw

__all__ = ["main", "draw_shape"]

SHAPES = ("circle", "square", "triangle")
COLOURS = ("tomato", "royalblue", "seagreen", "goldenrod")


def draw_shape(path: Path, shape: str, colour: str, *, count: int = 1, size: int = 160) -> Path:
    """Draw ``count`` copies of a ``shape`` in a row on a light background and save the image at ``path``."""
    image = Image.new("RGB", (size * count, size), "whitesmoke")
    pen = ImageDraw.Draw(image)
    margin = size // 5
    for i in range(count):
        x0, y0, x1, y1 = i * size + margin, margin, (i + 1) * size - margin, size - margin
        if shape == "circle":
            pen.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == "square":
            pen.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            pen.polygon(((x0 + x1) // 2, y0, x1, y1, x0, y1), fill=colour)
    image.save(path)
    return path


def _shapes_frame(folder: Path) -> pd.DataFrame:
    """Six images of shapes."""
    rows = []
    for i in range(6):
        shape, colour = SHAPES[i % 3], COLOURS[i % 4]
        path = draw_shape(folder / f"{shape}_{i}.png", shape, colour)
        rows.append({"image": str(path), "drawn": shape.title()})
    return pd.DataFrame(rows, index=[f"img{i}" for i in range(6)])


def _counting_frame(folder: Path) -> pd.DataFrame:
    """Pairs of images with different numbers of circles."""
    counts = [(1, 3), (4, 2), (2, 5), (3, 3)]
    rows = []
    for i, (left, right) in enumerate(counts):
        a = draw_shape(folder / f"pair{i}_a.png", "circle", "royalblue", count=left)
        b = draw_shape(folder / f"pair{i}_b.png", "circle", "tomato", count=right)
        rows.append({"a": str(a), "b": str(b), "circles_a": left, "circles_b": right})
    return pd.DataFrame(rows, index=[f"pair{i}" for i in range(len(counts))])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="rapidata-nb demo", description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=15, help="responses per datapoint (default 15)")
    args = parser.parse_args(list(argv) if argv is not None else None)

    import rapidata_nb  # noqa: F401  (registers df.rapidata)
    from rapidata_nb import RapidataClient

    client = RapidataClient()
    pd.set_option("display.width", 160)
    with tempfile.TemporaryDirectory(prefix="rapidata_nb_demo_") as tmp:
        folder = Path(tmp)

        print("\n== Classification: which shape is in the image? ==")
        shapes = _shapes_frame(folder)
        for row in shapes.itertuples():  # what the simulated crowd sees in each image
            client.simulation.set_categories(row.image, row.drawn)
        job = shapes.rapidata.classify(
            "image",
            options=["Circle", "Square", "Triangle"],
            instruction="Which shape do you see?",
            responses_per_datapoint=args.responses,
            client=client,
            name="Demo: shapes",
        )
        job.raw.display_progress_bar()
        results = job.results()
        print(shapes[["drawn"]].join(results[["winner", "n_responses"]]).to_string())

        print("\n== Compare: which image shows more circles? ==")
        pairs = _counting_frame(folder)
        for row in pairs.itertuples():
            # The truth we give the simulated crowd: the more circles, the clearer the preference.
            gap = row.circles_a - row.circles_b
            client.simulation.set_preference(row.a, row.b, p_a=min(max(0.5 + 0.2 * gap, 0.05), 0.95))
        job = pairs.rapidata.compare(
            "a",
            "b",
            instruction="Which image shows more circles?",
            responses_per_datapoint=args.responses,
            client=client,
            name="Demo: counting circles",
        )
        job.raw.display_progress_bar()
        results = job.results()
        columns = ["winner", "votes_a", "votes_b", "ratio_a", "n_responses"]
        print(pairs[["circles_a", "circles_b"]].join(results[columns]).to_string())
    print("\nDone. In a notebook, `job` displays live progress and `job.results()` joins onto your frame.")
    return 0
