// Seeds a Medusa v2 store: admin user (optional), store settings, region + tax region, stock location,
// fulfillment set with standard and express shipping, a publishable API key on the default sales
// channel, and the catalogue of CATALOGUE_FILE (categories, collections, products). Idempotent:
// everything is looked up (by handle, name, e-mail or currency) before it is created, so re-runs and
// retried setup Jobs converge.
// Run: medusa exec ./src/scripts/seed.ts (built image: ./src/scripts/seed.js). The publishable key is
// printed as `publishable-key=pk_...` when the process exits, after Medusa's own log lines.
import type { ExecArgs } from "@medusajs/framework/types";
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils";
import {
  createApiKeysWorkflow,
  createRegionsWorkflow,
  createTaxRegionsWorkflow,
  createUserAccountWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows";
import { readSeedSettings, type SeedSettings } from "../seed/settings";
import { seedCatalogue } from "../seed/catalogue-steps";
import { seedShipping } from "../seed/shipping-steps";

type Container = ExecArgs["container"];
const TAX_PROVIDER = "tp_system";

async function ensureAdmin(container: Container, admin: NonNullable<SeedSettings["admin"]>): Promise<void> {
  const users = container.resolve(Modules.USER);
  if ((await users.listUsers({ email: admin.email })).length > 0) return;
  const auth = container.resolve(Modules.AUTH);
  const { authIdentity, error } = await auth.register("emailpass", {
    body: { email: admin.email, password: admin.password },
  } as Parameters<typeof auth.register>[1]);
  if (error || !authIdentity) throw new Error(`admin identity: ${error}`);
  await createUserAccountWorkflow(container).run({
    input: { authIdentityId: authIdentity.id, userData: { email: admin.email } },
  });
}

async function ensureStore(container: Container, settings: SeedSettings): Promise<string> {
  const storeModule = container.resolve(Modules.STORE);
  const salesChannels = container.resolve(Modules.SALES_CHANNEL);
  const [store] = await storeModule.listStores();
  if (!store) throw new Error("Medusa has no store: run `medusa db:migrate` first");
  let [channel] = await salesChannels.listSalesChannels({ name: "Default Sales Channel" });
  if (!channel) [channel] = await salesChannels.createSalesChannels([{ name: "Default Sales Channel" }]);
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        name: settings.storeName,
        supported_currencies: [{ currency_code: settings.currency, is_default: true }],
        default_sales_channel_id: channel!.id,
      },
    },
  });
  return channel!.id;
}

async function ensureRegion(container: Container, settings: SeedSettings): Promise<string> {
  const regions = container.resolve(Modules.REGION);
  let [region] = await regions.listRegions({ currency_code: settings.currency });
  if (!region) {
    const { result } = await createRegionsWorkflow(container).run({
      input: {
        regions: [
          {
            name: settings.currency.toUpperCase(),
            currency_code: settings.currency,
            countries: [settings.countryCode],
            payment_providers: ["pp_system_default"],
          },
        ],
      },
    });
    region = result[0];
  }
  // The tax region needs a provider (the built-in "system" one) or carts cannot compute tax lines.
  const tax = container.resolve(Modules.TAX);
  const taxRegion = (await tax.listTaxRegions({ country_code: settings.countryCode })).find((found) => !found.parent_id);
  if (!taxRegion) {
    await createTaxRegionsWorkflow(container).run({ input: [{ country_code: settings.countryCode, provider_id: TAX_PROVIDER }] });
  } else if (!taxRegion.provider_id) {
    await tax.updateTaxRegions({ id: taxRegion.id, provider_id: TAX_PROVIDER });
  }
  return region!.id;
}

async function ensurePublishableKey(container: Container, salesChannelId: string): Promise<string> {
  const apiKeys = container.resolve(Modules.API_KEY);
  let [apiKey] = await apiKeys.listApiKeys({ title: "Storefront", type: "publishable" });
  if (!apiKey) {
    const { result } = await createApiKeysWorkflow(container).run({
      input: { api_keys: [{ title: "Storefront", type: "publishable", created_by: "storefleet-seed" }] },
    });
    apiKey = result[0];
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY);
  const { data } = await query.graph({ entity: "api_key", fields: ["sales_channels.id"], filters: { id: apiKey!.id } });
  const linked = (data[0]?.sales_channels ?? []).some((channel: { id: string } | null) => channel?.id === salesChannelId);
  if (!linked) {
    await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: apiKey!.id, add: [salesChannelId] } });
  }
  return apiKey!.token;
}

export default async function seed({ container }: ExecArgs): Promise<void> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER);
  const settings = readSeedSettings();
  if (settings.admin) await ensureAdmin(container, settings.admin);
  const salesChannelId = await ensureStore(container, settings);
  const regionId = await ensureRegion(container, settings);
  const shipping = await seedShipping(container, { ...settings, regionId, salesChannelId });
  const key = await ensurePublishableKey(container, salesChannelId);
  const created = await seedCatalogue(container, { ...settings, salesChannelId, ...shipping });
  logger.info(`Seeded "${settings.storeName}" (catalogue ${settings.catalogue.name}): ${created} new product(s).`);
  // Last on stdout, after `medusa exec` logs that it finished: the platform reads this line.
  process.once("exit", () => process.stdout.write(`publishable-key=${key}\n`));
}
