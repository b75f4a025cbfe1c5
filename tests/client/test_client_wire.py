"""Exact request bodies of audiences, examples and job definitions (against a scripted API)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapidata_nb import (
    AllowNeitherBothSetting,
    Box,
    CountryFilter,
    CustomSetting,
    FailedUploadException,
    LanguageFilter,
    NoShuffleSetting,
    RapidataJobDefinition,
    RapidataOrder,
    rapidata_config,
)
from rapidata_nb.rapidata_client.exceptions import FailedUploadException as AliasFailedUploadException
from tests.utils.fakeapi import FakeApi

URL_A = "https://assets.rapidata.ai/a.jpg"
URL_B = "https://assets.rapidata.ai/b.jpg"


def test_create_audience_body(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    aud = client.audience.create_audience(
        "Experts",
        filters=[CountryFilter(["US", "CA"]), ~LanguageFilter(["fr"])],
        target_accuracy=0.8,
        min_tasks=3,
    )
    assert aud.id.startswith("aud_") and aud.name == "Experts"
    assert api.bodies("POST", "/audience")[0] == {
        "name": "Experts",
        "filters": [
            {"_t": "CountryFilter", "countries": ["US", "CA"]},
            {"_t": "NotFilter", "filter": {"_t": "LanguageFilter", "languages": ["fr"]}},
        ],
        "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.8, "minTasks": 3, "maxTasks": None},
    }
    client.audience.create_audience("Plain")
    assert "graduationRule" not in api.bodies("POST", "/audience")[1]


def test_create_audience_validation(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="target_accuracy must be between 0 and 1"):
        client.audience.create_audience("x", target_accuracy=1.5)
    with pytest.raises(ValueError, match="max_tasks"):
        client.audience.create_audience("x", min_tasks=5, max_tasks=2)
    assert api.bodies("POST", "/audience") == []


def test_compare_example_body(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    aud = client.audience.create_audience("A")
    aud.add_compare_example(
        "Which is better?",
        truth=URL_B,
        datapoint=[URL_A, URL_B],
        explanation="B is sharp",
        settings=[AllowNeitherBothSetting()],
    )
    body = api.bodies("POST", f"/audience/{aud.id}/example")[0]
    assert body == {
        "asset": {
            "_t": "MultiAssetInput",
            "assets": [
                {"_t": "ExistingAssetInput", "name": "u_a.jpg"},
                {"_t": "ExistingAssetInput", "name": "u_b.jpg"},
            ],
        },
        "payload": {"_t": "CompareExamplePayload", "criteria": "Which is better?"},
        "truth": {"_t": "CompareExampleTruth", "winnerId": "u_b.jpg"},
        "randomCorrectProbability": 0.5,
        "explanation": "B is sharp",
        "context": None,
        "contextAsset": None,
        "featureFlags": [{"key": "compare_unsure", "value": "5000"}],
    }


def test_text_compare_truth_is_the_text(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    aud = client.audience.create_audience("A")
    aud.add_compare_example("Better?", truth="good", datapoint=["good", "bad"], data_type="text")
    body = api.bodies("POST", f"/audience/{aud.id}/example")[0]
    assert body["truth"]["winnerId"] == "good"
    assert body["asset"]["assets"][0] == {"_t": "TextAssetInput", "text": "good"}


def test_classification_locate_draw_select_examples(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    aud = client.audience.create_audience("A")
    aud.add_classification_example(
        "Animal?", ["Cat", "Dog", "Bird", "Fish"], URL_A, truth=["Cat"], media_context=[URL_B]
    )
    aud.add_locate_example("Find the cat", URL_A, truths=[Box(0.1, 0.1, 0.5, 0.5), Box(0.3, 0.3, 0.6, 0.6)])
    aud.add_draw_example("Draw the cat", URL_A, truths=[Box(0.0, 0.0, 0.5, 1.0)])
    aud.add_select_words_example("Wrong words?", URL_A, "a red cat sits", truths=[1, 2])
    classify, locate, draw, select = api.bodies("POST", f"/audience/{aud.id}/example")
    assert classify["payload"] == {
        "_t": "ClassifyExamplePayload",
        "title": "Animal?",
        "categories": [{"label": o, "value": o} for o in ["Cat", "Dog", "Bird", "Fish"]],
    }
    assert classify["truth"] == {"_t": "ClassifyExampleTruth", "correctCategories": ["Cat"]}
    assert classify["randomCorrectProbability"] == 0.25
    assert classify["contextAsset"] == {"_t": "ExistingAssetInput", "name": "u_b.jpg"}
    assert locate["truth"]["boundingBoxes"][0] == {"xMin": 10.0, "yMin": 10.0, "xMax": 50.0, "yMax": 50.0}
    assert locate["payload"] == {"_t": "LocateExamplePayload", "target": "Find the cat"}
    assert locate["randomCorrectProbability"] == pytest.approx(0.16 + 0.09 - 0.04)
    assert draw["payload"]["_t"] == "LineExamplePayload" and draw["truth"]["_t"] == "LineExampleTruth"
    assert draw["randomCorrectProbability"] == pytest.approx(0.5)
    assert select["payload"]["transcription"][1] == {"word": "red", "wordIndex": 1}
    assert select["truth"] == {
        "_t": "TranscriptionExampleTruth",
        "correctWords": [{"word": "red", "wordIndex": 1}, {"word": "cat", "wordIndex": 2}],
        "requiredPrecision": 1,
        "requiredCompleteness": 1,
    }


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda a: a.add_classification_example("Q?", ["Cat", "Dog"], URL_A, truth=["Cow"]),
            "not among answer_options",
        ),
        (lambda a: a.add_classification_example("Q?", ["Cat", "Dog"], URL_A, truth="Cat"), "non-empty list"),
        (lambda a: a.add_compare_example("Q?", truth=URL_A, datapoint=[URL_A]), "exactly two"),
        (
            lambda a: a.add_compare_example("Q?", truth="x", datapoint=[URL_A, URL_B]),
            "must be one of the two",
        ),
        (lambda a: a.add_locate_example("Q?", URL_A, truths=[]), "non-empty list of Box"),
        (lambda a: a.add_select_words_example("Q?", URL_A, "a red cat", truths=[3]), "not word indices"),
        (lambda a: a.add_compare_example("x" * 251, truth=URL_A, datapoint=[URL_A, URL_B]), "limit is 250"),
        (
            lambda a: a.add_classification_example(
                "Q?", ["Cat", "Dog"], URL_A, truth=["Cat"], media_context=[URL_B] * 11
            ),
            "between 1 and 10",
        ),
    ],
)
def test_example_validation_sends_nothing(client, api: FakeApi, call, message: str) -> None:  # type: ignore[no-untyped-def]
    aud = client.audience.create_audience("A")
    with pytest.raises(ValueError, match=message):
        call(aud)
    assert api.bodies("POST", f"/audience/{aud.id}/example") == []


def test_box_validation() -> None:
    with pytest.raises(ValueError, match="ratios of the image size"):
        Box(10, 10, 50, 50)
    with pytest.raises(ValueError, match="x_min .* must be less than x_max"):
        Box(0.5, 0.1, 0.2, 0.3)


def test_compare_definition_wire(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    d = client.job.create_compare_job_definition(
        name="Cmp",
        instruction="Which?",
        datapoints=[[URL_A, URL_B]],
        contexts=["a prompt"],
        a_b_names=["X", "Y"],
        quorum_threshold=3,
        responses_per_datapoint=5,
        settings=[NoShuffleSetting(), CustomSetting("k", 1, "campaign")],
        private_metadata=[{"row": "7"}],
    )
    assert d.name == "Cmp" and d.revision == 1
    assert api.bodies("POST", "/dataset")[0] == {"name": "Cmp_dataset", "schema": None}
    # the fake API, like the hosted one, has no batch path: one request per datapoint after the probe
    [dp] = [b for b in api.bodies("POST", "/dataset/") if "sortIndex" in b]
    assert dp["privateMetadata"] == {"row": "7"} and dp["sortIndex"] == 0
    [body] = api.bodies("POST", "/job/definition")
    assert body["workflow"] == {
        "_t": "SimpleWorkflow",
        "rapid": {
            "_t": "Compare",
            "criteria": {"literal": "Which?"},
            "indexIdentifiers": ["X", "Y"],
            "asset": {"segment": "asset"},
        },
    }
    assert body["referee"] == {"_t": "QuorumReferee", "maxVotes": 5, "threshold": 3}
    assert body["rapidFeatureFlags"] == [{"key": "no_shuffle", "value": "true"}]
    assert body["campaignFeatureFlags"] == [{"key": "k", "value": "1"}]


def test_classification_definition_schema_and_options(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    client.job.create_classification_job_definition(
        name="Cls",
        instruction="Animal?",
        answer_options=["Cat", "Dog"],
        datapoints=["a cat", "a dog"],
        data_type="text",
        confidence_threshold=0.99,
    )
    schema = api.bodies("POST", "/dataset")[0]["schema"]
    assert [s["key"] for s in schema] == ["asset", "context", "context_asset", "answer_options"]
    dps = [b for b in api.bodies("POST", "/dataset/") if "sortIndex" in b]
    assert sorted(d["sortIndex"] for d in dps) == [0, 1]
    first = next(d for d in dps if d["sortIndex"] == 0)
    assert first["segments"][0] == {
        "key": "asset",
        "kind": "Asset",
        "asset": {"_t": "TextAssetInput", "text": "a cat"},
    }
    assert first["segments"][1]["options"] == [
        {"label": "Cat", "value": "Cat"},
        {"label": "Dog", "value": "Dog"},
    ]
    assert not any(r.url.path.startswith("/asset") for r in api.requests)  # text is never uploaded
    [body] = api.bodies("POST", "/job/definition")
    assert body["workflow"]["rapid"] == {
        "_t": "Classify",
        "title": {"literal": "Animal?"},
        "categories": {"segment": "answer_options"},
        "asset": {"segment": "asset"},
    }
    assert body["referee"] == {"_t": "EarlyStoppingReferee", "maxVotes": 10, "threshold": 0.99}


def test_other_workflows(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    client.job.create_locate_job_definition(name="L", instruction="Tap", datapoints=[URL_A])
    client.job.create_draw_job_definition(name="D", instruction="Draw", datapoints=[URL_A])
    client.job.create_select_words_job_definition(
        name="S", instruction="Pick", datapoints=[URL_A], sentences=["a red cat"]
    )
    client.job.create_free_text_job_definition(name="F", instruction="Say", datapoints=[URL_A])
    client.job.create_ranking_job_definition(
        name="R",
        instruction="Better?",
        datapoints=[[URL_A, URL_B, "https://x/c.jpg"]],
        comparison_budget_per_ranking=9,
        responses_per_comparison=2,
        contexts=["group prompt"],
    )
    rapids = [b["workflow"].get("rapid", b["workflow"]) for b in api.bodies("POST", "/job/definition")]
    assert [r["_t"] for r in rapids] == [
        "Locate",
        "Line",
        "Transcription",
        "FreeText",
        "GroupedRankingWorkflow",
    ]
    ranking = api.bodies("POST", "/job/definition")[-1]
    assert ranking["workflow"]["pairMakerConfig"] == {"_t": "FullPermutationPairMaker"}
    assert ranking["referee"] == {"_t": "NaiveReferee", "totalVotes": 6}  # (9 // 3 pairs) * 2
    posted = [b for b in api.bodies("POST", "/dataset/") if b and b.get("segments") and "sortIndex" in b]
    assert sorted(d["group"] for d in posted if d["group"] is not None) == ["0", "0", "0"]
    [group] = [b for b in api.bodies("POST", "/dataset/") if b and "group" in b and "sortIndex" not in b]
    assert group == {"group": "0", "segments": [{"key": "context", "kind": "Text", "text": "group prompt"}]}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"datapoints": [[URL_A]]}, "exactly 2 items"),
        ({"datapoints": [[URL_A, URL_A]]}, "must be different"),
        ({"datapoints": [[URL_A, URL_B]], "contexts": ["a", "b"]}, "contexts has 2 entries but there are 1"),
        (
            {"datapoints": [[URL_A, URL_B]], "confidence_threshold": 0.9, "quorum_threshold": 3},
            "mutually exclusive",
        ),
        ({"datapoints": [[URL_A, URL_B]], "quorum_threshold": 20}, "cannot exceed responses_per_datapoint"),
        ({"datapoints": [[URL_A, URL_B]], "instruction": "x" * 300}, "limit is 250"),
        ({"datapoints": [[URL_A, URL_B]], "a_b_names": ["only one"]}, "exactly 2 names"),
        ({"datapoints": [[URL_A, URL_B]], "private_metadata": [{"k": 1}]}, "dict of strings"),
        ({"datapoints": [[URL_A, URL_B]], "responses_per_datapoint": 0}, "positive integer"),
        ({"datapoints": [[URL_A, URL_B]], "failure_tolerance": 2.0}, "failure_tolerance"),
    ],
)
def test_compare_validation_sends_nothing(client, api: FakeApi, kwargs, message: str) -> None:  # type: ignore[no-untyped-def]
    args = {"name": "n", "instruction": "Which?", **kwargs}
    with pytest.raises(ValueError, match=message):
        client.job.create_compare_job_definition(**args)
    assert [p for p in api.paths() if p != "POST /connect/token"] == []


def test_parameter_matrix_errors(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="'answer_options' is not available for Locate job definitions"):
        client.job.create_locate_job_definition(
            name="n", instruction="i", datapoints=[URL_A], answer_options=["a"]
        )
    with pytest.raises(TypeError, match="'data_type' is not available for Select Words.*Classification"):
        client.job.create_select_words_job_definition(
            name="n", instruction="i", datapoints=[URL_A], sentences=["a b"], data_type="text"
        )
    with pytest.raises(TypeError, match="'responses_per_datapoint' is not available for Ranking"):
        client.job.create_ranking_job_definition(
            name="n",
            instruction="i",
            datapoints=[[URL_A, URL_B]],
            comparison_budget_per_ranking=5,
            responses_per_datapoint=3,
        )


def test_ranking_and_classification_validation(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="at least 2 unique items to rank"):
        client.job.create_ranking_job_definition(
            name="n", instruction="i", datapoints=[[URL_A]], comparison_budget_per_ranking=5
        )
    with pytest.raises(ValueError, match="at least 2 unique options"):
        client.job.create_classification_job_definition(
            name="n", instruction="i", answer_options=["a", "a"], datapoints=[URL_A]
        )
    with pytest.raises(ValueError, match="sentences has 1 entries but there are 2"):
        client.job.create_select_words_job_definition(
            name="n", instruction="i", datapoints=[URL_A, URL_B], sentences=["a b"]
        )


def test_long_context_warns_or_shortens(client, api: FakeApi, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    long = "word " * 120
    client.job.create_compare_job_definition(
        name="n", instruction="Which?", datapoints=[[URL_A, URL_B]], contexts=[long]
    )
    assert "exceed 400 characters" in caplog.text
    assert api.bodies("POST", "/datasets/shorten-context") == []
    rapidata_config.upload.autoShortenContext = True
    client.job.create_compare_job_definition(
        name="n", instruction="Which?", datapoints=[[URL_A, URL_B]], contexts=[long]
    )
    assert api.bodies("POST", "/datasets/shorten-context") == [
        {"items": [{"context": long, "question": "Which?"}]}
    ]


def test_one_missing_file_among_100(client, api: FakeApi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = []
    for i in range(100):
        path = tmp_path / f"img{i}.png"
        if i != 42:
            path.write_bytes(f"image {i}".encode())
        files.append(str(path))
    with pytest.raises(AliasFailedUploadException) as info:
        client.job.create_classification_job_definition(
            name="Many", instruction="Animal?", answer_options=["Cat", "Dog"], datapoints=files
        )
    e = info.value
    assert isinstance(e, FailedUploadException)
    assert [dp.asset for dp in e.failed_uploads] == [files[42]]
    assert list(e.failures_by_reason) == ["One or more required assets failed to upload"]
    assert list(e.failures_by_stage) == ["asset"]
    assert "File not found" in e.detailed_failures[0].format_error_details()
    assert e.job_definition is not None
    dataset_id = e.dataset.id
    assert len(api.datapoints[dataset_id]) == 99
    (tmp_path / "img42.png").write_bytes(b"image 42")
    assert e.retry() is e.job_definition
    assert len(api.datapoints[dataset_id]) == 100
    assert sorted(d["sortIndex"] for d in api.datapoints[dataset_id]) == list(range(100))
    assert len(api.bodies("POST", "/job/definition")) == 1


def test_add_datapoints_returns_successful_and_failed(client, api: FakeApi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FailedUploadException) as info:
        client.job.create_classification_job_definition(
            name="n", instruction="i", answer_options=["a", "b"], datapoints=[str(tmp_path / "missing.jpg")]
        )
    e = info.value
    assert e.job_definition is None  # nothing uploaded: no definition over an empty dataset
    successful, failed = e.dataset.add_datapoints(e.failed_uploads)
    assert successful == [] and len(failed) == 1
    (tmp_path / "missing.jpg").write_bytes(b"x")
    definition = e.retry()
    assert definition is not None and definition.id.startswith("def")


def test_failure_tolerance_allows_partial(client, api: FakeApi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok = tmp_path / "ok.jpg"
    ok.write_bytes(b"x")
    definition = client.job.create_classification_job_definition(
        name="n",
        instruction="i",
        answer_options=["a", "b"],
        datapoints=[str(ok), str(tmp_path / "gone.jpg")],
        failure_tolerance=0.5,
    )
    assert definition.id.startswith("def")


def test_file_upload_cache_survives_clients(api: FakeApi, tmp_path: Path) -> None:
    from tests.utils.fakeapi import make_client

    img = tmp_path / "img.png"
    img.write_bytes(b"png")
    for _ in range(2):
        make_client(api).job.create_locate_job_definition(name="n", instruction="i", datapoints=[str(img)])
    assert len([r for r in api.requests if r.url.path == "/asset/file"]) == 1
    rapidata_config.upload.cacheToDisk = False
    make_client(api).job.create_locate_job_definition(name="n", instruction="i", datapoints=[str(img)])
    assert len([r for r in api.requests if r.url.path == "/asset/file"]) == 2


def test_order_create_infers_type(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    order = client.order.create(
        name="O", instruction="Animal?", answer_options=["Cat", "Dog"], datapoints=[URL_A]
    )
    assert order.id.startswith("def")
    order.run()
    [job_body] = [b for b in api.bodies("POST", "/job") if "audienceId" in b]
    assert job_body["audienceId"] == "global" and job_body["revisionNumber"] == 1
    with pytest.raises(ValueError, match="Cannot tell the order type"):
        client.order.create(name="O", instruction="i", datapoints=[URL_A])


def test_order_partial_upload_carries_the_order(client, api: FakeApi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok, gone = tmp_path / "ok.jpg", tmp_path / "gone.jpg"
    ok.write_bytes(b"x")
    with pytest.raises(FailedUploadException) as info:
        client.order.create_locate_order(name="O", instruction="Where?", datapoints=[str(ok), str(gone)])
    e = info.value
    assert isinstance(e.order, RapidataOrder) and e.job_definition is not None
    assert e.order.job_definition is e.job_definition and e.order.id == e.job_definition.id
    gone.write_bytes(b"y")
    assert e.retry() is e.order
    assert len(api.bodies("POST", "/job/definition")) == 1
    # the order API's wrapping stays with its own manager: client.job still returns definitions
    definition = client.job.create_locate_job_definition(name="D", instruction="Where?", datapoints=[str(ok)])
    assert type(definition) is RapidataJobDefinition
