# ruff: noqa: E501  (notebook source text)
"""Sources of the guide notebooks: each follows one guide of the SDK docs on the embedded backend, then shows the
same results as tidy frames and charts. Used by ``build_notebooks.py``.

The docs' ``https://assets.rapidata.ai/...`` URLs are stored as references by the local backend, so these notebooks
run offline; ``print(results)`` is replaced by frames, whose output is short and stable.
"""

from __future__ import annotations

from collections.abc import Callable

import nbformat
from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as md

IGNORE = {"tags": ["nbval-ignore-output"]}

SETUP = """\
# Each run starts from a clean local backend: the embedded server keeps its database here.
import os
import tempfile

os.environ["RAPIDATA_NB_HOME"] = tempfile.mkdtemp(prefix="rapidata-nb-")"""

IMPORTS = """\
import pandas as pd

import rapidata_nb
import rapidata_nb.frames as rf  # tidy frames (and the df.rapidata accessor)
from rapidata_nb import RapidataClient

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 48)
rapidata_nb.rapidata_config.logging.silent_mode = True  # no links or upload bars: keeps the outputs stable
rapidata_nb.rapidata_config.logging.level = "ERROR"  # e.g. "no graduated labelers yet" depends on timing
client = RapidataClient()  # no credentials: the embedded backend with its simulated crowd"""

CROWD_NOTE = (
    "The answers come from the simulated crowd: it does not look at the images. It follows what it was told (an "
    "oracle, a `truth=` column, or a qualification example on the same content), otherwise a stable latent truth "
    "derived from each datapoint's content, and each labeler answers according to their skill. Runs are therefore "
    "reproducible; with real labelers (the cloud, or your team in the local labeling app) the same code gives real "
    "judgements."
)


def _start(title: str, intro: str) -> list[nbformat.NotebookNode]:
    return [md(f"# {title}\n\n{intro}"), code(SETUP), code(IMPORTS, metadata=IGNORE)]


def compare() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Compare two image models",
            "The compare guide of the SDK docs, on the local backend: which of two images follows the prompt "
            "better? Then the same job from a DataFrame, with the results as a tidy frame and a leaderboard.",
        ),
        code(
            "PROMPTS = [\n"
            "    \"A sign that says 'Diffusion'.\",\n"
            '    "A yellow flower sticking out of a green pot.",\n'
            '    "hyperrealism render of a surreal alien humanoid.",\n'
            '    "psychedelic duck",\n'
            '    "A small blue book sitting on a large red book.",\n'
            "]\n"
            'NAMES = ["sign_diffusion", "flower", "alien", "duck", "book"]\n'
            'IMAGE_PAIRS = [[f"https://assets.rapidata.ai/flux_{n}.jpg", f"https://assets.rapidata.ai/mj_{n}.jpg"]\n'
            "               for n in NAMES]\n\n"
            'audience = client.audience.get_audience_by_id("aud_MU1GZYoESyO")  # the curated "Alignment" audience\n'
            "job_definition = client.job.create_compare_job_definition(\n"
            '    name="Example Image Prompt Alignment Job",\n'
            '    instruction="Which image follows the prompt more accurately?",\n'
            "    datapoints=IMAGE_PAIRS,\n"
            "    responses_per_datapoint=25,\n"
            "    contexts=PROMPTS,\n"
            ")\n"
            "job = audience.assign_job(job_definition)\n"
            "job.display_progress_bar()",
            metadata=IGNORE,
        ),
        md(
            "`get_results()` returns the result document. The SDK's `to_pandas()` splits it into `A_`/`B_` columns:"
        ),
        code(
            "results = job.get_results()\n"
            'results.to_pandas()[["context", "winner", "A_aggregatedResults", "B_aggregatedResults"]]'
        ),
        md(
            "`rapidata_nb.frames.results_frame` gives a tidy frame with snake_case columns (`votes_a`, `ratio_a`, "
            "`score_a` = summed user scores, ...):\n\n" + CROWD_NOTE
        ),
        code(
            "frame = rf.results_frame(results)\n"
            'frame[["asset_a", "asset_b", "winner", "weighted_winner", "votes_a", "votes_b", "ratio_a", "score_a"]]'
        ),
        md(
            "## The same job from a DataFrame\n\nOne row per prompt, one column per model. The index labels travel "
            "with the datapoints, so the results join back onto the frame."
        ),
        code(
            "images = pd.DataFrame(\n"
            '    {"prompt": PROMPTS, "flux": [a for a, _ in IMAGE_PAIRS], "midjourney": [b for _, b in IMAGE_PAIRS]},\n'
            '    index=pd.Index(NAMES, name="subject"),\n'
            ")\n"
            "job = images.rapidata.compare(\n"
            '    "flux", "midjourney",\n'
            '    instruction="Which image follows the prompt more accurately?",\n'
            '    context="prompt",\n'
            '    audience="aud_MU1GZYoESyO",\n'
            "    responses_per_datapoint=25,\n"
            "    client=client,\n"
            ").wait()\n"
            'joined = images[["prompt"]].join(job.results()[["winner", "votes_a", "votes_b", "ratio_a"]])\n'
            "joined"
        ),
        md(
            "Each vote is a battle between the two models; the leaderboard turns them into scores with 95 % "
            "intervals."
        ),
        code(
            'board = images.assign(model_a="flux", model_b="midjourney").join(job.results()).rapidata.leaderboard()\n'
            "board.round(1)"
        ),
        code("job.results().rapidata.chart()", metadata=IGNORE),
    ]


