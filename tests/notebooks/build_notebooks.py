# ruff: noqa: E501  (notebook source text)
"""Write the sources of the tutorial notebooks in ``notebooks/`` (outputs come from executing them).

The notebooks are the tested form of the tutorials; this script is their single source so that edits stay
reviewable as Python. Regenerate and execute:

    .venv/bin/python tests/notebooks/build_notebooks.py --execute            # all notebooks
    .venv/bin/python tests/notebooks/build_notebooks.py --execute quickstart # one

Cells whose output cannot be stable (the embedded server's banner, live widgets, rendered charts) carry the
``nbval-ignore-output`` tag; a following checked cell asserts on the same object instead (``chart.to_dict()``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guides import GUIDES  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
IGNORE = {"tags": ["nbval-ignore-output"]}

SETUP = """\
# Each run starts from a clean local backend: the embedded server keeps its database here.
import os
import tempfile

os.environ["RAPIDATA_NB_HOME"] = tempfile.mkdtemp(prefix="rapidata-nb-")"""

IMPORTS = """\
import altair as alt
import pandas as pd

import rapidata_nb
import rapidata_nb.frames  # the df.rapidata accessor
from rapidata_nb import RapidataClient

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)
rapidata_nb.rapidata_config.logging.silent_mode = True  # no links or upload bars: keeps the outputs stable
client = RapidataClient()  # no credentials: starts the embedded backend with its simulated crowd"""

MEDIA = '''\
from pathlib import Path

from PIL import Image, ImageDraw

MEDIA = Path(os.environ["RAPIDATA_NB_HOME"]) / "media"
MEDIA.mkdir(exist_ok=True)
COLORS = {"cat": "orange", "dog": "saddlebrown", "fox": "firebrick", "fish": "steelblue"}
STYLES = {"flux": 0, "dalle": 1, "sdxl": 2}


def picture(model: str, subject: str) -> str:
    """A small generated image: the subject's colour, drawn in the model's style."""
    image = Image.new("RGB", (96, 96), "white")
    pen = ImageDraw.Draw(image)
    box = [16, 16, 80, 80]
    [pen.ellipse, pen.rectangle, pen.polygon][STYLES[model]](
        box if STYLES[model] < 2 else [(48, 12), (84, 84), (12, 84)], fill=COLORS[subject])
    pen.text((4, 4), subject, fill="black")
    path = MEDIA / f"{model}_{subject}.png"
    image.save(path)
    return str(path)'''


