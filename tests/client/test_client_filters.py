"""Filters: operators, wire form, validation, and the filters audiences refuse."""

from __future__ import annotations

import pytest

from rapidata_nb import (
    AgeFilter,
    AgeGroup,
    AndFilter,
    CampaignFilter,
    CountryFilter,
    CustomFilter,
    DeviceFilter,
    DeviceType,
    Gender,
    GenderFilter,
    LanguageFilter,
    NotFilter,
    OrFilter,
    UserScoreFilter,
)
from rapidata_nb.client.filters import filter_from_wire


def test_and_or_flatten() -> None:
    us, ca, en = CountryFilter(["US"]), CountryFilter(["CA"]), LanguageFilter(["en"])
    both = us & ca & en
    assert isinstance(both, AndFilter) and both.filters == [us, ca, en]
    either = us | ca | en
    assert isinstance(either, OrFilter) and either.filters == [us, ca, en]
    assert ((us & ca) & (en & us)).filters == [us, ca, en, us]
    mixed = (us | ca) & en
    assert isinstance(mixed, AndFilter) and isinstance(mixed.filters[0], OrFilter)


def test_not_and_double_negation() -> None:
    fr = LanguageFilter(["fr"])
    negated = ~fr
    assert isinstance(negated, NotFilter) and negated.filter is fr
    assert ~~fr is fr


def test_wire_form() -> None:
    f = (CountryFilter(["US"]) | CountryFilter(["CA"])) & ~LanguageFilter(["fr"])
    assert f._to_audience_model().wire() == {
        "_t": "AndFilter",
        "filters": [
            {
                "_t": "OrFilter",
                "filters": [
                    {"_t": "CountryFilter", "countries": ["US"]},
                    {"_t": "CountryFilter", "countries": ["CA"]},
                ],
            },
            {"_t": "NotFilter", "filter": {"_t": "LanguageFilter", "languages": ["fr"]}},
        ],
    }
    assert AgeFilter([AgeGroup.BETWEEN_18_29])._to_audience_model().wire() == {
        "_t": "DemographicFilter",
        "identifier": "age",
        "values": ["18-29"],
    }
    assert GenderFilter([Gender.FEMALE])._to_audience_model().wire() == {
        "_t": "DemographicFilter",
        "identifier": "gender",
        "values": ["Female"],
    }
    assert DeviceFilter([DeviceType.PHONE])._to_audience_model().wire() == {
        "_t": "DeviceFilter",
        "deviceTypes": ["Phone"],
    }


def test_codes_are_normalised_and_validated() -> None:
    assert CountryFilter(["us"]).country_codes == ["US"]
    assert LanguageFilter(["EN"]).language_codes == ["en"]
    with pytest.raises(ValueError, match="two-letter ISO 3166-1"):
        CountryFilter(["USA"])
    with pytest.raises(ValueError, match="ISO 639-1"):
        LanguageFilter(["xx"])
    with pytest.raises(ValueError, match="non-empty list"):
        CountryFilter("US")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not one of"):
        AgeFilter(["old"])  # type: ignore[list-item]


@pytest.mark.parametrize("f", [UserScoreFilter(0.5, 1.0), CampaignFilter(["c1"]), CustomFilter("k", ["v"])])
def test_not_supported_on_audiences(f: object) -> None:
    with pytest.raises(NotImplementedError, match="not supported for audiences"):
        f._to_audience_model()  # type: ignore[attr-defined]


def test_user_score_bounds() -> None:
    with pytest.raises(ValueError, match="lower_bound must be less"):
        UserScoreFilter(0.8, 0.2)


def test_the_wire_form_reads_back_as_the_same_filter() -> None:
    f = (CountryFilter(["US"]) | AgeFilter([AgeGroup.OVER_65])) & ~DeviceFilter([DeviceType.TABLET])
    assert filter_from_wire(f._to_audience_model().wire()) == f
    assert filter_from_wire({"_t": "DeviceFilter", "deviceTypes": ["Desktop"]}) is None  # not the SDK's
    assert filter_from_wire({"_t": "CampaignFilter", "campaignIds": ["c1"]}) is None