def classification() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Classification on a Likert scale",
            "The classification guide: how well does each image match its description, on a five-point scale "
            "kept in order with `NoShuffleSetting`. First on a curated audience, then on a custom audience "
            "trained with qualification examples.",
        ),
        code(
            "from rapidata_nb import NoShuffleSetting\n\n"
            "IMAGE_URLS = [\n"
            '    "https://assets.rapidata.ai/tshirt-4o.png",\n'
            '    "https://assets.rapidata.ai/tshirt-aurora.jpg",\n'
            '    "https://assets.rapidata.ai/teamleader-aurora.jpg",\n'
            "]\n"
            "CONTEXTS = [\"A t-shirt with the text 'Running on caffeine & dreams'\"] * len(IMAGE_URLS)\n"
            'ANSWER_OPTIONS = ["1: Not at all", "2: A little", "3: Moderately", "4: Very well", "5: Perfectly"]\n\n'
            'audience = client.audience.get_audience_by_id("aud_mr3NbeWa4Uo")  # the curated "Coherence" audience\n'
            "job_definition = client.job.create_classification_job_definition(\n"
            '    name="Likert Scale Example",\n'
            '    instruction="How well does the image match the description?",\n'
            "    answer_options=ANSWER_OPTIONS,\n"
            "    contexts=CONTEXTS,\n"
            "    datapoints=IMAGE_URLS,\n"
            "    responses_per_datapoint=25,\n"
            "    settings=[NoShuffleSetting()],\n"
            ")\n"
            "job = audience.assign_job(job_definition)\n"
            "results = job.get_results()\n"
            "frame = rf.results_frame(results)\n"
            'frame.filter(regex="^(asset|winner|votes_)")'
        ),
        md(
            'Option names become snake_case column suffixes (`"4: Very well"` → `votes_4_very_well`); `winner` '
            "keeps the original text. " + CROWD_NOTE
        ),
        code("frame.rapidata.chart()", metadata=IGNORE),
        md(
            "## A custom audience\n\nLabelers qualify by answering the examples correctly; only those who pass "
            "label the job. On the local backend the simulated crowd recruits within seconds."
        ),
        code(
            "EXAMPLES = [\n"
            '    ("https://assets.rapidata.ai/tshirt-4o.png", "A t-shirt with the text \'Running on caffeine & dreams\'", "5: Perfectly"),\n'  # noqa: E501
            '    ("https://assets.rapidata.ai/flux_duck.jpg", "A psychedelic duck with glasses", "5: Perfectly"),\n'
            '    ("https://assets.rapidata.ai/flux_flower.jpg", "A yellow flower sticking out of a green pot", "5: Perfectly"),\n'  # noqa: E501
            '    ("https://assets.rapidata.ai/teamleader-aurora.jpg", "A t-shirt with the text \'Running on caffeine & dreams\'", "1: Not at all"),\n'  # noqa: E501
            '    ("https://assets.rapidata.ai/flux_book.jpg", "A psychedelic duck with glasses", "1: Not at all"),\n'
            '    ("https://assets.rapidata.ai/flux_duck.jpg", "A small blue book sitting on a large red book", "1: Not at all"),\n'  # noqa: E501
            "]\n"
            'custom = client.audience.create_audience(name="Likert Scale Audience")\n'
            "for datapoint, context, truth in EXAMPLES:\n"
            "    custom.add_classification_example(\n"
            '        instruction="How well does the image match the description?",\n'
            "        answer_options=ANSWER_OPTIONS,\n"
            "        datapoint=datapoint,\n"
            "        truth=[truth],\n"
            "        context=context,\n"
            "        settings=[NoShuffleSetting()],\n"
            "    )\n\n"
            'likert = pd.DataFrame({"image": IMAGE_URLS, "description": CONTEXTS},\n'
            '                      index=["tshirt-4o", "tshirt-aurora", "teamleader-aurora"])\n'
            "job = likert.rapidata.classify(\n"
            '    "image", options=ANSWER_OPTIONS, instruction="How well does the image match the description?",\n'
            '    context="description", settings=[NoShuffleSetting()], audience=custom,\n'
            "    responses_per_datapoint=25, client=client,\n"
            ").wait()\n"
            'job.results()[["winner", "weighted_winner", "n_responses"]]'
        ),
        code(
            "metrics = custom.get_recruiting_metrics()\n"
            'print("graduated labelers:", metrics.graduated > 0)\n'
            "responses = job.responses()\n"
            'print("mean user score of the responses:", round(responses["user_score"].mean(), 3))\n'
            'print("agreement (Krippendorff alpha):", round(responses.rapidata.agreement(), 3))'
        ),
    ]


