// The seed catalogue every new store starts with. Handles are the identity: re-running the seed
// creates only what is missing.

export interface SeedVariant {
  title: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  /** Units in the warehouse; undefined: stock not tracked (always available). */
  stock?: number;
}

export interface SeedProduct {
  handle: string;
  title: string;
  description: string;
  collection: string;
  images: string[];
  options: { title: string; values: string[] }[];
  variants: SeedVariant[];
}

export const COLLECTIONS = [
  { handle: "apparel", title: "Apparel" },
  { handle: "accessories", title: "Accessories" },
  { handle: "home", title: "Home & Living" },
];

export const SHIPPING_OPTIONS = [
  { code: "standard", name: "Standard Shipping", description: "Arrives in 3-5 business days.", amount: 10 },
  { code: "express", name: "Express Shipping", description: "Arrives in 1-2 business days.", amount: 25 },
];

function sized(sku: string, price: number, sizes = ["S", "M", "L"]): SeedVariant[] {
  return sizes.map((size) => ({ title: size, sku: `${sku}-${size}`, options: { Size: size }, price }));
}

function single(sku: string, price: number): SeedVariant[] {
  return [{ title: "Default", sku, options: { Default: "Default" }, price }];
}

const DEFAULT_OPTION = [{ title: "Default", values: ["Default"] }];

export const PRODUCTS: SeedProduct[] = [
  {
    handle: "classic-tee",
    title: "Classic Tee",
    description: "A soft, midweight cotton tee cut for everyday wear.",
    collection: "apparel",
    images: ["classic-tee-1.svg", "classic-tee-2.svg"],
    options: [
      { title: "Size", values: ["S", "M", "L"] },
      { title: "Color", values: ["Black", "White"] },
    ],
    variants: ["Black", "White"].flatMap((color) =>
      ["S", "M", "L"].map((size) => ({
        title: `${size} / ${color}`,
        sku: `TEE-${color.toUpperCase()}-${size}`,
        options: { Size: size, Color: color },
        price: 24,
      })),
    ),
  },
  {
    handle: "everyday-hoodie",
    title: "Everyday Hoodie",
    description: "Brushed fleece inside, a roomy hood and a kangaroo pocket.",
    collection: "apparel",
    images: ["everyday-hoodie-1.svg", "everyday-hoodie-2.svg"],
    options: [{ title: "Size", values: ["S", "M", "L"] }],
    variants: sized("HOODIE", 59),
  },
  {
    handle: "field-cap",
    title: "Field Cap",
    description: "A six-panel cotton cap with an adjustable strap.",
    collection: "apparel",
    images: ["field-cap-1.svg", "field-cap-2.svg"],
    options: [{ title: "Color", values: ["Olive", "Navy"] }],
    variants: ["Olive", "Navy"].map((color) => ({ title: color, sku: `CAP-${color.toUpperCase()}`, options: { Color: color }, price: 19 })),
  },
  {
    handle: "canvas-tote",
    title: "Canvas Tote",
    description: "Heavy canvas, long handles and an inside pocket. The black one sells out fast.",
    collection: "accessories",
    images: ["canvas-tote-1.svg", "canvas-tote-2.svg"],
    options: [{ title: "Color", values: ["Natural", "Black"] }],
    variants: [
      { title: "Natural", sku: "TOTE-NATURAL", options: { Color: "Natural" }, price: 18, stock: 25 },
      { title: "Black", sku: "TOTE-BLACK", options: { Color: "Black" }, price: 18, stock: 0 },
    ],
  },
  {
    handle: "leather-wallet",
    title: "Leather Wallet",
    description: "Full-grain leather bifold with six card slots.",
    collection: "accessories",
    images: ["leather-wallet-1.svg", "leather-wallet-2.svg"],
    options: DEFAULT_OPTION,
    variants: single("WALLET", 45),
  },
  {
    handle: "sunglasses",
    title: "Sunglasses",
    description: "Polarised lenses in a lightweight acetate frame.",
    collection: "accessories",
    images: ["sunglasses-1.svg", "sunglasses-2.svg"],
    options: DEFAULT_OPTION,
    variants: single("SUNGLASSES", 79),
  },
  {
    handle: "stoneware-mug",
    title: "Stoneware Mug",
    description: "A 350 ml glazed stoneware mug, dishwasher safe.",
    collection: "home",
    images: ["stoneware-mug-1.svg", "stoneware-mug-2.svg"],
    options: DEFAULT_OPTION,
    variants: single("MUG", 14),
  },
  {
    handle: "soy-candle",
    title: "Soy Candle",
    description: "Hand-poured soy wax with cedar and bergamot; burns for about 40 hours.",
    collection: "home",
    images: ["soy-candle-1.svg", "soy-candle-2.svg"],
    options: [{ title: "Size", values: ["Small", "Large"] }],
    variants: [
      { title: "Small", sku: "CANDLE-SMALL", options: { Size: "Small" }, price: 22 },
      { title: "Large", sku: "CANDLE-LARGE", options: { Size: "Large" }, price: 34 },
    ],
  },
];
