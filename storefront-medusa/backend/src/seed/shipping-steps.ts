// Stock location, shipping profile, fulfillment set + service zone and the shipping options.
import type { ExecArgs } from "@medusajs/framework/types";
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils";
import {
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
} from "@medusajs/medusa/core-flows";

type Container = ExecArgs["container"];

// The same for every catalogue template.
const SHIPPING_OPTIONS = [
  { code: "standard", name: "Standard Shipping", description: "Arrives in 3-5 business days.", amount: 10 },
  { code: "express", name: "Express Shipping", description: "Arrives in 1-2 business days.", amount: 25 },
];
const LOCATION_NAME = "Main Warehouse";
const FULFILLMENT_SET_NAME = "Main Warehouse delivery";

export interface ShippingSetup {
  stockLocationId: string;
  shippingProfileId: string;
}

interface ShippingInput {
  currency: string;
  countryCode: string;
  regionId: string;
  salesChannelId: string;
}

async function ensureStockLocation(container: Container, input: ShippingInput): Promise<string> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY);
  const { data } = await query.graph({ entity: "stock_location", fields: ["id"], filters: { name: LOCATION_NAME } });
  if (data[0]) return data[0].id as string;
  const { result } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: LOCATION_NAME, address: { address_1: "", city: "", country_code: input.countryCode } }] },
  });
  const locationId = result[0]!.id;
  const link = container.resolve(ContainerRegistrationKeys.LINK);
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: locationId },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  });
  await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: locationId, add: [input.salesChannelId] } });
  return locationId;
}

async function ensureShippingProfile(container: Container): Promise<string> {
  const fulfillment = container.resolve(Modules.FULFILLMENT);
  const [profile] = await fulfillment.listShippingProfiles({ type: "default" });
  if (profile) return profile.id;
  const { result } = await createShippingProfilesWorkflow(container).run({
    input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
  });
  return result[0]!.id;
}

async function ensureServiceZone(container: Container, input: ShippingInput, locationId: string): Promise<string> {
  const fulfillment = container.resolve(Modules.FULFILLMENT);
  const [existing] = await fulfillment.listFulfillmentSets({ name: FULFILLMENT_SET_NAME }, { relations: ["service_zones"] });
  if (existing?.service_zones[0]) return existing.service_zones[0].id;
  const created = await fulfillment.createFulfillmentSets({
    name: FULFILLMENT_SET_NAME,
    type: "shipping",
    service_zones: [{ name: input.countryCode.toUpperCase(), geo_zones: [{ country_code: input.countryCode, type: "country" }] }],
  });
  const link = container.resolve(ContainerRegistrationKeys.LINK);
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: locationId },
    [Modules.FULFILLMENT]: { fulfillment_set_id: created.id },
  });
  return created.service_zones[0]!.id;
}

async function ensureShippingOptions(container: Container, input: ShippingInput, serviceZoneId: string, profileId: string): Promise<void> {
  const fulfillment = container.resolve(Modules.FULFILLMENT);
  const existing = new Set((await fulfillment.listShippingOptions({ service_zone: { id: serviceZoneId } })).map((option) => option.name));
  const missing = SHIPPING_OPTIONS.filter((option) => !existing.has(option.name));
  if (missing.length === 0) return;
  await createShippingOptionsWorkflow(container).run({
    input: missing.map((option) => ({
      name: option.name,
      price_type: "flat" as const,
      provider_id: "manual_manual",
      service_zone_id: serviceZoneId,
      shipping_profile_id: profileId,
      type: { label: option.name, description: option.description, code: option.code },
      prices: [
        { currency_code: input.currency, amount: option.amount },
        { region_id: input.regionId, amount: option.amount },
      ],
      rules: [
        { attribute: "enabled_in_store", value: "true", operator: "eq" as const },
        { attribute: "is_return", value: "false", operator: "eq" as const },
      ],
    })),
  });
}

export async function seedShipping(container: Container, input: ShippingInput): Promise<ShippingSetup> {
  const stockLocationId = await ensureStockLocation(container, input);
  const shippingProfileId = await ensureShippingProfile(container);
  const serviceZoneId = await ensureServiceZone(container, input, stockLocationId);
  await ensureShippingOptions(container, input, serviceZoneId, shippingProfileId);
  return { stockLocationId, shippingProfileId };
}