def locate_draw() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Locate and draw",
            "The locate and draw guides: labelers tap (locate) or colour in (draw) the regions that match the "
            "instruction. Results hold the tapped points clustered per image, or a coverage grid.",
        ),
        code(
            "IMAGE_URLS = [\n"
            '    "https://assets.rapidata.ai/eac11c3e-ad57-402b-90ed-23378d2ff869.jpg",\n'
            '    "https://assets.rapidata.ai/04e7e3c6-5554-47ca-bdb2-950e48ac3e6c.jpg",\n'
            '    "https://assets.rapidata.ai/91d9913c-b399-47f8-ad19-767798cc951c.jpg",\n'
            "]\n"
            'audience = client.audience.get_audience_by_id("global")\n'
            "job_definition = client.job.create_locate_job_definition(\n"
            '    name="Artifact Detection Example",\n'
            '    instruction="Tap on any visual glitches or errors in the image.",\n'
            "    datapoints=IMAGE_URLS,\n"
            "    responses_per_datapoint=35,\n"
            ")\n"
            "results = audience.assign_job(job_definition).get_results()\n"
            "located = rf.results_frame(results)\n"
            'located[["asset", "n_responses"]]'
        ),
        md(
            "`clusters` lists the places many labelers tapped (coordinates are fractions of the width and height). "
            "One row per cluster:"
        ),
        code(
            'clusters = located.explode("clusters").dropna(subset=["clusters"]).reset_index(drop=True)\n'
            'clusters = clusters[["asset"]].join(pd.json_normalize(clusters["clusters"].tolist()))\n'
            'clusters.sort_values(["asset", "count"], ascending=[True, False]).groupby("asset").head(2)'
        ),
        code(
            'points = rf.responses_frame(results)\npoints[["item", "value", "user_score", "country"]].head(4)'
        ),
        md("## Draw\n\n" + CROWD_NOTE),
        code(
            "job_definition = client.job.create_draw_job_definition(\n"
            '    name="Blue Books Example",\n'
            '    instruction="Color in all the blue books",\n'
            "    datapoints=IMAGE_URLS,\n"
            "    responses_per_datapoint=35,\n"
            ")\n"
            "drawn = rf.results_frame(audience.assign_job(job_definition).get_results())\n"
            'grid = pd.DataFrame(drawn.loc[0, "coverage"])\n'
            'print(drawn.loc[0, "asset"], "- share of responses covering each cell:")\n'
            "grid.round(2)"
        ),
    ]


def words_and_text() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Select words and free text",
            "The select-words guide (which words of the prompt does the image get wrong?) and the free-text "
            "guide (what would you ask an AI?).",
        ),
        code(
            "IMAGE_URLS = [\n"
            '    "https://assets.rapidata.ai/dalle-3_244_0.jpg",\n'
            '    "https://assets.rapidata.ai/dalle-3_30_1.jpg",\n'
            '    "https://assets.rapidata.ai/dalle-3_268_2.jpg",\n'
            '    "https://assets.rapidata.ai/dalle-3_26_2.jpg",\n'
            "]\n"
            "PROMPTS = [\n"
            '    "The black camera was next to the white tripod.",\n'
            '    "Four cars on the street.",\n'
            '    "Car is bigger than the airplane.",\n'
            '    "One cat and two dogs sitting on the grass.",\n'
            "]\n"
            'prompts = pd.DataFrame({"image": IMAGE_URLS, "sentence": [p + " [No_mistakes]" for p in PROMPTS]})\n'
            "job = prompts.rapidata.select_words(\n"
            '    "image", sentence="sentence",\n'
            '    instruction="The image is based on the text below. Select mistakes, i.e., words that are not '
            'aligned with the image.",\n'
            '    audience="global", responses_per_datapoint=15, client=client,\n'
            ").wait()\n"
            "words = job.results()\n"
            'words[["sentence", "selected_words", "no_mistake", "n_responses"]]'
        ),
        md(
            "`word_votes` counts how often each word was selected (repeated words carry their position):\n\n"
            + CROWD_NOTE
        ),
        code('pd.Series(words.loc[0, "word_votes"]).sort_values(ascending=False).head(5)'),
        md("## Free text"),
        code(
            "job_definition = client.job.create_free_text_job_definition(\n"
            '    name="Example prompt generation",\n'
            '    instruction="What would you like to ask an AI? Please spell out the question",\n'
            '    datapoints=["https://assets.rapidata.ai/ai_question.png"],\n'
            "    responses_per_datapoint=5,\n"
            ")\n"
            'results = client.audience.get_audience_by_id("global").assign_job(job_definition).get_results()\n'
            'rf.responses_frame(results)[["value", "country", "language"]]'
        ),
    ]


def ranking() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Ranking",
            "The ranking guide: order a set of images through pairwise matchups. Then one ranking per group "
            "from a DataFrame with `df.rapidata.rank`.",
        ),
        code(
            'IDS = ["f9d92460-a362-493c-af91-bf50046453ae", "9bcd8b18-e9ad-4449-84d4-b3d72e200e9c",\n'
            '       "266f6446-3ca8-4c2d-b070-13558b35a4e0", "f787f02c-e5d0-43ca-aa6e-aea747845cf3",\n'
            '       "7e518a1b-4d1c-4a86-9109-26646684cc02", "10af47bd-3502-4534-b917-73dba5feaf76",\n'
            '       "59725ca0-1fd5-4850-a15c-4221e191e293", "65d3939d-c1b8-433c-b180-13dae80f0519"]\n'
            'DATAPOINTS = [f"https://assets.rapidata.ai/{i}.webp" for i in IDS]\n\n'
            "job_definition = client.job.create_ranking_job_definition(\n"
            '    name="Example Ranking Job",\n'
            '    instruction="Which rabbit looks cooler?",\n'
            "    datapoints=[DATAPOINTS],\n"
            "    comparison_budget_per_ranking=50,\n"
            "    random_comparisons_ratio=0.5,\n"
            ")\n"
            'results = client.audience.get_audience_by_id("global").assign_job(job_definition).get_results()\n'
            "ranked = rf.results_frame(results)\n"
            'ranked.assign(asset=ranked["asset"].str[:8]).sort_values("rank")[\n'
            '    ["asset", "score", "rank", "wins", "comparisons", "win_rate"]]'
        ),
        md(
            "Every matchup is also in the responses, so the ranking can be refitted with bootstrap intervals. With "
            "about seven matchups per image they are wide: a bigger `comparison_budget_per_ranking` narrows them.\n\n"
            + CROWD_NOTE
        ),
        code(
            "matchups = rf.responses_frame(results)\n"
            'board = matchups.assign(asset_a=matchups["asset_a"].str[:8], asset_b=matchups["asset_b"].str[:8])\\\n'
            "    .rapidata.leaderboard()\n"
            'board[["score", "lower", "upper", "rank", "battles"]].round(0).head(4)'
        ),
        md(
            "## One ranking per group\n\n`rank` groups the rows by a column and ranks within each group; results "
            "come back one row per source row."
        ),
        code(
            'rabbits = pd.DataFrame({"image": DATAPOINTS, "batch": ["first"] * 4 + ["second"] * 4},\n'
            '                       index=pd.Index([i[:8] for i in IDS], name="rabbit"))\n'
            'job = rabbits.rapidata.rank("image", by="batch", instruction="Which rabbit looks cooler?",\n'
            "                            responses_per_comparison=3, client=client).wait()\n"
            'rabbits[["batch"]].join(job.results()[["score", "rank", "wins", "comparisons"]])'
        ),
    ]


