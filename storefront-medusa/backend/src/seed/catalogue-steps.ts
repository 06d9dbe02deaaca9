// The catalogue's categories, collections and products (with images and, where tracked, stock at the
// warehouse), each looked up by handle first.
import type { ExecArgs } from "@medusajs/framework/types";
import { ContainerRegistrationKeys, Modules, ProductStatus } from "@medusajs/framework/utils";
import {
  createCollectionsWorkflow,
  createInventoryLevelsWorkflow,
  createProductCategoriesWorkflow,
  createProductsWorkflow,
} from "@medusajs/medusa/core-flows";
import type { Catalogue, SeedProduct } from "./catalogue";

type Container = ExecArgs["container"];
type Handles = Map<string, string>;

interface CatalogueInput {
  catalogue: Catalogue;
  currency: string;
  imageBaseUrl: string;
  salesChannelId: string;
  stockLocationId: string;
  shippingProfileId: string;
}

/** Handle -> id of the catalogue's categories, creating the missing ones (active and public). */
async function ensureCategories(container: Container, catalogue: Catalogue): Promise<Handles> {
  const products = container.resolve(Modules.PRODUCT);
  const existing = await products.listProductCategories({ handle: catalogue.categories.map((c) => c.handle) });
  const found = new Set(existing.map((category) => category.handle));
  const missing = catalogue.categories.filter((category) => !found.has(category.handle));
  if (missing.length > 0) {
    const { result } = await createProductCategoriesWorkflow(container).run({
      input: {
        product_categories: missing.map((c) => ({ name: c.title, handle: c.handle, is_active: true, is_internal: false })),
      },
    });
    existing.push(...result);
  }
  return new Map(existing.map((category) => [category.handle, category.id]));
}

async function ensureCollections(container: Container, catalogue: Catalogue): Promise<Handles> {
  if (catalogue.collections.length === 0) return new Map();
  const products = container.resolve(Modules.PRODUCT);
  const existing = await products.listProductCollections({ handle: catalogue.collections.map((c) => c.handle) });
  const found = new Set(existing.map((collection) => collection.handle));
  const missing = catalogue.collections.filter((collection) => !found.has(collection.handle));
  if (missing.length > 0) {
    const { result } = await createCollectionsWorkflow(container).run({ input: { collections: missing } });
    existing.push(...result);
  }
  return new Map(existing.map((collection) => [collection.handle, collection.id]));
}

function productInput(product: SeedProduct, input: CatalogueInput, categories: Handles, collections: Handles) {
  const images = product.images.map((file) => ({ url: `${input.imageBaseUrl}/${file}` }));
  return {
    title: product.title,
    handle: product.handle,
    description: product.description,
    status: ProductStatus.PUBLISHED,
    category_ids: [categories.get(product.category)!],
    collection_id: product.collection ? collections.get(product.collection) : undefined,
    shipping_profile_id: input.shippingProfileId,
    thumbnail: images[0]?.url,
    images,
    options: product.options,
    variants: product.variants.map((variant) => ({
      title: variant.title,
      sku: variant.sku,
      options: variant.options,
      manage_inventory: variant.stock !== undefined,
      allow_backorder: false,
      prices: [{ currency_code: input.currency, amount: variant.price }],
    })),
    sales_channels: [{ id: input.salesChannelId }],
  };
}

/** Stock levels at the warehouse for the tracked variants of newly created products. */
async function stockTrackedVariants(container: Container, created: SeedProduct[], stockLocationId: string): Promise<void> {
  const stockBySku = new Map(created.flatMap((product) => product.variants).filter((v) => v.stock !== undefined).map((v) => [v.sku, v.stock!]));
  if (stockBySku.size === 0) return;
  const query = container.resolve(ContainerRegistrationKeys.QUERY);
  const { data: variants } = await query.graph({
    entity: "variant",
    fields: ["sku", "inventory_items.inventory_item_id"],
    filters: { sku: [...stockBySku.keys()] },
  });
  const levels = variants.flatMap((variant) =>
    (variant.inventory_items ?? []).map((item: { inventory_item_id: string } | null) => ({
      inventory_item_id: item!.inventory_item_id,
      location_id: stockLocationId,
      stocked_quantity: stockBySku.get(variant.sku as string) ?? 0,
    })),
  );
  if (levels.length > 0) await createInventoryLevelsWorkflow(container).run({ input: { inventory_levels: levels } });
}

/** Creates the catalogue's missing categories, collections and products; returns how many products were created. */
export async function seedCatalogue(container: Container, input: CatalogueInput): Promise<number> {
  const { catalogue } = input;
  const categories = await ensureCategories(container, catalogue);
  const collections = await ensureCollections(container, catalogue);
  const products = container.resolve(Modules.PRODUCT);
  const handles = catalogue.products.map((p) => p.handle);
  const existing = new Set((await products.listProducts({ handle: handles })).map((p) => p.handle));
  const missing = catalogue.products.filter((product) => !existing.has(product.handle));
  if (missing.length === 0) return 0;
  await createProductsWorkflow(container).run({
    input: { products: missing.map((product) => productInput(product, input, categories, collections)) },
  });
  await stockTrackedVariants(container, missing, input.stockLocationId);
  return missing.length;
}
