"""Audience filters on labeler profiles: matching and validation (wire notes §1.8).

Filters are stored in their wire form (a ``CountryFilter``'s wire dict, ...); a list is ANDed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapidata_nb.api.models.audience import (
    AndFilter,
    CountryFilter,
    DemographicFilter,
    DeviceFilter,
    LanguageFilter,
    NotFilter,
    OrFilter,
)
from rapidata_nb.api.models.audience import AudienceFilter as AudienceFilterT
from rapidata_nb.api.vocabulary import LABELER_DEVICE_TYPES

__all__ = ["ISO_COUNTRIES", "ISO_LANGUAGES", "filter_problem", "matches"]

ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
    BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
    ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
    HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
    LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
    NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
    SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
    UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW""".split()
)
"""ISO 3166-1 alpha-2 codes (plus the user-assigned ``XK`` Kosovo)."""

ISO_LANGUAGES = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
    dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id
    ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu
    lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu
    rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr
    ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)
"""ISO 639-1 codes."""

_TAG = CountryFilter.model_fields["t"].alias or ""  # the wire key of every tag
# Each filter's tag, and the SDK's other spelling of it (``CountryAudienceFilter``).
_SPELLINGS: dict[type, frozenset[str]] = {
    model: frozenset({tag, tag.replace("Filter", "AudienceFilter")})
    for model in (
        CountryFilter,
        LanguageFilter,
        DemographicFilter,
        DeviceFilter,
        NotFilter,
        AndFilter,
        OrFilter,
    )
    for tag in [str(model.model_fields["t"].default)]
}
_DEMOGRAPHIC_FIELDS = {"age": "age", "agegroup": "age", "gender": "gender", "occupation": "occupation"}


def _field(labeler: Any, name: str) -> Any:
    return labeler.get(name) if isinstance(labeler, Mapping) else getattr(labeler, name)


def _match_one(f: Mapping[str, Any], labeler: Any) -> bool:
    # Stored filters are read as dicts, not validated into the api's models: this runs per labeler and
    # audience, and filters stored in the SDK's other spelling (``CountryAudienceFilter``, ...) still match.
    t = f.get(_TAG, "")
    if t in _SPELLINGS[CountryFilter]:
        return str(_field(labeler, "country")).upper() in {c.upper() for c in f.get("countries", [])}
    if t in _SPELLINGS[LanguageFilter]:
        return str(_field(labeler, "language")).lower() in {c.lower() for c in f.get("languages", [])}
    if t in _SPELLINGS[DemographicFilter]:
        name = _DEMOGRAPHIC_FIELDS.get(str(f.get("identifier", "")).lower().replace("_", ""), "")
        return bool(name) and str(_field(labeler, name)) in {str(v) for v in f.get("values", [])}
    if t in _SPELLINGS[DeviceFilter]:
        return str(_field(labeler, "device")) in set(f.get("deviceTypes", f.get("device_types", [])))
    if t in _SPELLINGS[NotFilter]:
        return not _match_one(f["filter"], labeler)
    if t in _SPELLINGS[AndFilter]:
        return all(_match_one(g, labeler) for g in f.get("filters", []))
    if t in _SPELLINGS[OrFilter]:
        return any(_match_one(g, labeler) for g in f.get("filters", []))
    return False


def matches(filters: Sequence[Mapping[str, Any]] | None, labeler: Any) -> bool:
    """Whether ``labeler`` (a row or a dict with profile fields) passes all stored ``filters`` (ANDed)."""
    return all(_match_one(f, labeler) for f in filters or ())


def filter_problem(f: AudienceFilterT, path: str = "filters") -> str | None:
    """A message naming what is wrong with a filter, or ``None`` when it is valid."""
    if isinstance(f, CountryFilter):
        if not f.countries:
            return f"{path}: CountryFilter needs at least one country code"
        bad = [c for c in f.countries if str(c).upper() not in ISO_COUNTRIES]
        return f"{path}: unknown ISO-3166 country code(s) {bad}" if bad else None
    if isinstance(f, LanguageFilter):
        if not f.languages:
            return f"{path}: LanguageFilter needs at least one language code"
        bad = [c for c in f.languages if str(c).lower() not in ISO_LANGUAGES]
        return f"{path}: unknown ISO-639-1 language code(s) {bad}" if bad else None
    if isinstance(f, DemographicFilter):
        if f.identifier.lower().replace("_", "") not in _DEMOGRAPHIC_FIELDS:
            return f"{path}: DemographicFilter identifier must be one of age, gender, occupation"
        return None if f.values else f"{path}: DemographicFilter needs at least one value"
    if isinstance(f, DeviceFilter):
        bad = [d for d in f.device_types if d not in LABELER_DEVICE_TYPES]
        return f"{path}: unknown device type(s) {bad}" if bad else None
    if isinstance(f, NotFilter):
        return filter_problem(f.filter, f"{path}.filter")
    for i, g in enumerate(f.filters):  # AndFilter, OrFilter
        if (p := filter_problem(g, f"{path}.filters[{i}]")) is not None:
            return p
    return None
