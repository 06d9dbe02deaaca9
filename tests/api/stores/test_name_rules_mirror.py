"""The dashboard checks store names while a person types, with a copy of the API's rules
(frontend/src/features/stores/lib/store-name.ts). The API stays the judge; this keeps the copy true."""

from __future__ import annotations

import re
from pathlib import Path

from storefleet.api.stores import names

MIRROR = Path(__file__).parents[3] / "frontend" / "src" / "features" / "stores" / "lib" / "store-name.ts"


def _strings(source: str, start: str, end: str) -> set[str]:
    block = source[source.index(start) : source.index(end, source.index(start))]
    return set(re.findall(r'"([^"]+)"', block))


def test_the_dashboards_name_rules_are_the_apis() -> None:
    source = MIRROR.read_text()
    assert _strings(source, "const RESERVED_NAMES", "]);") == set(names.RESERVED_NAMES)
    assert _strings(source, "const RESERVED_PREFIXES", ";") == set(names.RESERVED_PREFIXES)
    assert _strings(source, "const PROFANE_STEMS", "];") == set(names.PROFANE_STEMS)
    assert f"MIN_LENGTH = {names.MIN_LENGTH};" in source and f"MAX_LENGTH = {names.MAX_LENGTH};" in source
    assert f"/{names._DNS_LABEL.pattern}/" in source
