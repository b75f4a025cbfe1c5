"""``rapidata_nb.api.models._base``: the ``_t`` tag is always part of a dump; variants told by their tag."""

from __future__ import annotations

from rapidata_nb.api.models import (
    AndFilter,
    CountryFilter,
    FileAsset,
    MultiAsset,
    NaiveReferee,
    OnlinePairMaker,
    QuorumReferee,
    TextAssetInput,
    UploadAssetOutput,
    tag_of,
    variant,
)


def test_the_tag_counts_as_set_so_exclude_unset_keeps_it() -> None:
    assert NaiveReferee(total_votes=3).wire(exclude_unset=True) == {"_t": "NaiveReferee", "totalVotes": 3}
    built = OnlinePairMaker.model_construct(total_comparison_budget=0)
    assert built.wire(exclude_unset=True) == {"_t": "OnlinePairMaker", "totalComparisonBudget": 0}
    nested = AndFilter(filters=[CountryFilter(countries=["US"])])
    assert nested.wire(exclude_unset=True) == {
        "_t": "AndFilter",
        "filters": [{"_t": "CountryFilter", "countries": ["US"]}],
    }


def test_an_untagged_model_gains_no_tag() -> None:
    assert UploadAssetOutput(file_name="a.jpg").wire(exclude_unset=True) == {"fileName": "a.jpg"}
    assert tag_of(UploadAssetOutput) is None
    assert tag_of(TextAssetInput) == "TextAssetInput"


def test_variant_reads_the_tag_only() -> None:
    assert variant({"_t": "QuorumReferee"}, NaiveReferee, QuorumReferee) is QuorumReferee
    # Fields the model would refuse, or lack, do not matter: only the tag is read.
    assert variant({"_t": "MultiAsset", "assets": "?"}, FileAsset, MultiAsset) is MultiAsset
    assert variant({"_t": "BoundingBox"}, NaiveReferee, QuorumReferee) is None
    assert variant({"totalVotes": 3}, NaiveReferee) is None
    assert variant(None, NaiveReferee) is None
    assert variant("NaiveReferee", NaiveReferee) is None
