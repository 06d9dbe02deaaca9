"""The catalogue templates a store can start from (what the create form offers)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from storefleet.api.auth.dependencies import current_actor
from storefleet.api.core.openapi import error_responses
from storefleet.api.stores.schemas import TemplateList, TemplateOut
from storefleet.renderer.catalogue import all_templates

# Signed-in users only, like every store route.
router = APIRouter(
    prefix="/api/v1/templates",
    tags=["stores"],
    responses=error_responses(401),
    dependencies=[Depends(current_actor)],
)


@router.get("", operation_id="listTemplates")
async def list_templates() -> TemplateList:
    """Every catalogue template, in the order the create form shows them; `classic` is the default."""
    return TemplateList(
        templates=[
            TemplateOut(
                name=info.name,
                title=info.title,
                description=info.description,
                products=info.products,
                categories=info.categories,
            )
            for info in all_templates()
        ]
    )