def early_stopping() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Early stopping",
            "The early-stopping guide: stop collecting responses for a datapoint once the answer is clear, "
            "either by confidence (from the labelers' user scores) or by a quorum of agreeing votes.",
        ),
        code(
            'audience = client.audience.create_audience(name="Animal Classification Audience")\n'
            "audience.add_classification_example(\n"
            '    instruction="What do you see in the image?",\n'
            '    answer_options=["Cat", "Dog"],\n'
            '    datapoint="https://assets.rapidata.ai/cat.jpeg",\n'
            '    truth=["Cat"],\n'
            ")\n"
            "job_definition = client.job.create_classification_job_definition(\n"
            '    name="Test Classification with Early Stopping",\n'
            '    instruction="What do you see in the image?",\n'
            '    answer_options=["Cat", "Dog"],\n'
            '    datapoints=["https://assets.rapidata.ai/dog.jpeg"],\n'
            "    responses_per_datapoint=50,  # the maximum\n"
            "    confidence_threshold=0.99,\n"
            ")\n"
            "results = audience.assign_job(job_definition).get_results()\n"
            "rf.results_frame(results).T"
        ),
        md(
            "The datapoint stopped after a handful of responses instead of 50: `confidence_dog` passed 0.99. The "
            "confidence combines each vote with its labeler's user score (a vote from a reliable labeler counts "
            "more):"
        ),
        code('rf.responses_frame(results)[["choice", "user_score", "country"]]'),
        md("## Quorum stopping\n\nStop when 7 votes agree, when 7 can no longer be reached, or at 10 votes."),
        code(
            "job_definition = client.job.create_classification_job_definition(\n"
            '    name="Test Classification with Quorum Stopping",\n'
            '    instruction="What do you see in the image?",\n'
            '    answer_options=["Cat", "Dog"],\n'
            '    datapoints=["https://assets.rapidata.ai/dog.jpeg", "https://assets.rapidata.ai/cat.jpeg"],\n'
            "    responses_per_datapoint=10,\n"
            "    quorum_threshold=7,\n"
            ")\n"
            "results = audience.assign_job(job_definition).get_results()\n"
            'rf.results_frame(results)[["asset", "winner", "votes_cat", "votes_dog", "n_responses"]]'
        ),
        md("From a DataFrame, pass the same thresholds to the accessor:"),
        code(
            'animals = pd.DataFrame({"image": ["https://assets.rapidata.ai/dog.jpeg"]}, index=["dog"])\n'
            'job = animals.rapidata.classify("image", options=["Cat", "Dog"], instruction="What do you see in the image?",\n'  # noqa: E501
            "                                audience=audience, responses_per_datapoint=50, confidence_threshold=0.99,\n"
            "                                client=client).wait()\n"
            'job.results()[["winner", "confidence_dog", "n_responses"]]'
        ),
    ]


def understanding_results() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Understanding results",
            "What a result document holds, and the tidy frames, weights and breakdowns built from it.",
        ),
        code(
            "job_definition = client.job.create_compare_job_definition(\n"
            '    name="Blue book",\n'
            '    instruction="Which image follows the prompt more accurately?",\n'
            '    datapoints=[["https://assets.rapidata.ai/aurora-20-1-25_37_4.png",\n'
            '                 "https://assets.rapidata.ai/dalle-3_37_2.jpg"]],\n'
            '    contexts=["A small blue book sitting on a large red book."],\n'
            "    responses_per_datapoint=3,\n"
            ")\n"
            'results = client.audience.get_audience_by_id("global").assign_job(job_definition).get_results()\n'
            "print(sorted(results))\n"
            'print(results["info"]["type"], results["summary"])'
        ),
        md(
            "Each entry of `results` is one datapoint: the winner, vote counts and ratios, summed user scores and "
            "their ratios, and one `detailedResults` entry per response with the labeler's details."
        ),
        code(
            'row = results["results"][0]\n'
            'for key in ["winner", "aggregatedResults", "aggregatedResultsRatios", "summedUserScores",\n'
            '            "summedUserScoresRatios"]:\n'
            '    print(f"{key}: {row[key]}")\n'
            'response = row["detailedResults"][0]\n'
            'print("votedFor:", response["votedFor"], "| userDetails:", response["userDetails"])'
        ),
        md("## As frames\n\nOne row per datapoint, one row per response:\n\n" + CROWD_NOTE),
        code("rf.results_frame(results).T"),
        code(
            'rf.responses_frame(results)[["choice", "side_shown", "user_score", "country", "language", "age"]]'
        ),
        md(
            "## Weighted decisions and breakdowns\n\nWith more responses, `winner` (raw counts) and "
            "`weighted_winner` (summed user scores) can disagree; breakdowns show who preferred what."
        ),
        code(
            "pairs = pd.DataFrame({\n"
            '    "a": [f"https://assets.rapidata.ai/flux_{n}.jpg" for n in ["flower", "alien", "duck", "book"]],\n'
            '    "b": [f"https://assets.rapidata.ai/mj_{n}.jpg" for n in ["flower", "alien", "duck", "book"]],\n'
            '}, index=["flower", "alien", "duck", "book"])\n'
            'job = pairs.rapidata.compare("a", "b", instruction="Which image looks better?",\n'
            "                             responses_per_datapoint=30, client=client).wait()\n"
            'job.results()[["winner", "weighted_winner", "ratio_a", "weighted_ratio_a"]]'
        ),
        code(
            "responses = job.responses()\n"
            'responses.groupby("language")["choice"].value_counts().unstack(fill_value=0).head(6)'
        ),
        code('responses.rapidata.chart(by="language")', metadata=IGNORE),
    ]


