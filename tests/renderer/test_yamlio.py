"""Byte-stable YAML: canonical order, YAML 1.1-safe quoting, no aliases, one text per value."""

from __future__ import annotations

import random

import pytest
import yaml

from storefleet.renderer import yamlio

AMBIGUOUS = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "False",
    "null",
    "~",
    "",
    "1",
    "1.0",
    "0755",
    "0x1F",
    "1e3",
    "12:30",
    "2024-01-01",
    ".inf",
    "=",
    "<<",
]


def _shuffled(value: object, rng: random.Random) -> object:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


OBJECT = {
    "status": {"z": 1},
    "spec": {"values": {"b": "2", "a": {"d": [1, {"y": "x", "b": True}], "c": None}}},
    "metadata": {"name": "n", "labels": {"b": "1", "a": "yes"}},
    "kind": "Thing",
    "apiVersion": "example.io/v1",
}


def test_same_value_in_any_dict_order_gives_the_same_bytes() -> None:
    expected = yamlio.dump(OBJECT)
    for seed in range(20):
        assert yamlio.dump(_shuffled(OBJECT, random.Random(seed))) == expected


def test_kubernetes_head_keys_first_everything_else_sorted() -> None:
    text = yamlio.dump(OBJECT).decode()
    top = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith(" ")]
    assert top == ["apiVersion", "kind", "metadata", "spec", "status"]
    assert text.index("  labels:") < text.index("  name:")  # nested keys sorted, even under metadata
    # Only a Kubernetes object (apiVersion + kind at the top) gets the head order.
    assert yamlio.dump({"spec": 1, "kind": 2}).decode() == "kind: 2\nspec: 1\n"


@pytest.mark.parametrize("value", AMBIGUOUS)
def test_strings_that_read_as_other_types_are_quoted_for_yaml_1_1_and_1_2(value: str) -> None:
    text = yamlio.dump({"k": value}).decode()
    assert text.startswith("k: '"), text
    assert yaml.safe_load(text) == {"k": value}  # PyYAML reads YAML 1.1, as Kubernetes does
    assert yamlio.load(text.encode()) == {"k": value}  # ruamel reads YAML 1.2


def test_plain_strings_stay_plain_and_real_scalars_keep_their_type() -> None:
    text = yamlio.dump({"a": "500m", "b": "1Gi", "c": 3, "d": True, "e": None, "f": "acme-shop"}).decode()
    assert text == "a: 500m\nb: 1Gi\nc: 3\nd: true\ne: null\nf: acme-shop\n"


def test_shared_objects_are_written_out_never_as_anchors_or_aliases() -> None:
    shared = {"x": "1"}
    text = yamlio.dump({"a": shared, "b": [shared, shared]}).decode()
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text) == {"a": {"x": "1"}, "b": [{"x": "1"}, {"x": "1"}]}


def test_trailing_newline_header_comment_and_no_line_folding() -> None:
    long = "word " * 60
    data = yamlio.dump({"k": long.strip()}, header="first line\nsecond line")
    text = data.decode()
    assert text.startswith("# first line\n# second line\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert len(text.splitlines()) == 3  # two comment lines and one unfolded value


def test_sequences_are_indented_under_their_key() -> None:
    assert yamlio.dump({"resources": ["a.yaml", "b.yaml"]}) == b"resources:\n  - a.yaml\n  - b.yaml\n"


def test_several_documents() -> None:
    data = yamlio.dump_all([{"a": 1}, {"b": 2}])
    assert data == b"---\na: 1\n---\nb: 2\n"
    assert list(yaml.safe_load_all(data)) == [{"a": 1}, {"b": 2}]
