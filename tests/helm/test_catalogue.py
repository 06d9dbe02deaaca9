"""The catalogue templates (helm/ecommerce-store/files/catalogue/*.json): every file is a valid
catalogue with its images on disk, the setup ConfigMap carries the chosen one, and the WooCommerce
setup turns each into WC-CLI calls of the documented syntax, run against a stand-in WordPress that
remembers what it was given: the second run creates nothing, and no catalogue text runs as code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "ecommerce-store"
CATALOGUE_DIR = CHART / "files" / "catalogue"
IMAGES = ROOT / "storefront-medusa" / "public" / "images"
GENERATOR = ROOT / "storefront-medusa" / "scripts" / "generate-catalogue-images.mjs"
TEMPLATES = sorted(path.stem for path in CATALOGUE_DIR.glob("*.json"))

TOP_KEYS = {"name", "title", "description", "categories", "collections", "products"}
PRODUCT_KEYS = {"handle", "title", "description", "category", "collection", "images", "options", "variants"}
VARIANT_KEYS = {"title", "sku", "options", "price"}
HANDLE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SKU = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
# template: (products, categories, collections), as ranges.
SIZES = {
    "classic": (range(8, 9), range(3, 5), range(3, 4)),
    "minimal": (range(3, 4), range(1, 2), range(0, 1)),
    **{name: (range(8, 13), range(3, 5), range(1, 3)) for name in ("fashion", "electronics", "food")},
}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CATALOGUE_DIR / f"{name}.json").read_text())
    return data


def text_errors(value: Any, where: str) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return [f"{where}: not a non-empty string"]
    # WC-CLI decodes any argument that starts with [ or { as JSON.
    return [f"{where}: starts with [ or {{"] if value[0] in "[{" else []


def variant_errors(
    variant: dict[str, Any], at: str, options: dict[str, list[str]], used: dict[str, set[str]]
) -> list[str]:
    """One variant's problems; records the option values it uses in `used`."""
    errors = (
        [] if VARIANT_KEYS <= set(variant) <= VARIANT_KEYS | {"stock"} else [f"{at}: keys {sorted(variant)}"]
    )
    if set(variant.get("options", {})) != set(options):
        errors.append(f"{at}: options {variant.get('options')} are not exactly {sorted(options)}")
    for title, value in variant.get("options", {}).items():
        if value not in options.get(title, []):
            errors.append(f"{at}: {title}={value!r} is not one of the option's values")
        used.get(title, set()).add(value)
    price = variant.get("price")
    if not isinstance(price, int | float) or isinstance(price, bool) or price <= 0:
        errors.append(f"{at}: price must be a positive number")
    if "stock" in variant and not (isinstance(variant["stock"], int) and variant["stock"] >= 0):
        errors.append(f"{at}: stock must be a whole number >= 0")
    if not SKU.match(str(variant.get("sku"))):
        errors.append(f"{at}: SKU {variant.get('sku')!r}")
    return errors


def product_errors(
    product: dict[str, Any], where: str, categories: set[str], collections: set[str]
) -> list[str]:
    errors = [f"{where}: keys {sorted(set(product) ^ PRODUCT_KEYS)}"] if set(product) != PRODUCT_KEYS else []
    errors += [e for key in ("title", "description") for e in text_errors(product.get(key), f"{where}.{key}")]
    if product.get("category") not in categories:
        errors.append(f"{where}: category {product.get('category')!r} is not in categories")
    if product.get("collection") is not None and product["collection"] not in collections:
        errors.append(f"{where}: collection {product['collection']!r} is not in collections")
    if not 1 <= len(product.get("images", [])) <= 2:
        errors.append(f"{where}: needs one or two images")
    errors += [
        f"{where}: image {i} is missing" for i in product.get("images", []) if not (IMAGES / i).is_file()
    ]
    options = {o["title"]: o["values"] for o in product.get("options", [])}
    if not options or len(options) != len(product["options"]):
        errors.append(f"{where}: options empty or repeated")
    used: dict[str, set[str]] = {title: set() for title in options}
    for i, variant in enumerate(product.get("variants", [])):
        errors += variant_errors(variant, f"{where}.variants[{i}]", options, used)
    errors += [
        f"{where}: {t} value(s) {sorted(set(v) - used[t])} on no variant"
        for t, v in options.items()
        if set(v) - used[t]
    ]
    combos = Counter(json.dumps(v.get("options"), sort_keys=True) for v in product.get("variants", []))
    errors += [f"{where}: two variants with {combo}" for combo, n in combos.items() if n > 1]
    return errors + ([f"{where}: no variants"] if not product.get("variants") else [])


