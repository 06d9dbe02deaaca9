// Medusa v2 store setup, run by medusa-setup.sh as `medusa exec`. Plain CommonJS (not TypeScript), so
// the production image needs no compiler. Every step looks up before it creates: re-runs converge.
// Secrets come from files named by environment variables, never from arguments.
const fs = require("node:fs");
const { ContainerRegistrationKeys, Modules, ProductStatus } = require("@medusajs/framework/utils");
const {
  createApiKeysWorkflow,
  createCollectionsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  createUserAccountWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} = require("@medusajs/medusa/core-flows");

const PRODUCTS = [
  { handle: "classic-t-shirt", title: "Classic T-Shirt", sku: "TSHIRT-001", price: 24.99 },
  { handle: "wireless-headphones", title: "Wireless Headphones", sku: "HEADPHONES-001", price: 59.99 },
  { handle: "leather-wallet", title: "Leather Wallet", sku: "WALLET-001", price: 39.99 },
];

module.exports = async function setup({ container }) {
  const env = process.env;
  const currency = env.CURRENCY.toLowerCase();
  const country = env.COUNTRY.split(":")[0].toLowerCase();
  const link = container.resolve(ContainerRegistrationKeys.LINK);
  const query = container.resolve(ContainerRegistrationKeys.QUERY);
  const storeModule = container.resolve(Modules.STORE);
  const salesChannels = container.resolve(Modules.SALES_CHANNEL);
  const regions = container.resolve(Modules.REGION);
  const fulfillment = container.resolve(Modules.FULFILLMENT);
  const users = container.resolve(Modules.USER);
  const auth = container.resolve(Modules.AUTH);
  const apiKeys = container.resolve(Modules.API_KEY);
  const products = container.resolve(Modules.PRODUCT);

  // Admin user: emailpass identity + user, as `medusa user` does, with the password from a file.
  if ((await users.listUsers({ email: env.ADMIN_EMAIL })).length === 0) {
    const password = fs.readFileSync(env.MEDUSA_ADMIN_PASSWORD_FILE, "utf8").trim();
    const { authIdentity, error } = await auth.register("emailpass", {
      body: { email: env.ADMIN_EMAIL, password },
    });
    if (error) throw new Error(`admin identity: ${error}`);
    await createUserAccountWorkflow(container).run({
      input: { authIdentityId: authIdentity.id, userData: { email: env.ADMIN_EMAIL } },
    });
  }

  // Store name, currency, default sales channel.
  const [store] = await storeModule.listStores();
  let [channel] = await salesChannels.listSalesChannels({ name: "Default Sales Channel" });
  if (!channel) [channel] = await salesChannels.createSalesChannels([{ name: "Default Sales Channel" }]);
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        name: env.STORE_NAME,
        supported_currencies: [{ currency_code: currency, is_default: true }],
        default_sales_channel_id: channel.id,
      },
    },
  });

  // Region with manual payment, and its tax region.
  let [region] = await regions.listRegions({ name: "Default" });
  if (!region) {
    const { result } = await createRegionsWorkflow(container).run({
      input: {
        regions: [
          { name: "Default", currency_code: currency, countries: [country], payment_providers: ["pp_system_default"] },
        ],
      },
    });
    region = result[0];
    await createTaxRegionsWorkflow(container).run({ input: [{ country_code: country }] });
  }

  // Stock location, shipping profile, fulfillment set + service zone, one flat-rate option.
  const { data: locations } = await query.graph({ entity: "stock_location", fields: ["id"], filters: { name: "Warehouse" } });
  let location = locations[0];
  if (!location) {
    const { result } = await createStockLocationsWorkflow(container).run({
      input: { locations: [{ name: "Warehouse", address: { address_1: "", city: "", country_code: country } }] },
    });
    location = result[0];
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
    });
    await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [channel.id] } });
  }
  let [profile] = await fulfillment.listShippingProfiles({ type: "default" });
  if (!profile) {
    const { result } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
    });
    profile = result[0];
  }
  let [fulfillmentSet] = await fulfillment.listFulfillmentSets({ name: "Warehouse delivery" }, { relations: ["service_zones"] });
  if (!fulfillmentSet) {
    fulfillmentSet = await fulfillment.createFulfillmentSets({
      name: "Warehouse delivery",
      type: "shipping",
      service_zones: [{ name: "Default", geo_zones: [{ country_code: country, type: "country" }] }],
    });
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
    });
    await createShippingOptionsWorkflow(container).run({
      input: [
        {
          name: "Standard Shipping",
          price_type: "flat",
          provider_id: "manual_manual",
          service_zone_id: fulfillmentSet.service_zones[0].id,
          shipping_profile_id: profile.id,
          type: { label: "Standard", description: "Ships in 2-3 days.", code: "standard" },
          prices: [{ currency_code: currency, amount: 10 }, { region_id: region.id, amount: 10 }],
          rules: [
            { attribute: "enabled_in_store", value: "true", operator: "eq" },
            { attribute: "is_return", value: "false", operator: "eq" },
          ],
        },
      ],
    });
  }

  // Publishable API key for the storefront, linked to the sales channel.
  let [apiKey] = await apiKeys.listApiKeys({ title: "Storefront", type: "publishable" });
  if (!apiKey) {
    const { result } = await createApiKeysWorkflow(container).run({
      input: { api_keys: [{ title: "Storefront", type: "publishable", created_by: "storefleet" }] },
    });
    apiKey = result[0];
    await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: apiKey.id, add: [channel.id] } });
  }

  // Catalogue: one collection and the seed products, by handle.
  let [collection] = await products.listProductCollections({ handle: "featured" });
  if (!collection) {
    const { result } = await createCollectionsWorkflow(container).run({
      input: { collections: [{ title: "Featured", handle: "featured" }] },
    });
    collection = result[0];
  }
  const existing = new Set((await products.listProducts({ handle: PRODUCTS.map((p) => p.handle) })).map((p) => p.handle));
  const missing = PRODUCTS.filter((p) => !existing.has(p.handle));
  if (missing.length > 0) {
    await createProductsWorkflow(container).run({
      input: {
        products: missing.map((p) => ({
          title: p.title,
          handle: p.handle,
          status: ProductStatus.PUBLISHED,
          collection_id: collection.id,
          shipping_profile_id: profile.id,
          options: [{ title: "Default", values: ["Default"] }],
          variants: [
            {
              title: "Default",
              sku: p.sku,
              options: { Default: "Default" },
              manage_inventory: false,
              prices: [{ currency_code: currency, amount: p.price }],
            },
          ],
          sales_channels: [{ id: channel.id }],
        })),
      },
    });
  }

  console.log(`STOREFLEET_PUBLISHABLE_KEY=${apiKey.token}`);
};
