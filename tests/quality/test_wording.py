"""Figures in quality messages as people read them: distances, percentages, decimal commas."""

from __future__ import annotations

import pytest

from app.quality.wording import distance, fill, finding_message, percent

NARROW_NBSP = "\u202f"


@pytest.mark.parametrize(
    ("metres", "fr", "en"),
    [
        (0.4, "0 m", "0 m"),
        (849.6, "850 m", "850 m"),
        (999.7, "1 km", "1 km"),  # rounded to 1000 m: said in km
        (1234, "1,2 km", "1.2 km"),
        (9960, "10 km", "10 km"),
        (34339.7, "34 km", "34 km"),
        (123456, "123 km", "123 km"),
        (1_234_567, f"1{NARROW_NBSP}235 km", "1,235 km"),
    ],
)
def test_distances_in_metres_then_km(metres: float, fr: str, en: str) -> None:
    assert (distance(metres, "fr"), distance(metres, "en")) == (fr, en)


def test_percentages_per_language() -> None:
    assert (percent(12.5, "fr"), percent(12.5, "en")) == ("12,5 %", "12.5%")
    assert percent(30, "fr") == "30 %"


def test_a_zero_tolerance_goes_unsaid() -> None:
    figures = {"outside_m": 34339.7, "tolerance_m": 0}
    assert finding_message("quality_inside_area", "fr", figures) == (
        "L'observation est à 34 km de la zone de la campagne."
    )
    assert finding_message("quality_inside_area", "en", figures) == (
        "The observation is 34 km outside the campaign area."
    )
    tolerant = {**figures, "tolerance_m": 50}
    assert finding_message("quality_inside_area", "fr", tolerant) == (
        "L'observation est à 34 km de la zone de la campagne (tolérance 50 m)."
    )


def test_accuracy_message() -> None:
    figures = {"accuracy_m": 80, "max_m": 20}
    assert finding_message("quality_accuracy", "fr", figures) == (
        "Précision 80 m, 20 m au plus demandés."
    )
    assert finding_message("quality_accuracy", "en", figures) == (
        "Accuracy 80 m, at most 20 m asked."
    )


def test_custom_wordings_get_numbers_as_the_language_writes_them() -> None:
    figures = {"distance_m": 68.3, "feature": "Main Street"}
    assert fill("{distance_m} m de {feature}", "fr", figures) == "68,3 m de Main Street"
    assert fill("{distance_m:distance} from {feature}", "en", figures) == "68 m from Main Street"
    assert fill("{distance_m:.0f} m", "en", figures) == "68 m"
    with pytest.raises(KeyError):
        fill("{nothing}", "en", figures)