def quickstart() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# Quickstart: human judgements as DataFrames\n\n"
            "This notebook runs a compare job and a classification job on the **embedded backend**: a local server "
            "with a simulated crowd, so it needs no account and no network. The same code runs against the "
            "Rapidata cloud when you pass credentials to `RapidataClient`.\n\n"
            "Results come back as tidy pandas frames, indexed like the frame you started from."
        ),
        new_code_cell(SETUP),
        new_code_cell(IMPORTS, metadata=IGNORE),
        new_markdown_cell(
            "## Some model outputs\n\nThree image models drew four subjects. We make the images locally so the "
            "notebook is self-contained; in practice these are your files or URLs."
        ),
        new_code_cell(MEDIA),
        new_code_cell(
            "pairs = pd.DataFrame.from_records([\n"
            '    {"pair": f"{subject}:{a}-{b}", "prompt": f"a {subject}", "model_a": a, "model_b": b,\n'
            '     "image_a": picture(a, subject), "image_b": picture(b, subject)}\n'
            "    for subject in COLORS\n"
            '    for a, b in [("flux", "dalle"), ("dalle", "sdxl"), ("sdxl", "flux")]\n'
            ']).set_index("pair")\n'
            'pairs[["prompt", "model_a", "model_b"]]'
        ),
        new_markdown_cell(
            "## Compare\n\n`df.rapidata.compare` names the two columns to compare. The prompt column is shown to "
            "labelers as context. The call returns a `Job`; displayed in a notebook it is a live progress widget."
        ),
        new_code_cell(
            "job = pairs.rapidata.compare(\n"
            '    "image_a", "image_b",\n'
            '    instruction="Which image matches the description better?",\n'
            '    context="prompt",\n'
            "    responses_per_datapoint=5,\n"
            "    client=client,\n"
            ")\n"
            "job",
            metadata=IGNORE,
        ),
        new_code_cell("job.wait(timeout=300)\nprint(job)"),
        new_markdown_cell(
            "`job.results()` has one row per pair, indexed like `pairs`, so a join lines them up. `winner` is "
            "`A`, `B` or `None` (tie); `ratio_*` are vote shares; `score_*` sum the labelers' user scores."
        ),
        new_code_cell(
            "results = pairs.join(job.results())\n"
            'results[["model_a", "model_b", "winner", "votes_a", "votes_b", "ratio_a", "weighted_winner"]]'
        ),
        new_markdown_cell(
            "## A leaderboard\n\nEvery vote is a battle between two models. `leaderboard()` fits Bradley–Terry "
            "scores on an Elo-like scale with bootstrap 95 % intervals; `better_than` only lists models whose "
            "intervals do not overlap."
        ),
        new_code_cell("board = results.rapidata.leaderboard()\nboard.round(1)"),
        new_code_cell("chart = board.rapidata.chart()\nchart", metadata=IGNORE),
        new_code_cell(
            "spec = chart.to_dict()\n"
            'rule, point = spec["layer"]\n'
            'print(rule["encoding"]["x"]["field"], rule["encoding"]["x2"]["field"], point["encoding"]["y"]["sort"])'
        ),
        new_markdown_cell(
            "## Classify\n\n`df.rapidata.classify` names the column with the items and lists the options.\n\n"
            "The simulated crowd does not look at pixels. On its own it gives each datapoint a stable latent "
            "answer derived from its content, which has nothing to do with cats and dogs. Here we know what each "
            "picture shows, so `truth=` names the column that says it: the crowd then answers it as far as each "
            "labeler's skill goes. People labeling in the browser never see that column."
        ),
        new_code_cell(
            'animals = pd.DataFrame({"image": [picture("flux", s) for s in COLORS], "animal": list(COLORS)},\n'
            "                       index=list(COLORS))\n"
            "labels = animals.rapidata.classify(\n"
            '    "image",\n'
            '    options=["cat", "dog", "fox", "fish"],\n'
            '    instruction="Which animal is this?",\n'
            "    responses_per_datapoint=9,\n"
            '    truth="animal",  # what the simulated crowd knows; real labelers look at the picture\n'
            "    client=client,\n"
            ").wait(timeout=300)\n"
            'labels.results()[["winner", "votes_cat", "votes_dog", "votes_fox", "votes_fish", "n_responses"]]'
        ),
        new_markdown_cell(
            "## Individual responses\n\n`responses()` has one row per answer with what the labeler chose and "
            "who they are (country, language, user score)."
        ),
        new_code_cell(
            "responses = job.responses()\n"
            'responses[["item", "choice", "user_score", "country", "language"]].head(8)'
        ),
        new_code_cell(
            'print("agreement (Krippendorff alpha):", round(responses.rapidata.agreement(), 3))\n'
            'responses["country"].value_counts().head(5)'
        ),
        new_code_cell('responses.rapidata.chart(by="language")', metadata=IGNORE),
    ]
    return new_notebook(cells=cells, metadata=_metadata())


