"""A campaign that generalises locations publishes no exact place: it cannot also have a
position question (in any form version, repeats included) or targets, which would pin each
contributor to a spot. Refused on creation and on every change that would combine them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import campaign_body
from tests.targets.conftest import ign_layer, monitoring_body

__all__ = ["ign_layer"]  # the fixture, used by name

GEOPOINT = {"name": "entree", "type": "geopoint", "label": {"fr": "Entrée", "en": "Entrance"}}
TEXT = {"name": "espece", "type": "text", "label": {"fr": "Espèce", "en": "Species"}}
REPEAT = {"name": "arbres", "type": "repeat", "label": {"fr": "Arbre", "en": "Tree"},
          "fields": [TEXT, GEOPOINT]}  # fmt: skip
URL = "/api/v1/campaigns"


def refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["path"], e["code"]) for e in errors] == [
        ("/location_precision_m", "generalised_with_exact_places")
    ]


async def test_a_position_question_and_generalisation_are_refused_together(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for fields in ([GEOPOINT], [REPEAT]):
        body = campaign_body(fields=fields, location_precision_m=1000)
        refused(await client.post(URL, json=body, headers=admin_headers))
    created = await client.post(URL, json=campaign_body(fields=[TEXT, GEOPOINT]),
                                headers=admin_headers)  # fmt: skip
    assert created.status_code == 201, created.text
    campaign = f"{URL}/arbres"
    refused(await client.patch(campaign, json={"location_precision_m": 500},
                               headers=admin_headers))  # fmt: skip
    # Dropped from the form, the position answers stay published (retired): still refused.
    dropped = await client.patch(campaign, json={"fields": [TEXT]}, headers=admin_headers)
    assert dropped.status_code == 200, dropped.text
    refused(await client.patch(campaign, json={"location_precision_m": 500},
                               headers=admin_headers))  # fmt: skip
    stored = (await client.get(campaign, headers=admin_headers)).json()
    assert stored["location_precision_m"] is None


async def test_targets_and_generalisation_are_refused_together(
    client: httpx.AsyncClient, admin_headers: dict[str, str], ign_layer: None
) -> None:
    refused(await client.post(URL, json=monitoring_body(location_precision_m=1000),
                              headers=admin_headers))  # fmt: skip
    generalised = monitoring_body(location_precision_m=1000, targets=None)
    created = await client.post(URL, json=generalised, headers=admin_headers)
    assert created.status_code == 201, created.text
    targets: dict[str, Any] = monitoring_body()["targets"]
    refused(await client.patch(f"{URL}/reperes", json={"targets": targets},
                               headers=admin_headers))  # fmt: skip