def custom_audiences() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Custom audiences",
            "The custom-audiences guide: train labelers with qualification examples, check who joined, run a "
            "job on the audience, and target a slice of it with filters (from the client and from a DataFrame).",
        ),
        code(
            'DATAPOINTS = [[f"https://assets.rapidata.ai/flux_{n}.jpg", f"https://assets.rapidata.ai/mj_{n}.jpg"]\n'
            '              for n in ["sign_diffusion", "duck", "book", "flower", "store_front", "hand", "traffic_lights", "plane"]]\n'
            "PROMPTS = [\n"
            "    \"A sign that says 'Diffusion'.\",\n"
            '    "A psychedelic duck with glasses",\n'
            '    "A small blue book sitting on a large red book.",\n'
            '    "A yellow flower sticking out of a bright green pot.",\n'
            "    \"A store front with 'hello world' written on it.\",\n"
            '    "A yellow hand on a black stone.",\n'
            '    "A green, yellow and red traffic light.",\n'
            '    "A plane flying over a person.",\n'
            "]\n"
            'audience = client.audience.create_audience(name="Custom Prompt Alignment Audience")\n'
            "for prompt, datapoint in zip(PROMPTS, DATAPOINTS):\n"
            "    audience.add_compare_example(\n"
            '        instruction="Which image follows the prompt more accurately?",\n'
            "        datapoint=datapoint,\n"
            "        truth=datapoint[0],\n"
            "        context=prompt,\n"
            "    )\n"
            "examples = audience.get_examples(amount=10)\n"
            'print(len(examples), "qualification examples")'
        ),
        md(
            "Assigning a job starts recruiting: labelers answer the examples, and those whose chance-corrected "
            "accuracy clears the bar graduate into the audience."
        ),
        code(
            "job_definition = client.job.create_compare_job_definition(\n"
            '    name="Prompt Alignment Job",\n'
            '    instruction="Which image follows the prompt more accurately?",\n'
            '    datapoints=[["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]],\n'
            '    contexts=["A small blue book sitting on a large red book."],\n'
            ")\n"
            "job = audience.assign_job(job_definition)\n"
            "results = job.get_results()\n"
            "metrics = audience.get_recruiting_metrics()\n"
            'print("graduated:", metrics.graduated > 0, "| dropped:", metrics.dropped >= 0)\n'
            'rf.results_frame(results)[["winner", "votes_a", "votes_b", "n_responses"]]'
        ),
        md(
            "The labelers who answered are graduated members of the audience; their user scores come from the "
            "qualification examples:\n\n" + CROWD_NOTE
        ),
        code(
            "responses = rf.responses_frame(results)\n"
            'responses[["choice", "user_score", "country", "language"]].head()'
        ),
        md(
            "## Filtered audiences\n\nA filter reuses the trained pool and narrows it, here to US or Canadian "
            "labelers who do not speak French. From a DataFrame, pass the filtered audience (or a list of filters "
            "for the global audience) as `audience=`."
        ),
        code(
            "from rapidata_nb import CountryFilter, LanguageFilter\n\n"
            'north_america = audience.filter([(CountryFilter(["US"]) | CountryFilter(["CA"])) & ~LanguageFilter(["fr"])])\n'
            'pairs = pd.DataFrame({"flux": [d[0] for d in DATAPOINTS[:3]], "midjourney": [d[1] for d in DATAPOINTS[:3]],\n'
            '                      "prompt": PROMPTS[:3]}, index=["sign", "duck", "book"])\n'
            'job = pairs.rapidata.compare("flux", "midjourney", instruction="Which image follows the prompt more accurately?",\n'
            '                             context="prompt", audience=north_america, responses_per_datapoint=5,\n'
            "                             client=client).wait()\n"
            "answers = job.responses()\n"
            'print(sorted(answers["country"].unique()), sorted(answers["language"].unique()))\n'
            'job.results()[["winner", "votes_a", "votes_b"]]'
        ),
        code(
            'german = pairs.rapidata.compare("flux", "midjourney", instruction="Which image follows the prompt more accurately?",\n'
            '                                context="prompt", audience=[LanguageFilter(["de"])],\n'
            "                                responses_per_datapoint=5, client=client).wait()\n"
            'print(sorted(german.responses()["language"].unique()))'
        ),
    ]