def catalogue_errors(doc: dict[str, Any], name: str) -> list[str]:
    errors = [f"top-level keys {sorted(set(doc) ^ TOP_KEYS)}"] if set(doc) != TOP_KEYS else []
    errors += [] if doc.get("name") == name else [f"name {doc.get('name')!r} is not the file's, {name!r}"]
    errors += [e for key in ("title", "description") for e in text_errors(doc.get(key), key)]
    for kind in ("categories", "collections", "products"):
        handles = [entry.get("handle", "") for entry in doc.get(kind, [])]
        errors += [f"{kind}: bad handle {h!r}" for h in handles if not HANDLE.match(h)]
        errors += [f"{kind}: {h!r} twice" for h, n in Counter(handles).items() if n > 1]
    categories = {c["handle"] for c in doc.get("categories", [])}
    collections = {c["handle"] for c in doc.get("collections", [])}
    for i, product in enumerate(doc.get("products", [])):
        errors += product_errors(product, f"products[{i}] ({product.get('handle')})", categories, collections)
    in_use = {p.get("category") for p in doc.get("products", [])}
    return errors + [f"category {c!r} has no product" for c in sorted(categories - in_use)]


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_catalogue_is_valid(name: str) -> None:
    doc = load(name)
    assert catalogue_errors(doc, name) == []
    products, categories, collections = SIZES[name]
    assert len(doc["products"]) in products and len(doc["categories"]) in categories
    assert len(doc["collections"]) in collections


def test_the_validator_reports_a_broken_catalogue() -> None:
    doc = load("fashion")
    product = doc["products"][0]
    product["category"], product["images"] = "hats", ["fashion/nope.svg"]
    product["variants"][0]["options"] = {"Size": "XXL"}
    doc["products"][1]["handle"] = product["handle"]
    errors = "\n".join(catalogue_errors(doc, "fashion"))
    for expected in ("'hats' is not in categories", "nope.svg is missing", "are not exactly", "twice"):
        assert expected in errors


def test_the_templates_are_the_values_schema_enum_and_skus_are_unique_across_them() -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert set(TEMPLATES) == set(schema["properties"]["catalogue"]["properties"]["template"]["enum"])
    skus = Counter(v["sku"] for name in TEMPLATES for p in load(name)["products"] for v in p["variants"])
    assert [sku for sku, n in skus.items() if n > 1] == []


