"""Country and area names: exact, never fuzzy; the names the issue warns about."""

from __future__ import annotations

import pycountry
import pytest

from etl.gazetteer import AREA_ORDER, load_gazetteer


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Republic of Korea", "KOR"),
        ("Cameroun", "CMR"),
        ("CAMEROON", "CMR"),
        ("UNSC resolution 1244-administered Kosovo", "XKX"),
        ("Hong Kong, China", "HKG"),
        ("HONG KONG, CHINA", "HKG"),
        ("Congo", "COG"),
        ("Democratic Republic of the Congo", "COD"),
        ("Côte d'Ivoire", "CIV"),
        ("CÔTE D’IVOIRE", "CIV"),
        ("The former Yugsolav Republic of Macedonia", "MKD"),
        ("IRAN (Islamic Republic of)", "IRN"),
        ("Micronesia (Federated States of)", "FSM"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
    ],
)
def test_report_names(name: str, iso3: str) -> None:
    assert load_gazetteer().country(name) == iso3


def test_no_fuzzy_matching() -> None:
    gaz = load_gazetteer()
    assert gaz.country("Nigerr") is None
    assert gaz.country("Korea") is None


def test_every_code_is_iso_3166() -> None:
    for iso3 in load_gazetteer().countries:
        assert iso3 == "XKX" or pycountry.countries.get(alpha_3=iso3) is not None, iso3


def test_area_labels() -> None:
    gaz = load_gazetteer()
    assert gaz.areas("Emergency, Operations and Post-crisis") == ("emergency_post_crisis",)
    assert gaz.areas("Operations, Emergencies and Post‐crisis") == ("emergency_post_crisis",)  # U+2010 hyphen
    assert gaz.areas("Emergency and Post-crisis Response") == ("emergency_post_crisis",)
    assert gaz.areas("Migrant Assistance, Labour Migration and Human Development") == (
        "migrant_assistance",
        "labour_migration_human_development",
    )
    assert len(AREA_ORDER) == 7
