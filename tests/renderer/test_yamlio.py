"""Byte-stable YAML: canonical order, YAML 1.1-safe quoting, no aliases, one text per value."""

from __future__ import annotations

import enum
import random
from typing import Any

import pytest
import yaml

from storefleet.renderer import yamlio
from storefleet.renderer.manifests import render_store
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, ValuesProfile

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


_TRICKY = [
    "on",
    "off",
    "yes",
    "NO",
    "y",
    "n",
    "~",
    "null",
    "Null",
    "",
    " ",
    " lead",
    "trail ",
    "0755",
    "0o17",
    "1e3",
    "12:30",
    "why?",
    "a ?b",
    "2024-01-01",
    ".inf",
    "-",
    "- x",
    "a: b",
    "#x",
    "x #y",
    "@at",
    "`tick",
    "%pct",
    "{x}",
    "[x]",
    "*star",
    "&amp",
    "!bang",
    "|pipe",
    ">gt",
    "it's",
    'say "hi"',
    "multi\nline",
    "tab\there",
    "ünïcode",
    "日本",
    "x" * 1200,
    "st-abcdefgh23",
    "10Gi",
    "250m",
    "1",
    "true",
    "http://x:8/y?z=1",
]


def _random_document(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        return rng.choice([*_TRICKY, 0, 7, -3, True, False, None])
    if roll < 0.7:
        return {
            rng.choice(_TRICKY[:40]) + str(i): _random_document(rng, depth + 1)
            for i in range(rng.randint(0, 4))
        }
    return [_random_document(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def test_the_direct_writer_matches_ruamel_byte_for_byte() -> None:
    rng = random.Random(20261122)
    direct = 0
    for _ in range(3000):
        documents = [yamlio.canonical({"root": _random_document(rng)}) for _ in range(rng.randint(1, 2))]
        try:
            text = yamlio._direct_text(documents)
        except yamlio._Unsupported:
            continue
        direct += 1
        assert text == yamlio._ruamel_text(documents), documents
    assert direct > 500  # the comparison really exercised the direct path


def test_every_rendered_store_takes_the_direct_path(make_spec: Any) -> None:
    for engine in GitOpsEngine:
        for values_profile in ValuesProfile:
            profile = RenderProfile(gitops_engine=engine, values_profile=values_profile)
            for spec in (make_spec(), make_spec(engine="medusa", plan="large"), make_spec(theme="astra")):
                for name, data in render_store(spec, profile).items():
                    documents = list(yaml.safe_load_all(data))
                    ordered = [yamlio.canonical(d) for d in documents]
                    assert yamlio._direct_text(ordered) == yamlio._ruamel_text(ordered), name


def test_the_digest_shortcut_agrees_with_the_resolvers() -> None:
    """Hex words skip the resolvers only where every resolver reads them as a string."""
    rng = random.Random(7)
    words = ["0b1010", "0b1c", "1e10", "123", "0123", "deadbeef", "1d", "e5", "0", "abc"]
    words += ["".join(rng.choice("0123456789abcdef") for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    words += ["".join(rng.choice("0123456789bdef") for _ in range(64)) for _ in range(200)]
    for word in words:
        by_resolvers = any(
            r.resolve(yamlio.ScalarNode, word, (True, False)) != yamlio._STR_TAG for r in yamlio._RESOLVERS
        )
        assert yamlio._ambiguous(word) == by_resolvers, word


class _Flavour(enum.StrEnum):  # str() is the value
    SWEET = "zest"
    SOUR = "acid"


class _Legacy(str, enum.Enum):  # noqa: UP042 - on purpose: str() is "_Legacy.NAME", not the value
    Z_LAST = "a"  # first by its text, last by its str()
    A_FIRST = "b"


@pytest.mark.parametrize(
    "keys",
    [
        [_Flavour.SWEET, _Flavour.SOUR, "mid"],
        [_Legacy.Z_LAST, _Legacy.A_FIRST],
        ["apiVersion", "kind", _Legacy.A_FIRST, _Legacy.Z_LAST, "spec", "metadata"],
    ],
)
def test_keys_of_str_subclasses_are_ordered_as_canonical_orders_them(keys: list[str]) -> None:
    """Ordered by their str() (which ruamel cannot write for an enum), written as their text."""
    for document in ({k: "v" for k in keys}, {"outer": {k: [1, {k: "x"}] for k in keys}}):
        as_text = _plain(yamlio.canonical(document))  # canonical's order, its keys as plain str
        assert yamlio.dump(document).decode() == yamlio._ruamel_text([as_text])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str.__str__(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_an_unsupported_key_goes_to_ruamel_whatever_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    for document in ({"b": 1, 2: "x"}, {"outer": {1: "a", 10: "b", 9: "c"}}, {"k": {b"bytes": 1}}):
        with pytest.raises(yamlio._Unsupported):
            yamlio._direct_text([document])


def test_the_written_strings_cache_never_changes_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "_WRITTEN_MAX", 3)  # cleared again and again
    monkeypatch.setattr(yamlio, "_WRITTEN", {})
    words = [w for w in _TRICKY if "?" not in w and len(w) < 1000 and "\n" not in w and "'" not in w]
    for _ in range(3):
        for word in [*words, *AMBIGUOUS]:
            document = {"k": word, "list": [word], word or "empty": {"x": word}}
            assert yamlio.dump(document).decode() == yamlio._ruamel_text([yamlio.canonical(document)])
    assert len(yamlio._WRITTEN) <= 3


# ---- load: libyaml's answer for canonical text, ruamel's for anything else -----------------------
def _ruamel_load(data: bytes) -> Any:
    return yamlio.YAML(typ="safe", pure=True).load(data)


def test_every_rendered_document_loads_through_libyaml_as_ruamel_reads_it(make_spec: Any) -> None:
    for engine in GitOpsEngine:
        for values_profile in ValuesProfile:
            profile = RenderProfile(gitops_engine=engine, values_profile=values_profile)
            for spec in (make_spec(), make_spec(engine="medusa", plan="large"), make_spec(theme="astra")):
                for name, data in render_store(spec, profile).items():
                    if data.count(b"\n---\n") or data.startswith(b"---"):
                        continue  # several documents: `load` reads one
                    fast = yamlio._load_canonical(data)
                    assert fast is not yamlio._NOT_CANONICAL, name
                    assert fast == _ruamel_load(data), name


def test_generated_canonical_documents_load_through_libyaml_as_ruamel_reads_them() -> None:
    rng = random.Random(20261207)
    fast = 0
    for _ in range(2000):
        data = yamlio.dump({"root": _random_document(rng)}, header="a header\nof two lines")
        value = yamlio._load_canonical(data)
        if value is not yamlio._NOT_CANONICAL:
            fast += 1
            assert value == _ruamel_load(data), data
        assert yamlio.load(data) == _ruamel_load(data), data
    assert fast > 1000  # most took the libyaml path


NOT_CANONICAL = [
    b"k: yes\n",  # YAML 1.1 reads true
    b"k: on\n",
    b"k: True\n",
    b"k: 0755\n",  # 1.1: octal 493
    b"k: 0o17\n",
    b"k: 0x1F\n",
    b"k: 1_000\n",
    b"k: +1\n",
    b"k: -0\n",
    b"k: 1e3\n",  # 1.1: a string, 1.2: a float
    b"k: 1.5\n",
    b"k: .inf\n",
    b"k: 12:30\n",  # 1.1: sexagesimal 750
    b"k: 2024-01-01\n",  # 1.1: a date
    b"k: ~\n",
    b"k: !!binary aGk=\n",
    b"k: &a x\nj: *a\n",
    b"%YAML 1.1\n---\nk: on\n",
    b"---\nk: x\n",
    b"k:   x\n",
    b"k: 'x'\n",
    b'k: "x"\n',
    b"k: x # comment\n",
    b"b: 1\na: 2\n",  # not in canonical order
    b"k: {a: 1}\n",
    b"k: [1, 2]\n",
    b"? k\n: x\n",
    b"1: x\n",
    b"null: x\n",
    b"k: x\n",  # canonical: the control case
]


@pytest.mark.parametrize("data", NOT_CANONICAL)
def test_load_reads_anything_as_ruamel_does(data: bytes) -> None:
    assert yamlio.load(data) == _ruamel_load(data)
    if data != b"k: x\n":
        assert yamlio._load_canonical(data) is yamlio._NOT_CANONICAL, data


@pytest.mark.parametrize("data", [b"a: 1\na: 2\n", b"k: x\nk: x\n", b"k: [\n", b"k: x\n\tj: y\n"])
def test_what_ruamel_refuses_is_refused_whatever_libyaml_says(data: bytes) -> None:
    with pytest.raises(Exception) as ruamel_error:
        _ruamel_load(data)
    with pytest.raises(type(ruamel_error.value)):
        yamlio.load(data)