def test_classic_keeps_todays_images_and_minimal_is_single_variant() -> None:
    assert all(i.startswith("products/") for p in load("classic")["products"] for i in p["images"])
    assert all(len(p["variants"]) == 1 and p["collection"] is None for p in load("minimal")["products"])


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
def test_generated_images_are_current() -> None:
    result = subprocess.run(["node", str(GENERATOR), "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- The chart ---------------------------------------------------------------------------------


def setup_data(chart: helm.Chart, kit: Any, engine: str, **values: Any) -> dict[str, str]:
    objects = kit.parse(
        chart.render(
            kit.store_values(engine, **values), name=kit.STORE_ID, namespace=kit.STORE_ID, is_install=True
        )
    )
    data: dict[str, str] = kit.setup_config(objects)["data"]
    return data


@pytest.mark.parametrize("engine", ["woocommerce", "medusa"])
@pytest.mark.parametrize("name", [None, *TEMPLATES])
def test_the_setup_configmap_carries_the_chosen_template(
    store_chart: helm.Chart, kit: Any, engine: str, name: str | None
) -> None:
    values = {} if name is None else {"catalogue": {"template": name}}
    data = setup_data(store_chart, kit, engine, **values)
    chosen = name or "classic"
    assert json.loads(data["catalogue.json"]) == load(chosen)
    assert f"CATALOGUE_TEMPLATE='{chosen}'" in data["store.env"].splitlines()
    assert ("woocommerce-catalogue.sh" in data) == (engine == "woocommerce")


# --- WooCommerce against a stand-in WordPress ---------------------------------------------------

# WordPress + WooCommerce as WP-CLI would answer (a script of its own, installed as `wp`).
FAKE_WP = Path(__file__).with_name("fake_wordpress.py")

# The flags WooCommerce documents for each command (woocommerce/woocommerce docs/wc-cli/commands/
# wc-product.md, wc-product-variation.md, wc-product-cat.md, wc-tool.md), plus WP-CLI's --field.
WC_FLAGS = {
    ("product_cat", "list"): ({"slug", "field"}, 0),
    ("product_cat", "create"): ({"name", "slug", "porcelain"}, 0),
    ("product", "list"): ({"sku", "slug", "field"}, 0),
    ("product", "create"): (
        {
            "name",
            "slug",
            "type",
            "status",
            "description",
            "sku",
            "regular_price",
            "manage_stock",
            "stock_quantity",
            "categories",
            "attributes",
            "porcelain",
        },
        0,
    ),
    ("product_variation", "list"): ({"field"}, 1),
    ("product_variation", "create"): (
        {"sku", "regular_price", "manage_stock", "stock_quantity", "attributes", "porcelain"},
        1,
    ),
    ("tool", "run"): (set(), 1),
}
GLOBAL_FLAGS = {"path", "allow-root", "user"}


@pytest.fixture
def wordpress(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "wp"
    fake.write_text(f"#!{sys.executable} -S\n" + FAKE_WP.read_text())
    fake.chmod(0o755)
    (tmp_path / "credentials").mkdir()
    (tmp_path / "credentials" / "wordpress-admin-password").write_text("not-checked-here\n")
    return {
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "SETUP_DIR": str(tmp_path / "setup"),
        "SECRETS_DIR": str(tmp_path / "credentials"),
        "FAKE_LOG": str(tmp_path / "calls.jsonl"),
        "FAKE_STATE": str(tmp_path / "wordpress.json"),
        "HOME": str(tmp_path),
    }


def run_setup(data: dict[str, str], env: dict[str, str]) -> list[list[str]]:
    """Runs woocommerce-setup.sh from the rendered ConfigMap; returns the `wp` calls it made."""
    setup = Path(env["SETUP_DIR"])
    setup.mkdir(exist_ok=True)
    for name, text in data.items():
        (setup / name).write_text(text)
    Path(env["FAKE_LOG"]).write_text("")
    result = subprocess.run(
        ["bash", str(setup / "woocommerce-setup.sh")], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in Path(env["FAKE_LOG"]).read_text().splitlines()]


def positional(call: list[str]) -> list[str]:
    return [a for a in call if not a.startswith("--")]


def syntax_errors(call: list[str]) -> list[str]:
    words = positional(call)
    flags = {a[2:].split("=", 1)[0] for a in call if a.startswith("--")}
    if words[:1] != ["wc"]:
        return []
    allowed, positionals = WC_FLAGS.get(tuple(words[1:3]), (None, 0))
    if allowed is None:
        return [f"undocumented command: {call}"]
    errors = (
        [f"undocumented flags {sorted(flags - allowed - GLOBAL_FLAGS)}: {call}"]
        if flags - allowed - GLOBAL_FLAGS
        else []
    )
    errors += [] if "user" in flags else [f"no --user (WC-CLI needs a user with the rights): {call}"]
    if len(words) != 3 + positionals or (positionals and not words[3].isdigit() and words[1] != "tool"):
        errors.append(f"positional arguments: {call}")
    return errors


def check_store(state: dict[str, Any], doc: dict[str, Any]) -> None:
    """What WordPress holds matches the catalogue, product by product."""
    assert {slug: c["name"] for slug, c in state["cats"].items()} == {
        c["handle"]: c["title"] for c in doc["categories"]
    }
    ids = {c["id"]: slug for slug, c in state["cats"].items()}
    by_slug = {p["slug"]: p for p in state["products"].values()}
    assert set(by_slug) == {p["handle"] for p in doc["products"]}
    for product in doc["products"]:
        stored = by_slug[product["handle"]]
        assert (stored["name"], stored["description"], stored["status"]) == (
            product["title"],
            product["description"],
            "publish",
        )
        assert [ids[c["id"]] for c in stored["categories"]] == [product["category"]]
        stocks = [
            {"manage_stock": "true", "stock_quantity": str(v["stock"])} if "stock" in v else {}
            for v in product["variants"]
        ]
        if len(product["variants"]) == 1:
            (variant,) = product["variants"]
            assert (
                stored["type"] == "simple" and stored["sku"] == variant["sku"] and stored["variations"] == []
            )
            assert stored["regular_price"] == f"{variant['price']:.2f}"
            assert {k: stored[k] for k in ("manage_stock", "stock_quantity") if k in stored} == stocks[0]
            continue
        assert stored["type"] == "variable" and "sku" not in stored
        assert stored["attributes"] == [
            {"name": o["title"], "options": o["values"], "visible": True, "variation": True}
            for o in product["options"]
        ]
        expected = [
            {
                "sku": v["sku"],
                "regular_price": f"{v['price']:.2f}",
                "attributes": [
                    {"name": o["title"], "option": v["options"][o["title"]]} for o in product["options"]
                ],
            }
            | stock
            for v, stock in zip(product["variants"], stocks, strict=True)
        ]
        assert stored["variations"] == expected


@pytest.mark.parametrize("name", TEMPLATES)
def test_woocommerce_seeds_the_catalogue_with_documented_commands_once(
    store_chart: helm.Chart, kit: Any, wordpress: dict[str, str], name: str
) -> None:
    data = setup_data(store_chart, kit, "woocommerce", catalogue={"template": name})
    calls = run_setup(data, wordpress)
    assert [e for call in calls for e in syntax_errors(call)] == []
    state = json.loads(Path(wordpress["FAKE_STATE"]).read_text())
    check_store(state, load(name))
    # Again, against the WordPress that now has everything: only lookups.
    again = run_setup(data, wordpress)
    assert [c for c in again if "create" in c or "install" in c or "activate" in c] == []
    assert json.loads(Path(wordpress["FAKE_STATE"]).read_text()) == state


def test_catalogue_text_stays_literal(kit: Any, wordpress: dict[str, str], tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    hostile = f"""It's "quoted" $(touch {marker}) `touch {marker}` '; touch {marker}; '"""
    chart_dir = tmp_path / "chart"
    shutil.copytree(CHART, chart_dir)
    doc = load("minimal")
    doc["categories"][0]["title"] = hostile
    doc["products"][0] |= {"title": hostile, "description": f"Two lines,\n{hostile}"}
    (chart_dir / "files" / "catalogue" / "minimal.json").write_text(json.dumps(doc))
    with helm.Chart.load(chart_dir) as chart:
        data = setup_data(chart, kit, "woocommerce", catalogue={"template": "minimal"})
    calls = run_setup(data, wordpress)
    assert not marker.exists()
    category = next(c for c in calls if positional(c) == ["wc", "product_cat", "create"])
    assert [a for a in category if a.startswith(("--name", "--slug"))] == [
        "--name=" + hostile,
        "--slug=essentials",
    ]
    created = next(c for c in calls if positional(c) == ["wc", "product", "create"])
    assert "--name=" + hostile in created and f"--description=Two lines,\n{hostile}" in created