def mri() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Model ranking (MRI)",
            "The MRI guide: a benchmark of prompts, a leaderboard with an instruction, and models evaluated by "
            "their outputs per prompt. The standings and the win/loss matrix come back as frames, and the "
            "matrix feeds the win-rate heatmap.",
        ),
        code(
            "from pathlib import Path\n\n"
            "from PIL import Image, ImageDraw\n\n"
            'MEDIA = Path(os.environ["RAPIDATA_NB_HOME"]) / "media"\n'
            "MEDIA.mkdir(exist_ok=True)\n"
            'PROMPTS = ["A serene mountain landscape at sunset", "A futuristic city with flying cars",\n'
            '           "A portrait of a wise old wizard"]\n\n\n'
            "def picture(model: str, i: int, shade: int) -> str:\n"
            '    """A generated stand-in for a model\'s output on prompt i."""\n'
            '    image = Image.new("RGB", (96, 96), (shade, 90 + 20 * i, 160))\n'
            '    ImageDraw.Draw(image).text((4, 4), model, fill="white")\n'
            '    path = MEDIA / f"{model}_{i}.png"\n'
            "    image.save(path)\n"
            "    return str(path)"
        ),
        code(
            'benchmark = client.mri.create_new_benchmark(name="AI Art Competition", prompts=PROMPTS)\n'
            "leaderboard = benchmark.create_leaderboard(\n"
            '    name="Realism", instruction="Which image is more realistic?", show_prompt=False)\n'
            'for model, shade in [("aurora", 40), ("comet", 120), ("nova", 200)]:\n'
            "    benchmark.evaluate_model(name=model, media=[picture(model, i, shade) for i in range(3)], prompts=PROMPTS)\n"
            "print([p.name for p in benchmark.participants])"
        ),
        md(
            "Each evaluation runs as a job on the leaderboard; models are only matched on the same prompt. Wait for "
            "the runs, then read the standings:"
        ),
        code(
            "for run in leaderboard.jobs:\n"
            "    run.get_results()  # blocks until the run is done\n"
            "standings = leaderboard.get_standings()\n"
            "standings"
        ),
        md(
            "The matchups are planned from what was submitted (the leaderboard, the prompts and the media), and the "
            "simulated crowd is seeded, so every run of this notebook gives exactly these numbers. Every model met "
            "every other model once per prompt:"
        ),
        code(
            'print(sorted(standings["name"]), int(standings["total_matches"].sum()))\n'
            "matrix = leaderboard.get_win_loss_matrix()\n"
            'print(int(matrix.to_numpy().sum()), "decided matchups")'
        ),
        code(
            "from rapidata_nb.charts import win_rate_heatmap\n\n"
            'win_rate_heatmap(matrix.loc[standings["name"], standings["name"]])',
            metadata=IGNORE,
        ),
    ]


def ranking_flows() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Ranking and classify flows",
            "The flows guide: a flow holds an instruction; each batch of items sent to it is ranked by pairwise "
            "votes until a response threshold is met. Results are scores on an Elo-like scale and a win/loss "
            "matrix. A classify flow sorts each item of a batch into categories instead.",
        ),
        code(
            "flow = client.flow.create_ranking_flow(\n"
            '    name="Image Quality Ranking",\n'
            '    instruction="Which image looks better?",\n'
            "    max_response_threshold=40,\n"
            "    min_response_threshold=20,\n"
            ")\n"
            'IDS = ["f9d92460-a362-493c-af91-bf50046453ae", "9bcd8b18-e9ad-4449-84d4-b3d72e200e9c",\n'
            '       "266f6446-3ca8-4c2d-b070-13558b35a4e0", "f787f02c-e5d0-43ca-aa6e-aea747845cf3"]\n'
            "flow_item = flow.create_new_flow_batch(\n"
            '    datapoints=[f"https://assets.rapidata.ai/{i}.webp" for i in IDS],\n'
            '    context="Rabbits drawn by model X",\n'
            "    time_to_live=300,\n"
            ")\n"
            "results = flow_item.get_results()  # waits until the item is done\n"
            "print(flow_item.get_status(), results.total_votes, flow_item.get_response_count())"
        ),
        md("`datapoints` maps each item to its score; as a Series, best first:\n\n" + CROWD_NOTE),
        code(
            'scores = pd.Series(results.datapoints, name="score").sort_values(ascending=False)\n'
            'scores.index = [url.rsplit("/", 1)[-1][:8] for url in scores.index]\n'
            "scores"
        ),
        code(
            "matrix = flow_item.get_win_loss_matrix()\n"
            'matrix.index = matrix.columns = [url.rsplit("/", 1)[-1][:8] for url in matrix.index]\n'
            "matrix = matrix.loc[scores.index, scores.index]\n"
            "matrix"
        ),
        code(
            "from rapidata_nb.charts import win_rate_heatmap\n\nwin_rate_heatmap(matrix)",
            metadata=IGNORE,
        ),
        md(
            "## Classify flows\n\n"
            "A classify flow takes batches the same way, but sorts every datapoint of a batch into one of its "
            "categories. A category can be a `(label, value)` pair: labelers read the label, results carry the "
            "value. Each datapoint collects at most `max_responses_per_datapoint` votes; the batch is `Completed` "
            "when every datapoint has `min_responses_per_datapoint`."
        ),
        code(
            "animals = client.flow.create_classify_flow(\n"
            '    name="Animal sorting",\n'
            '    instruction="What does the drawing show?",\n'
            '    categories=[("A rabbit", "rabbit"), ("Another animal", "other"), ("No animal", "none")],\n'
            "    max_responses_per_datapoint=6,\n"
            "    min_responses_per_datapoint=4,\n"
            ")\n"
            "batches = [\n"
            '    animals.create_new_flow_batch(datapoints=[f"https://assets.rapidata.ai/{i}.webp" for i in IDS[:2]]),\n'
            '    animals.create_new_flow_batch(datapoints=[f"https://assets.rapidata.ai/{i}.webp" for i in IDS[2:]]),\n'
            "]\n"
            "outcomes = [batch.get_results() for batch in batches]  # waits for each batch\n"
            "print([batch.get_status() for batch in batches], [o.total_responses for o in outcomes])"
        ),
        md(
            "Each datapoint's `distribution` lists every category value in the flow's order (0 for those nobody "
            "chose), next to the majority (`None` on a tie):"
        ),
        code(
            "pd.DataFrame(\n"
            '    [{"item": url.rsplit("/", 1)[-1][:8], "majority": r.majority_value, **r.distribution}\n'
            "     for o in outcomes for url, r in o.datapoints.items()]\n"
            ")"
        ),
    ]