def tour() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# A tour of the `df.rapidata` accessor\n\n"
            "Every task type from a DataFrame, the checks that run before anything is sent, an arena of models "
            "with a leaderboard and a win matrix, and the exports. Runs on the embedded backend."
        ),
        new_code_cell(SETUP),
        new_code_cell(IMPORTS, metadata=IGNORE),
        new_code_cell(MEDIA),
        new_markdown_cell(
            "## Preview first\n\n`preview` takes the same arguments as the job method, checks them the same way, "
            "and shows the task as a labeler will see it. Nothing is sent."
        ),
        new_code_cell(
            "outputs = pd.DataFrame.from_records([\n"
            '    {"prompt": f"a {subject}", "model": model, "image": picture(model, subject)}\n'
            "    for subject in COLORS for model in STYLES\n"
            "])\n"
            'flux = outputs[outputs["model"] == "flux"].set_index("prompt")\n'
            'dalle = outputs[outputs["model"] == "dalle"].set_index("prompt")\n'
            'side_by_side = pd.DataFrame({"flux": flux["image"], "dalle": dalle["image"]})\n'
            "side_by_side.assign(prompt=side_by_side.index).rapidata.preview(\n"
            '    "compare", "flux", "dalle", instruction="Which image matches the description?", context="prompt")',
            metadata=IGNORE,
        ),
        new_markdown_cell(
            "## Mistakes are caught before anything is sent\n\nEach message names the column or rows to fix."
        ),
        new_code_cell(
            "for call in [\n"
            '    lambda: side_by_side.rapidata.compare("flux", "midjourney", instruction="?"),\n'
            '    lambda: side_by_side.assign(dalle=None).rapidata.compare("flux", "dalle", instruction="?"),\n'
            '    lambda: pd.concat([side_by_side, side_by_side]).rapidata.compare("flux", "dalle", instruction="?"),\n'
            '    lambda: side_by_side.rapidata.classify("flux", options=["only one"], instruction="?"),\n'
            "]:\n"
            "    try:\n"
            "        call()\n"
            "    except ValueError as error:\n"
            '        print("ValueError:", error)'
        ),
        new_markdown_cell(
            "## Arena: all models, all prompts, one leaderboard\n\n`arena` takes a long frame (one row per prompt "
            "and model) and compares every pair of models on every prompt in a single compare job."
        ),
        new_code_cell('outputs[["prompt", "model"]].head(6)'),
        new_code_cell(
            "arena = outputs.rapidata.arena(\n"
            '    model="model", media="image", prompt="prompt",\n'
            '    instruction="Which image matches the description better?",\n'
            "    responses_per_datapoint=5, client=client,\n"
            ")\n"
            "arena.wait(timeout=300)\n"
            "print(arena)\n"
            'arena.pairs[["prompt", "model_a", "model_b"]].head()'
        ),
        new_code_cell("arena.leaderboard().round(1)"),
        new_code_cell("matrix = arena.win_matrix()\nmatrix"),
        new_code_cell(
            "from rapidata_nb.charts import leaderboard_chart, win_rate_heatmap\n\n"
            "chart = leaderboard_chart(arena.leaderboard()) | win_rate_heatmap(matrix)\n"
            "chart",
            metadata=IGNORE,
        ),
        new_code_cell(
            'heatmap = chart.to_dict()["hconcat"][1]["layer"][0]\n'
            'print(heatmap["encoding"]["color"]["scale"], heatmap["encoding"]["y"]["sort"])'
        ),
        new_code_cell(
            "battles = arena.battles()\n"
            'battles.groupby(["model_a", "model_b"])["winner"].value_counts().unstack(fill_value=0)'
        ),
        new_markdown_cell(
            "## Ranking within groups\n\n`rank` ranks the items of each group (here: the three models' images of "
            "each subject). Results come back one row per source row."
        ),
        new_code_cell(
            "ranking = outputs.rapidata.rank(\n"
            '    "image", by="prompt", instruction="Which image matches the description better?",\n'
            '    context="prompt", responses_per_comparison=3, client=client,\n'
            ").wait(timeout=300)\n"
            'outputs[["prompt", "model"]].join(ranking.results()[["score", "rank", "wins", "comparisons"]]).head(6)'
        ),
        new_markdown_cell("## Free text and word selection"),
        new_code_cell(
            'captions = pd.DataFrame({"image": [picture("dalle", s) for s in COLORS],\n'
            '                         "caption": [f"a small {s} in the sun" for s in COLORS]}, index=list(COLORS))\n'
            "described = captions.rapidata.free_text(\n"
            '    "image", instruction="Describe the image in a few words.", responses_per_datapoint=3, client=client,\n'
            ").wait(timeout=300)\n"
            'described.results()[["answers", "n_responses"]]'
        ),
        new_code_cell(
            "from rapidata_nb import NoMistakeOptionSetting\n\n"
            "words = captions.rapidata.select_words(\n"
            '    "image", sentence="caption", instruction="Select the words that do not match the image.",\n'
            "    responses_per_datapoint=3, settings=[NoMistakeOptionSetting()], client=client,\n"
            ").wait(timeout=300)\n"
            'words.results()[["sentence", "selected_words", "no_mistake", "n_responses"]]'
        ),
        new_markdown_cell("## Exports"),
        new_code_cell(
            "from rapidata_nb.frames import to_crowdkit, to_parquet\n\n"
            "responses = arena.responses()\n"
            "print(to_crowdkit(responses).head(3))\n"
            'to_parquet(arena.results(), MEDIA / "arena.parquet")\n'
            'pd.read_parquet(MEDIA / "arena.parquet").shape'
        ),
        new_markdown_cell(
            "## Typed functions\n\nEditors cannot see accessors, so each method has a function twin with the frame "
            "as first argument."
        ),
        new_code_cell(
            "import rapidata_nb.frames as rf\n\n"
            'rf.leaderboard(battles, n_rounds=0)[["score", "wins", "losses"]].round(1)'
        ),
    ]
    return new_notebook(cells=cells, metadata=_metadata())


def _metadata() -> dict:
    return {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run the notebook in a fresh kernel and drop the noisy metadata (saved widget state, cell timings)."""
    from nbclient import NotebookClient

    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def _guide(cells_of: Callable[[], list[nbformat.NotebookNode]]) -> Callable[[], nbformat.NotebookNode]:
    return lambda: new_notebook(cells=cells_of(), metadata=_metadata())


BUILDERS: dict[str, Callable[[], nbformat.NotebookNode]] = {
    "quickstart": quickstart,
    "accessor_tour": tour,
    **{name: _guide(cells) for name, cells in GUIDES.items()},
}


def main(argv: list[str]) -> None:
    """``build_notebooks.py [--execute] [name ...]``: write (and run) the named notebooks, default all."""
    run = "--execute" in argv
    names = [a for a in argv if not a.startswith("--")] or list(BUILDERS)
    for name in names:
        path = NOTEBOOKS / f"{name}.ipynb"
        nb = BUILDERS[name]()
        nbformat.write(execute(nb) if run else nb, path)
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
