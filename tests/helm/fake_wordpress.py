#!/usr/bin/env python3
"""WordPress + WooCommerce as WP-CLI would answer: records each call's argv (JSON lines in FAKE_LOG)
and keeps what was created in FAKE_STATE, so a lookup after a create finds it."""

import json
import os
import sys
from pathlib import Path

argv = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(argv) + "\n")
path = os.environ["FAKE_STATE"]
state = (
    json.loads(Path(path).read_text())
    if os.path.exists(path)
    else {"next": 100, "have": [], "pages": {}, "cats": {}, "products": {}}
)
words = [a for a in argv if not a.startswith("--")]
flags = dict([*a[2:].split("=", 1), True][:2] for a in argv if a.startswith("--"))
if words[:1] == ["wc"]:  # WC-CLI decodes the arguments that start with [ or { as JSON
    flags = {k: json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for k, v in flags.items()}


def new_id():
    state["next"] += 1
    return state["next"]


def fail(message):
    sys.exit("Error: " + message)


def find(key, value):
    return [i for i, p in state["products"].items() if p.get(key) == value]


cmd, out, code = tuple(words[:3]), None, 0
if words[:2] == ["core", "is-installed"] or words[1:2] in (["is-installed"], ["is-active"]):
    code = 0 if " ".join(words) in state["have"] else 1
elif words[:2] == ["core", "install"]:
    sys.stdin.read()
    state["have"].append("core is-installed")
elif words[1:2] in (["install"], ["activate"]):
    state["have"].append(
        " ".join([words[0], "is-installed" if words[1] == "install" else "is-active", words[2]])
    )
elif words[:2] == ["post", "list"] and flags.get("post_type") == "page":
    out = state["pages"].get(flags["name"])
elif words[:2] == ["post", "create"]:
    out = state["pages"][flags["post_name"]] = new_id()
elif words[:2] == ["post", "list"]:
    out = len(state["products"])
elif cmd == ("wc", "product_cat", "list"):
    out = state["cats"].get(flags["slug"], {}).get("id")
elif cmd == ("wc", "product_cat", "create"):
    if flags["slug"] in state["cats"]:
        fail("A term with the name provided already exists.")
    state["cats"][flags["slug"]] = {"id": new_id(), "name": flags["name"]}
    out = state["cats"][flags["slug"]]["id"]
elif cmd == ("wc", "product", "list"):
    out = "\n".join(find("sku", flags["sku"]) if "sku" in flags else find("slug", flags["slug"])) or None
elif cmd == ("wc", "product", "create"):
    if flags.get("sku") and find("sku", flags["sku"]):
        fail("Invalid or duplicated SKU.")
    out = new_id()
    state["products"][str(out)] = {
        k: v for k, v in flags.items() if k not in ("user", "porcelain", "path", "allow-root")
    } | {"variations": []}
elif cmd == ("wc", "product_variation", "list"):
    out = "\n".join(v["sku"] for v in state["products"][words[3]]["variations"]) or None
elif cmd == ("wc", "product_variation", "create"):
    parent = state["products"].get(words[3]) or fail("Invalid product id.")
    if parent.get("type") != "variable" or any(
        v["sku"] == flags["sku"] for p in state["products"].values() for v in p["variations"]
    ):
        fail("Invalid product type or duplicated SKU.")
    parent["variations"].append(
        {k: v for k, v in flags.items() if k not in ("user", "porcelain", "path", "allow-root")}
    )
    out = new_id()
Path(path).write_text(json.dumps(state))
if out is not None:
    print(out)
sys.exit(code)