def signals() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Signals",
            "The signals guide: a signal runs the same job definition on the same audience at an interval, so "
            "you can track a metric over time. Each firing is an ordinary job; its results are ordinary "
            "frames.",
        ),
        code(
            'audience = client.audience.get_audience_by_id("aud_MU1GZYoESyO")\n'
            "job_definition = client.job.create_compare_job_definition(\n"
            '    name="Prompt Alignment Job",\n'
            '    instruction="Which image follows the prompt more accurately?",\n'
            '    datapoints=[["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]],\n'
            '    contexts=["A small blue book sitting on a large red book."],\n'
            ")\n"
            "signal = client.signals.create_signal(\n"
            '    name="Daily prompt alignment", audience=audience, job_definition=job_definition, interval_hours=24)\n'
            "print(signal.name, signal.interval_hours, signal.is_paused)"
        ),
        md("Fire one job now instead of waiting a day, and read its results as a frame:"),
        code(
            "signal.trigger()\n"
            "job = signal.wait_for_next_job(timeout=300, poll_interval=0.5)\n"
            "frame = rf.results_frame(job.get_results())\n"
            'frame[["asset_a", "asset_b", "winner", "votes_a", "votes_b", "n_responses"]]'
        ),
        md(
            "Over time, `get_jobs()` lists every firing; concatenating their frames gives a time series of the "
            "metric:"
        ),
        code(
            "history = pd.concat(\n"
            "    {j.created_at: rf.results_frame(j.get_results()) for j in signal.get_jobs(page_size=10)},\n"
            '    names=["fired_at", "datapoint"],\n'
            ")\n"
            'history[["winner", "ratio_a"]]',
            metadata=IGNORE,
        ),
        code('signal.pause()\nprint("paused:", signal.is_paused)\nsignal.delete()'),
    ]


