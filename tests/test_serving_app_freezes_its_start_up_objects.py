"""While the app serves, what start-up built is exempt from the cyclic collector
(gc.freeze), so full collections under load do not walk it; once the app stops,
nothing stays frozen, so a stopped app (every test's) can be collected."""

import gc

from fastapi.testclient import TestClient


def test_start_up_objects_are_frozen_while_serving_and_released_after(app):
    gc.unfreeze()
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/public").status_code == 200
    assert gc.get_freeze_count() == 0
