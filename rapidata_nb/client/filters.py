"""Audience filters: who may label. Combine with ``&`` (and), ``|`` (or) and ``~`` (not).

``a & b & c`` flattens into one ``AndFilter([a, b, c])`` (likewise ``|``), and ``~~f is f``.
Country and language filters restrict an audience's recruiting; age, gender and device filters apply when
deriving a filtered audience with ``audience.filter([...])``. ``UserScoreFilter``, ``CampaignFilter`` and
``CustomFilter`` exist for API compatibility but cannot be used on audiences.

On the wire each filter is one of the ``AudienceFilter`` models of ``rapidata_nb.api.models.audience``
(``CountryFilter``, ``LanguageFilter``, ``NotFilter``, ``AndFilter``, ``OrFilter``, ``DemographicFilter``,
``DeviceFilter``); that module defines their fields and tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from pydantic import TypeAdapter

from rapidata_nb.api.models import audience as wire
from rapidata_nb.config import logger

__all__ = [
    "AgeFilter",
    "AgeGroup",
    "AndFilter",
    "CampaignFilter",
    "CountryFilter",
    "CustomFilter",
    "DeviceFilter",
    "DeviceType",
    "Gender",
    "GenderFilter",
    "LanguageFilter",
    "NotFilter",
    "OrFilter",
    "RapidataFilter",
    "UserScoreFilter",
    "filter_from_wire",
]

_ISO_639_1 = frozenset(
    "ab aa af ak sq am ar an hy as av ae ay az bm ba eu be bn bi bs br bg my ca ch ce ny zh cu cv kw "
    "co cr hr cs da dv nl dz en eo et ee fo fj fi fr ff gl lg ka de gn gu ht ha he hz hi ho hu is io "
    "ig id ia ie iu ik ga it ja jv kl kn kr ks kk km ki rw ky kv kg ko kj ku lo la lv li ln lt lu lb "
    "mk mg ms ml mt gv mi mr mh el mn na nv ng ne se nd no nb nn oc oj or om os pi pa fa pl pt ps qu "
    "ro rm rn ru sm sg sa sc gd sr sh sn ii sd si sk sl so st nr es su sw ss sv tl ty tg ta tt te th "
    "bo ti to ts tn tr tk tw ug uk ur uz ve vi vo wa cy fy wo xh yi yo za zu".split()
)


class AgeGroup(Enum):
    """Age brackets for ``AgeFilter``."""

    UNDER_18 = "0-17"
    BETWEEN_18_29 = "18-29"
    BETWEEN_30_39 = "30-39"
    BETWEEN_40_49 = "40-49"
    BETWEEN_50_64 = "50-64"
    OVER_65 = "65+"


class Gender(Enum):
    """Genders for ``GenderFilter``."""

    MALE = "Male"
    FEMALE = "Female"
    OTHER = "Other"


class DeviceType(Enum):
    """Device types for ``DeviceFilter``."""

    UNKNOWN = "Unknown"
    PHONE = "Phone"
    TABLET = "Tablet"


class RapidataFilter:
    """Base class of all filters; supports ``&``, ``|`` and ``~``."""

    def _to_audience_model(self) -> wire.AudienceFilter:
        raise NotImplementedError(f"{type(self).__name__} is not supported for audiences")

    def __and__(self, other: object) -> RapidataFilter:
        if not isinstance(other, RapidataFilter):
            return NotImplemented
        left = self.filters if isinstance(self, AndFilter) else [self]
        right = other.filters if isinstance(other, AndFilter) else [other]
        return AndFilter([*left, *right])

    def __or__(self, other: object) -> RapidataFilter:
        if not isinstance(other, RapidataFilter):
            return NotImplemented
        left = self.filters if isinstance(self, OrFilter) else [self]
        right = other.filters if isinstance(other, OrFilter) else [other]
        return OrFilter([*left, *right])

    def __invert__(self) -> RapidataFilter:
        return self.filter if isinstance(self, NotFilter) else NotFilter(self)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


def _strings(values: Sequence[str], what: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise ValueError(f"{what} must be a non-empty list of strings, got {values!r}")
    for v in values:
        if not isinstance(v, str):
            raise ValueError(f"{what} must contain strings only, got {v!r}")
    return list(values)


class CountryFilter(RapidataFilter):
    """Labelers from these countries (ISO 3166-1 alpha-2 codes, e.g. ``["US", "CA"]``)."""

    def __init__(self, country_codes: list[str]) -> None:
        codes = []
        for code in _strings(country_codes, "country_codes"):
            if len(code) != 2 or not code.isalpha():
                raise ValueError(f"Country code {code!r} must be a two-letter ISO 3166-1 code such as 'US'.")
            if code != code.upper():
                logger.warning("Country code '%s' should be uppercase; using '%s'.", code, code.upper())
            codes.append(code.upper())
        self.country_codes = codes

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.CountryFilter(countries=list(self.country_codes))


class LanguageFilter(RapidataFilter):
    """Labelers speaking these languages (ISO 639-1 codes, e.g. ``["en", "de"]``)."""

    def __init__(self, language_codes: list[str]) -> None:
        codes = []
        for code in _strings(language_codes, "language_codes"):
            if code.lower() not in _ISO_639_1:
                raise ValueError(
                    f"Unknown ISO 639-1 language code {code!r}; use two-letter codes such as 'en'."
                )
            if code != code.lower():
                logger.warning("Language code '%s' should be lowercase; using '%s'.", code, code.lower())
            codes.append(code.lower())
        self.language_codes = codes

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.LanguageFilter(languages=list(self.language_codes))


def _enum_list(values: Sequence[Any], enum: type[Enum], what: str) -> list[Any]:
    if not values:
        raise ValueError(f"{what} must be a non-empty list of {enum.__name__} values")
    out = []
    for v in values:
        if isinstance(v, enum):
            out.append(v)
            continue
        try:
            out.append(enum(v))
        except ValueError:
            names = ", ".join(f"{enum.__name__}.{m.name}" for m in enum)
            raise ValueError(f"{what}: {v!r} is not one of {names}") from None
    return out


class AgeFilter(RapidataFilter):
    """Labelers in these age groups (``filter()`` only)."""

    def __init__(self, age_groups: list[AgeGroup]) -> None:
        self.age_groups = _enum_list(age_groups, AgeGroup, "age_groups")

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.DemographicFilter(identifier="age", values=[g.value for g in self.age_groups])


class GenderFilter(RapidataFilter):
    """Labelers of these genders (``filter()`` only)."""

    def __init__(self, genders: list[Gender]) -> None:
        self.genders = _enum_list(genders, Gender, "genders")

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.DemographicFilter(identifier="gender", values=[g.value for g in self.genders])


class DeviceFilter(RapidataFilter):
    """Labelers on these device types (``filter()`` only)."""

    def __init__(self, device_types: list[DeviceType]) -> None:
        self.device_types = _enum_list(device_types, DeviceType, "device_types")

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.DeviceFilter(device_types=[d.value for d in self.device_types])


def _filter_list(filters: Sequence[RapidataFilter], what: str) -> list[RapidataFilter]:
    if isinstance(filters, RapidataFilter) or not filters:
        raise ValueError(f"{what} needs a non-empty list of filters")
    for f in filters:
        if not isinstance(f, RapidataFilter):
            raise ValueError(f"{what}: {f!r} is not a filter")
    return list(filters)


class AndFilter(RapidataFilter):
    """All of the filters must match."""

    def __init__(self, filters: list[RapidataFilter]) -> None:
        self.filters = _filter_list(filters, "AndFilter")

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.AndFilter(filters=[f._to_audience_model() for f in self.filters])


class OrFilter(RapidataFilter):
    """At least one of the filters must match."""

    def __init__(self, filters: list[RapidataFilter]) -> None:
        self.filters = _filter_list(filters, "OrFilter")

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.OrFilter(filters=[f._to_audience_model() for f in self.filters])


class NotFilter(RapidataFilter):
    """The filter must not match."""

    def __init__(self, filter: RapidataFilter) -> None:  # noqa: A002 - the SDK's parameter name
        if not isinstance(filter, RapidataFilter):
            raise ValueError(f"NotFilter needs a filter, got {filter!r}")
        self.filter = filter

    def _to_audience_model(self) -> wire.AudienceFilter:
        return wire.NotFilter(filter=self.filter._to_audience_model())


class UserScoreFilter(RapidataFilter):
    """Labelers whose user score lies in [lower_bound, upper_bound] (not usable on audiences)."""

    def __init__(
        self, lower_bound: float = 0.0, upper_bound: float = 1.0, dimension: str | None = None
    ) -> None:
        for name, value in (("lower_bound", lower_bound), ("upper_bound", upper_bound)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if lower_bound >= upper_bound:
            raise ValueError("lower_bound must be less than upper_bound")
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.dimension = dimension

    def _to_audience_model(self) -> wire.AudienceFilter:
        raise NotImplementedError(
            "UserScoreFilter is not supported for audiences; audiences already admit labelers by their "
            "qualification score (see create_audience(target_accuracy=...))."
        )


class CampaignFilter(RapidataFilter):
    """Labelers of these campaigns (not usable on audiences)."""

    def __init__(self, campaign_ids: list[str]) -> None:
        self.campaign_ids = _strings(campaign_ids, "campaign_ids")

    def _to_audience_model(self) -> wire.AudienceFilter:
        raise NotImplementedError("CampaignFilter is not supported for audiences.")


class CustomFilter(RapidataFilter):
    """A custom user attribute filter (not usable on audiences)."""

    def __init__(self, identifier: str, values: list[str]) -> None:
        self.identifier = identifier
        self.values = _strings(values, "values")

    def _to_audience_model(self) -> wire.AudienceFilter:
        raise NotImplementedError("CustomFilter is not supported for audiences.")


_AUDIENCE_FILTER: TypeAdapter[wire.AudienceFilter] = TypeAdapter(wire.AudienceFilter)


def filter_from_wire(data: dict[str, Any]) -> RapidataFilter | None:
    """Rebuild a filter object from its wire form (unknown tags or values give ``None``)."""
    try:
        return _from_model(_AUDIENCE_FILTER.validate_python(data))
    except ValueError:  # pydantic's ValidationError, or a value none of our enums has
        return None


def _from_model(model: wire.AudienceFilter) -> RapidataFilter | None:
    if isinstance(model, wire.CountryFilter):
        return CountryFilter(model.countries)
    if isinstance(model, wire.LanguageFilter):
        return LanguageFilter(model.languages)
    if isinstance(model, wire.NotFilter):
        inner = _from_model(model.filter)
        return NotFilter(inner) if inner is not None else None
    if isinstance(model, wire.AndFilter | wire.OrFilter):
        parts = [f for f in (_from_model(m) for m in model.filters) if f is not None]
        return (AndFilter if isinstance(model, wire.AndFilter) else OrFilter)(parts) if parts else None
    if isinstance(model, wire.DemographicFilter) and model.identifier == "age":
        return AgeFilter([AgeGroup(v) for v in model.values])
    if isinstance(model, wire.DemographicFilter) and model.identifier == "gender":
        return GenderFilter([Gender(v) for v in model.values])
    if isinstance(model, wire.DeviceFilter):
        return DeviceFilter([DeviceType(v) for v in model.device_types])
    return None