def judge() -> list[nbformat.NotebookNode]:
    return [
        *_start(
            "Validate an LLM judge against the crowd",
            "Can a model stand in for people when judging other models, and how few human labels do we need next "
            "to it? This notebook validates a deliberately biased **simulated judge** against the crowd on the "
            "same pairs (agreement and its human ceiling, the judge's position bias, the Alternative Annotator "
            "Test), attaches its verdicts to the job as a labeler of kind `model`, then builds a "
            "prediction-powered leaderboard from a small human sample plus the judge on every pair.",
        ),
        md(
            "## Four models answer forty prompts\n\n"
            "Every pair of models on every prompt is one compare item (240 pairs). We also decide which answer is "
            "better, from hidden model strengths plus noise, and tell the simulated crowd with `truth=`: it cannot "
            "read the answers. In a real study this column does not exist; here it lets us check every estimate."
        ),
        code(
            "import numpy as np\n\n"
            "rng = np.random.default_rng(0)\n"
            'strength = {"atlas": 1.0, "borealis": 0.5, "cirrus": 0.0, "drizzle": -0.5}\n'
            "pairs_of = [(a, b) for i, a in enumerate(strength) for b in list(strength)[i + 1:]]\n"
            "rows = []\n"
            "for prompt in range(40):\n"
            "    for k, (a, b) in enumerate(pairs_of):\n"
            "        a, b = (a, b) if (prompt + k) % 2 else (b, a)  # no model is always A\n"
            "        p_a = 1 / (1 + np.exp(strength[b] - strength[a]))\n"
            "        rows.append({\n"
            '            "pair": f"p{prompt:02d}-{a}-{b}", "model_a": a, "model_b": b,\n'
            '            "answer_a": f"{a} answers prompt {prompt}", "answer_b": f"{b} answers prompt {prompt}",\n'
            '            "truth": "A" if rng.random() < p_a else "B",\n'
            "        })\n"
            'pairs = pd.DataFrame(rows).set_index("pair")\n'
            "pairs.head(3)"
        ),
        md(
            "## People label every pair\n\n"
            "Five votes per pair, from a small pool (labelers in Japan): the Alternative Annotator Test compares "
            "the judge with each annotator on the items they labelled, so each needs 30 or more."
        ),
        code(
            "job = pairs.rapidata.compare(\n"
            '    "answer_a", "answer_b", instruction="Which answer is better?", truth="truth",\n'
            '    responses_per_datapoint=5, audience=[rapidata_nb.CountryFilter(["JP"])], client=client,\n'
            ").wait(timeout=300)\n"
            "results = pairs.join(job.results())\n"
            'print(len(results), "pairs,", int(results["n_responses"].sum()), "votes,",\n'
            '      job.responses()["labeler_id"].nunique(), "labelers")'
        ),
        md(
            "## A simulated judge\n\n"
            "`client.simulation.judge` answers the job's pairs from the same truth the crowd answers against. "
            "This one is right on 85 % of the pairs it judges on their content, and decides 15 % of all pairs by "
            'position alone: it picks whichever answer it is shown first. `order="both"` asks it twice per pair, '
            "A first and then B first, as careful evaluations do."
        ),
        code(
            'verdicts = client.simulation.judge(job, accuracy=0.85, position_bias=0.15, order="both", seed=7)\n'
            "verdicts.head()"
        ),
        code('verdicts["mechanism"].value_counts()'),
        md(
            "## The judge as a labeler of the job\n\n"
            "`job.add_model_verdicts` attaches the verdicts (A shown first) to the job as a labeler of kind "
            "`model`. People never see them, and the crowd's results, early stopping and billing never count "
            "them; `job.responses()` lists them with `labeler_kind`."
        ),
        code(
            'job.add_model_verdicts(verdicts["verdict"], model="sim-judge", shown_first=verdicts["shown_first"],\n'
            '                       probability_a=verdicts["probability_a"])\n'
            "responses = job.responses()\n"
            'responses.groupby("labeler_kind")["choice"].value_counts().unstack()'
        ),
        md(
            "## The judge report\n\n"
            '`judge_report` reads the model\'s verdicts from the responses (`judge="sim-judge"`), and the '
            "swapped-order verdicts from a column. Its summary gives κ against the crowd's plurality, the "
            "leave-one-out agreement of the judge and of the humans (the ceiling) and the alt-test's verdict."
        ),
        code(
            'frame = results.join(verdicts[["verdict_swapped"]])\n'
            "report = frame.rapidata.judge_report(\n"
            '    judge="sim-judge", judge_swapped="verdict_swapped", responses=responses,\n'
            '    model_a="model_a", model_b="model_b", n_rounds=200,\n'
            ")\n"
            "print(report.summary())"
        ),
        code("report.agreement.query(\"statistic in ['agreement', 'kappa']\").round(3)"),
        md(
            "The position bias shows directly: judged in both orders, the judge picks the first-shown answer 15 "
            "points more often than the second, and flips on 15 % of the pairs. The crowd's own lean is beside it."
        ),
        code("report.bias.round(3)"),
        code('report.chart("bias")', metadata=IGNORE),
        code('assert report.chart("bias").to_dict()["data"] is not None\nreport.alt_test.T'),
        md(
            "## A prediction-powered leaderboard with fewer human labels\n\n"
            "Now suppose people label only a uniform sample of about 40 pairs, and the judge labels all 240. PPI++ "
            "uses the sample to measure the judge's error and corrects for it, so its scores are unbiased, with "
            "narrower intervals than the sample alone gives."
        ),
        code(
            'chosen = pairs.rapidata.human_sample(size=40, strategy="uniform", random_state=2)\n'
            'sample_job = chosen[chosen["sampled"]].rapidata.compare(\n'
            '    "answer_a", "answer_b", instruction="Which answer is better?", truth="truth",\n'
            "    responses_per_datapoint=5, client=client,\n"
            ").wait(timeout=300)\n"
            'frame = pairs.join(sample_job.results()[["votes_a", "votes_b"]]).join(verdicts[["verdict"]])\n'
            'print(int(frame["votes_a"].notna().sum()), "pairs with human votes of", len(frame))'
        ),
        code(
            'board = frame.rapidata.leaderboard(judge="verdict")\n'
            "widths = pd.DataFrame({\n"
            '    "prediction-powered": board["upper"] - board["lower"],\n'
            '    "people alone": board["human_upper"] - board["human_lower"],\n'
            '    "judge alone": board["judge_upper"] - board["judge_lower"],\n'
            "})\n"
            'board[["score", "lower", "upper", "human_score", "judge_score", "judge_misses"]].round(1).join(widths.round(1))'
        ),
        md(
            "The prediction-powered intervals are narrower than those from the same 40 pairs' votes alone, by "
            "about a quarter here, which is what a judge–human correlation near 0.75 allows (the gain in effective "
            "sample size is about 1/(1 − ρ²)). The judge-only intervals are narrower still, but they carry the "
            "judge's lean towards the answer it is shown first, which nothing corrects: `judge_misses` flags a "
            "model whose judge-only interval misses the prediction-powered score. The hidden order of the models "
            "is atlas, borealis, cirrus, drizzle."
        ),
        code(
            'ratio = widths["prediction-powered"] / widths["people alone"]\n'
            "assert ratio.mean() < 1\n"
            'print("width with the judge / width from people alone:", ratio.round(2).to_dict())\n'
            'print("λ =", round(board.attrs["lam"], 2), " judge–human correlation ρ =", round(board.attrs["correlation"], 2))'
        ),
    ]


GUIDES: dict[str, Callable[[], list[nbformat.NotebookNode]]] = {
    "guide_compare": compare,
    "guide_classification": classification,
    "guide_locate_draw": locate_draw,
    "guide_select_words_free_text": words_and_text,
    "guide_ranking": ranking,
    "guide_early_stopping": early_stopping,
    "guide_understanding_results": understanding_results,
    "guide_custom_audiences": custom_audiences,
    "guide_mri": mri,
    "guide_ranking_flows": ranking_flows,
    "guide_signals": signals,
    "guide_judge": judge,
}
