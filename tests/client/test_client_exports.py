"""The public surface: sorted, importable, and holding every name the SDK docs and seed examples use."""

from __future__ import annotations

import inspect

import rapidata_nb
import rapidata_nb.client
import rapidata_nb.rapidata_client

DOCUMENTED = {
    "RapidataClient",
    "rapidata_config",
    "logger",
    "managed_print",
    "CompressionConfig",
    "Box",
    "RapidataResults",
    "FailedUploadException",
    "FailedUpload",
    "RevisionConflictError",
    "RapidataError",
    "AssetWarning",
    "Datapoint",
    "CountryFilter",
    "LanguageFilter",
    "AgeFilter",
    "GenderFilter",
    "DeviceFilter",
    "AndFilter",
    "OrFilter",
    "NotFilter",
    "UserScoreFilter",
    "CampaignFilter",
    "CustomFilter",
    "AgeGroup",
    "Gender",
    "DeviceType",
    "NoShuffleSetting",
    "MarkdownSetting",
    "AllowNeitherBothSetting",
    "RapidataSettings",
    "CustomSetting",
    "RapidataAudience",
    "RapidataFilteredAudience",
    "RapidataUnlistedAudience",
    "RecruitingMetrics",
    "RapidataJob",
    "RapidataJobDefinition",
    "JobProgress",
    "CostEstimate",
    "RevisionInfo",
    "ContextManager",
}


def test_all_is_sorted_unique_and_importable() -> None:
    for module in (rapidata_nb, rapidata_nb.client, rapidata_nb.rapidata_client):
        assert module.__all__ == sorted(set(module.__all__))
        for name in module.__all__:
            assert getattr(module, name) is not None, name


def test_documented_names_are_exported() -> None:
    assert DOCUMENTED <= set(rapidata_nb.__all__)
    assert set(rapidata_nb.client.__all__) <= set(rapidata_nb.__all__)


def test_signatures_match_the_sdk() -> None:
    client_sig = inspect.signature(rapidata_nb.RapidataClient.__init__)
    assert list(client_sig.parameters)[1:9] == [
        "client_id",
        "client_secret",
        "environment",
        "oauth_scope",
        "cert_path",
        "token",
        "token_file",
        "leeway",
    ]
    assert client_sig.parameters["oauth_scope"].default == "openid email api"
    assert client_sig.parameters["leeway"].default == 60
    ranking = inspect.signature(rapidata_nb.RapidataJobManager.create_ranking_job_definition)
    assert ranking.parameters["responses_per_comparison"].default == 1
    assert ranking.parameters["random_comparisons_ratio"].default == 0.5
    assert "responses_per_datapoint" not in ranking.parameters
    results = inspect.signature(rapidata_nb.RapidataJob.get_results)
    assert results.parameters["preliminary_results"].default is False
    progress = inspect.signature(rapidata_nb.RapidataJob.display_progress_bar)
    assert progress.parameters["refresh_rate"].default == 5
