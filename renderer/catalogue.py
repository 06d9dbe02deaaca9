"""Catalogue templates: the catalogue a store's setup seeds once, and the branding its shop shows.

A template's products live in the chart (`files/catalogue/<name>.json`), the one source both engines'
setups seed from. The platform reads the same files only to describe the templates to the create
form; reading them is the only I/O here, and it reads files that ship with the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

CATALOGUE_DIR = ("ecommerce_store_chart", "files", "catalogue")


class Template(StrEnum):
    CLASSIC = "classic"
    MINIMAL = "minimal"
    FASHION = "fashion"
    ELECTRONICS = "electronics"
    FOOD = "food"


DEFAULT_TEMPLATE = Template.CLASSIC
TEMPLATE_NAMES = tuple(template.value for template in Template)

HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
# What the storefront's runtime config and nginx accept: http(s) only, no quotes, no whitespace.
HttpUrl = Annotated[str, StringConstraints(max_length=2048, pattern=r"^https?://[^\s\"'<>\\]+$")]


# One line of text shoppers read: trimmed, not empty, no control characters.
_ONE_LINE = r"^[^\x00-\x1f\x7f]+$"
DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=_ONE_LINE)
]
PromoText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=_ONE_LINE)
]


class Branding(BaseModel):
    """How a Medusa store's shop presents itself; applied at run time, never baked into an image."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display_name: DisplayName | None = Field(
        default=None, description="The shop's name as shoppers see it (default: the store's name)"
    )
    primary_color: HexColour | None = Field(default=None, description="#rrggbb; default #111827")
    accent_color: HexColour | None = Field(default=None, description="#rrggbb; default #f59e0b")
    logo_url: HttpUrl | None = Field(default=None, description="An http(s) URL of the logo")
    promo_text: PromoText | None = Field(
        default=None, description="The promo bar's text (default: free returns within 30 days)"
    )
    newsletter_url: HttpUrl | None = Field(
        default=None,
        description="Where the newsletter form POSTs {email} (a list provider's endpoint that allows the"
        " shop's origin); unset: the shop shows no newsletter form",
    )

    @property
    def is_empty(self) -> bool:
        return all(value is None for value in self.model_dump().values())


@dataclass(frozen=True)
class TemplateInfo:
    name: Template
    title: str
    description: str
    products: int
    categories: int


@cache
def template_info(template: Template) -> TemplateInfo:
    """What the create form shows of a template, read from its catalogue file."""
    path = resources.files("storefleet.renderer").joinpath(*CATALOGUE_DIR, f"{template.value}.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    return TemplateInfo(
        name=template,
        title=str(document["title"]),
        description=str(document["description"]),
        products=len(document["products"]),
        categories=len(document["categories"]),
    )


def all_templates() -> list[TemplateInfo]:
    return [template_info(template) for template in Template]
