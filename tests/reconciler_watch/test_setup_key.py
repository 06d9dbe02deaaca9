"""The setup key: which spec changes need the post-install setup again."""

from __future__ import annotations

import hashlib
import json

from storefleet.reconciler_watch.setup_job import setup_key

OLD_STORE = {"store_id": "st-abcdefgh23", "name": "acme", "engine": "medusa", "theme": None, "plan": "small"}


def test_plan_and_branding_need_no_setup_theme_and_name_do() -> None:
    key = setup_key(OLD_STORE)
    assert setup_key({**OLD_STORE, "plan": "large", "branding": {"primary_color": "#112233"}}) == key
    assert setup_key({**OLD_STORE, "name": "other"}) != key
    assert setup_key({**OLD_STORE, "engine": "woocommerce", "theme": "astra"}) != key


def test_a_store_older_than_templates_keeps_its_key_and_other_templates_get_their_own() -> None:
    key = setup_key(OLD_STORE)
    inputs = {"engine": "medusa", "name": "acme", "theme": None}  # what the key always hashed
    assert key == hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:10]
    assert setup_key({**OLD_STORE, "template": "classic"}) == key  # no re-run after the upgrade
    fashion, food = (
        setup_key({**OLD_STORE, "template": "fashion"}),
        setup_key({**OLD_STORE, "template": "food"}),
    )
    assert len({key, fashion, food}) == 3
