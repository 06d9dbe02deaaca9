// The catalogue a store is seeded with: one of the chart's templates
// (helm/ecommerce-store/files/catalogue/<template>.json), read from the file named by CATALOGUE_FILE
// (the setup Job mounts the store's as $SETUP_DIR/catalogue.json). Handles are the identity:
// re-running the seed creates only what is missing. Validated up front, so a broken document fails
// the seed with the path of the bad field before anything is written.
import fs from "node:fs";

export interface SeedVariant {
  title: string;
  sku: string;
  options: Record<string, string>;
  /** Major units of the store currency (20 = $20.00). */
  price: number;
  /** Units in the warehouse; undefined: stock not tracked (always available). */
  stock?: number;
}

export interface SeedProduct {
  handle: string;
  title: string;
  description: string;
  category: string;
  collection: string | null;
  /** Paths relative to the storefront's /images/. */
  images: string[];
  options: { title: string; values: string[] }[];
  variants: SeedVariant[];
}

export interface Catalogue {
  name: string;
  title: string;
  description: string;
  categories: { handle: string; title: string }[];
  collections: { handle: string; title: string }[];
  products: SeedProduct[];
}

type Json = Record<string, unknown>;

class CatalogueError extends Error {}

function fail(where: string, message: string): never {
  throw new CatalogueError(`catalogue: ${where} ${message}`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "must be an object");
  return value as Json;
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value.trim() === "") fail(where, "must be a non-empty string");
  return value;
}

function list(value: unknown, where: string, nonEmpty = false): unknown[] {
  if (!Array.isArray(value)) fail(where, "must be an array");
  if (nonEmpty && value.length === 0) fail(where, "must not be empty");
  return value;
}

function unique<T>(items: T[], key: (item: T) => string, where: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(key(item))) fail(where, `has "${key(item)}" twice`);
    seen.add(key(item));
  }
}

function handleTitle(value: unknown, where: string): { handle: string; title: string } {
  const entry = object(value, where);
  return { handle: text(entry.handle, `${where}.handle`), title: text(entry.title, `${where}.title`) };
}

function options(value: unknown, where: string): SeedProduct["options"] {
  const parsed = list(value, where, true).map((raw, i) => {
    const option = object(raw, `${where}[${i}]`);
    const values = list(option.values, `${where}[${i}].values`, true).map((v, j) => text(v, `${where}[${i}].values[${j}]`));
    return { title: text(option.title, `${where}[${i}].title`), values };
  });
  unique(parsed, (o) => o.title, where);
  return parsed;
}

function variant(value: unknown, where: string, productOptions: SeedProduct["options"]): SeedVariant {
  const raw = object(value, where);
  const chosen = object(raw.options, `${where}.options`);
  const names = Object.keys(chosen).sort().join(", ");
  if (names !== productOptions.map((o) => o.title).sort().join(", ")) fail(`${where}.options`, `must set exactly the product's options, not ${names}`);
  for (const option of productOptions) {
    if (!option.values.includes(chosen[option.title] as string)) fail(`${where}.options.${option.title}`, `must be one of ${option.values.join(", ")}`);
  }
  if (typeof raw.price !== "number" || !(raw.price >= 0)) fail(`${where}.price`, "must be a number >= 0");
  if (raw.stock !== undefined && !(Number.isInteger(raw.stock) && (raw.stock as number) >= 0)) fail(`${where}.stock`, "must be an integer >= 0 when set");
  return {
    title: text(raw.title, `${where}.title`),
    sku: text(raw.sku, `${where}.sku`),
    options: chosen as Record<string, string>,
    price: raw.price,
    ...(raw.stock === undefined ? {} : { stock: raw.stock as number }),
  };
}

function product(value: unknown, where: string, categories: Set<string>, collections: Set<string>): SeedProduct {
  const raw = object(value, where);
  const category = text(raw.category, `${where}.category`);
  if (!categories.has(category)) fail(`${where}.category`, `"${category}" is not in categories`);
  const collection = raw.collection ?? null;
  if (collection !== null && !collections.has(text(collection, `${where}.collection`))) fail(`${where}.collection`, `"${collection}" is not in collections`);
  const productOptions = options(raw.options, `${where}.options`);
  const variants = list(raw.variants, `${where}.variants`, true).map((v, i) => variant(v, `${where}.variants[${i}]`, productOptions));
  unique(variants, (v) => JSON.stringify(productOptions.map((o) => v.options[o.title])), `${where}.variants (option values)`);
  return {
    handle: text(raw.handle, `${where}.handle`),
    title: text(raw.title, `${where}.title`),
    description: text(raw.description, `${where}.description`),
    category,
    collection: collection as string | null,
    images: list(raw.images, `${where}.images`).map((image, i) => text(image, `${where}.images[${i}]`)),
    options: productOptions,
    variants,
  };
}

/** The catalogue document, checked field by field; throws naming the first bad field. */
export function parseCatalogue(value: unknown): Catalogue {
  const doc = object(value, "the document");
  const categories = list(doc.categories, "categories", true).map((c, i) => handleTitle(c, `categories[${i}]`));
  const collections = list(doc.collections ?? [], "collections").map((c, i) => handleTitle(c, `collections[${i}]`));
  unique(categories, (c) => c.handle, "categories");
  unique(collections, (c) => c.handle, "collections");
  const categoryHandles = new Set(categories.map((c) => c.handle));
  const collectionHandles = new Set(collections.map((c) => c.handle));
  const products = list(doc.products, "products", true).map((p, i) => product(p, `products[${i}]`, categoryHandles, collectionHandles));
  unique(products, (p) => p.handle, "products");
  unique(products.flatMap((p) => p.variants), (v) => v.sku, "variant SKUs");
  return {
    name: text(doc.name, "name"),
    title: text(doc.title, "title"),
    description: text(doc.description, "description"),
    categories,
    collections,
    products,
  };
}

/** Reads and validates the catalogue named by CATALOGUE_FILE. */
export function readCatalogue(env: NodeJS.ProcessEnv = process.env): Catalogue {
  const file = (env.CATALOGUE_FILE || "").trim();
  if (!file) throw new Error("CATALOGUE_FILE must be set: the path of the store's catalogue JSON (helm/ecommerce-store/files/catalogue/<template>.json)");
  let source: string;
  try {
    source = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`CATALOGUE_FILE=${file} cannot be read: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch (error) {
    throw new Error(`CATALOGUE_FILE=${file} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseCatalogue(document);
  } catch (error) {
    if (error instanceof CatalogueError) throw new Error(`CATALOGUE_FILE=${file}: ${error.message}`);
    throw error;
  }
}
