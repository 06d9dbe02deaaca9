#!/usr/bin/env node
// Writes the product images of the catalogue templates (helm/ecommerce-store/files/catalogue/*.json)
// as SVGs under public/images/<path>, one file per entry of a product's `images`. Deterministic: the
// same catalogues always give the same bytes, so the output is committed and `--check` (run by the
// chart's tests) fails when it is stale. Paths under products/ are the hand-drawn originals of the
// classic catalogue and are left alone. No dependencies: `node scripts/generate-catalogue-images.mjs`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CATALOGUE_DIR = path.resolve(HERE, "../../helm/ecommerce-store/files/catalogue");
const IMAGES_DIR = path.resolve(HERE, "../public/images");
const HAND_DRAWN = "products/";

// Soft two-stop backgrounds and a matching ink, one per category (in catalogue order).
const PALETTES = [
  ["#fde2e4", "#fbcfe8", "#9d174d"],
  ["#e0f2fe", "#bae6fd", "#075985"],
  ["#ecfccb", "#d9f99d", "#3f6212"],
  ["#fef3c7", "#fde68a", "#92400e"],
  ["#ede9fe", "#ddd6fe", "#5b21b6"],
  ["#d1fae5", "#a7f3d0", "#065f46"],
];

const COLORS = {
  white: "#f8fafc", black: "#1f2937", navy: "#1e3a5f", olive: "#65743a", sky: "#7dd3fc", charcoal: "#374151",
  oat: "#d6c7a1", yellow: "#facc15", graphite: "#4b5563", silver: "#cbd5e1", blue: "#2563eb", red: "#dc2626",
  midnight: "#1e293b", frost: "#e2e8f0", natural: "#e7dcc3",
};

const hash = (text) => [...text].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

function colorOf(name) {
  const key = name.toLowerCase();
  return COLORS[key] ?? `hsl(${hash(key) % 360} 45% 45%)`;
}

/** A darker tone of a #rrggbb colour, for details drawn on the product. */
function shade(hex) {
  if (!hex.startsWith("#")) return "#0f172a";
  const channels = [1, 3, 5].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * 0.72));
  return `#${channels.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

const rect = (x, y, w, h, r, fill) => `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}" fill="${fill}"/>`;
const circle = (cx, cy, r, fill) => `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`;
const pathOf = (d, fill) => `<path d="${d}" fill="${fill}"/>`;
const line = (d, stroke, width = 6) => `<path d="${d}" fill="none" stroke="${stroke}" stroke-opacity="1" stroke-width="${width}" stroke-linecap="round"/>`;
const repeat = (count, draw) => Array.from({ length: count }, (_, i) => draw(i)).join("");

// Simple product silhouettes on a 500 x 500 canvas: (fill, detail) => SVG elements.
const SHAPES = {
  tee: (f, d) => pathOf("M160 150l55-30h70l55 30 45 70-50 25v135H165V245l-50-25z", f) + line("M215 121q35 38 70 0", d),
  shirt: (f, d) =>
    pathOf("M170 140l45-25h70l45 25 35 190-40 6-20-120v164H190V216l-20 120-40-6z", f) +
    pathOf("M215 115l35 40 35-40-10 45-25-10-25 10z", d) + line("M250 160v215", d, 4) + repeat(4, (i) => circle(262, 190 + i * 48, 5, d)),
  sweater: (f, d) =>
    pathOf("M170 140l45-25h70l45 25 35 190-40 6-20-120v164H190V216l-20 120-40-6z", f) +
    line("M215 117q35 32 70 0", d, 10) + rect(190, 355, 120, 25, 4, d) + line("M134 318l38 6M366 318l-38 6", d, 10),
  trousers: (f, d) => pathOf("M180 110h140l22 285h-62l-30-190-30 190h-62z", f) + rect(180, 110, 140, 24, 4, d) + line("M250 134v60", d, 4),
  jeans: (f, d) =>
    pathOf("M180 110h140l22 285h-62l-30-190-30 190h-62z", f) + rect(180, 110, 140, 24, 4, d) +
    line("M195 150q25 20 45 0M305 150q-25 20-45 0", d, 4) + line("M250 134v60", d, 4),
  skirt: (f, d) => pathOf("M200 130h100l62 235q-112 32-224 0z", f) + rect(196, 122, 108, 26, 6, d) + repeat(5, (i) => line(`M${215 + i * 17} 150l${-40 + i * 20} 215`, d, 3)),
  jacket: (f, d) =>
    pathOf("M205 120q45-70 90 0l40 22 35 190-40 6-20-120v166H190V218l-20 120-40-6 35-190z", f) +
    pathOf("M215 125q35-45 70 0q-35 25-70 0z", d) + line("M250 150v228", d, 5) + rect(200, 280, 36, 8, 4, d) + rect(264, 280, 36, 8, 4, d),
  coat: (f, d) =>
    pathOf("M175 120l45-20h60l45 20 40 250-45 6-15-150v190H195V226l-15 150-45-6z", f) +
    pathOf("M220 100l30 90 30-90-10 70-20 40-20-40z", d) + repeat(3, (i) => circle(268, 235 + i * 50, 7, d)),
  belt: (f, d) =>
    rect(60, 222, 380, 56, 12, f) + `<rect x="110" y="210" width="70" height="80" rx="10" fill="none" stroke="${d}" stroke-opacity="1" stroke-width="10"/>` +
    line("M145 250h40", d, 8) + repeat(4, (i) => circle(280 + i * 35, 250, 6, d)),
  scarf: (f, d) =>
    line("M175 140q75 85 150 0", f, 44) + pathOf("M200 170h48l-8 195h-48z", f) + pathOf("M262 175l46-6 12 190-46 6z", f) +
    repeat(4, (i) => line(`M${198 + i * 12} 368v22M${280 + i * 12} 362l2 22`, d, 3)) + line("M185 150q65 60 130 0", d, 4),
  earbuds: (f, d) =>
    rect(150, 300, 200, 110, 50, d) + line("M150 350h200", f, 4) + circle(195, 170, 45, f) + rect(180, 190, 30, 110, 15, f) +
    circle(305, 170, 45, f) + rect(290, 190, 30, 110, 15, f) + circle(195, 170, 18, d) + circle(305, 170, 18, d),
  headphones: (f, d) => line("M150 280V230a100 100 0 0 1 200 0v50", f, 26) + rect(115, 250, 70, 130, 30, f) + rect(315, 250, 70, 130, 30, f) + rect(135, 270, 30, 90, 14, d) + rect(335, 270, 30, 90, 14, d),
  speaker: (f, d) => rect(170, 110, 160, 290, 70, f) + circle(250, 300, 52, d) + circle(250, 300, 22, f) + circle(250, 185, 28, d) + rect(225, 370, 50, 12, 6, d),
  smartphone: (f, d) => rect(180, 90, 140, 320, 34, f) + rect(193, 118, 114, 264, 14, "#0f172a") + circle(250, 105, 5, d) + rect(225, 392, 50, 6, 3, d),
  tablet: (f, d) => rect(130, 100, 240, 310, 28, f) + rect(148, 122, 204, 266, 12, "#0f172a") + circle(250, 111, 4, d),
  laptop: (f, d) => rect(130, 130, 240, 165, 12, f) + rect(145, 145, 210, 135, 6, "#0f172a") + pathOf("M95 300h310l-22 42H117z", d) + rect(225, 305, 50, 6, 3, f),
  keyboard: (f, d) => rect(80, 180, 340, 150, 18, f) + repeat(30, (i) => rect(98 + (i % 10) * 31, 198 + Math.floor(i / 10) * 34, 26, 26, 5, d)) + rect(160, 300, 180, 18, 5, d),
  hub: (f, d) => rect(140, 210, 220, 80, 22, f) + line("M360 250h50q30 0 30 40", d, 12) + rect(165, 238, 34, 14, 4, d) + rect(212, 238, 34, 14, 4, d) + rect(259, 238, 20, 14, 4, d) + rect(292, 238, 46, 14, 4, d),
  plug: (f, d) => rect(175, 140, 150, 210, 44, f) + rect(215, 350, 14, 50, 4, d) + rect(271, 350, 14, 50, 4, d) + circle(250, 215, 32, d) + circle(250, 215, 20, f) + line("M250 190v22", d, 6),
  doorbell: (f, d) => rect(200, 90, 100, 320, 50, f) + circle(250, 160, 34, "#0f172a") + circle(250, 160, 12, d) + circle(250, 330, 34, d) + circle(250, 330, 22, f),
  coffee: (f, d) => pathOf("M170 150h160l22 245H148z", f) + rect(162, 120, 176, 40, 6, d) + circle(250, 270, 52, "#f8fafc") + pathOf("M250 240q-25 30 0 60q25-30 0-60z", d),
  tea: (f, d) => rect(180, 160, 140, 220, 14, f) + rect(172, 135, 156, 42, 8, d) + rect(180, 230, 140, 70, 0, "#f8fafc") + pathOf("M230 285q0-40 40-45q0 40-40 45z", d),
  oil: (f, d) => pathOf("M228 95h44v60q42 30 42 80v155q0 20-20 20H206q-20 0-20-20V235q0-50 42-80z", f) + rect(224, 80, 52, 26, 6, d) + rect(200, 270, 100, 80, 8, "#f8fafc") + circle(250, 310, 22, d),
  bottle: (f, d) => rect(195, 140, 110, 265, 42, f) + rect(215, 92, 70, 58, 14, d) + rect(195, 230, 110, 16, 0, d),
  jar: (f, d) => rect(172, 140, 156, 44, 10, d) + rect(162, 180, 176, 200, 36, f) + rect(190, 240, 120, 80, 10, "#f8fafc") + circle(250, 280, 20, f),
  rigatoni: (f, d) => repeat(5, (i) => `<g transform="rotate(${-30 + i * 15} ${160 + i * 45} 260)">${rect(140 + i * 45, 180, 44, 150, 10, f)}${line(`M${152 + i * 45} 190v130M${170 + i * 45} 190v130`, d, 3)}</g>`),
  chocolate: (f, d) => rect(140, 110, 220, 290, 12, f) + repeat(8, (i) => rect(158 + (i % 2) * 96, 128 + Math.floor(i / 2) * 38, 88, 30, 4, d)) + rect(140, 280, 220, 120, 10, "#f8fafc") + rect(140, 300, 220, 20, 0, d),
  caramels: (f, d) => rect(140, 200, 220, 170, 10, f) + rect(128, 170, 244, 46, 8, d) + rect(238, 170, 24, 200, 0, "#f8fafc") + pathOf("M250 170q-60-60-70-10zM250 170q60-60 70-10z", "#f8fafc"),
  almonds: (f, d) => repeat(7, (i) => `<ellipse cx="${185 + (i % 4) * 42 + (i > 3 ? 21 : 0)}" cy="${250 - (i > 3 ? 30 : 0)}" rx="24" ry="15" fill="${d}"/>`) + pathOf("M120 260h260q0 115-130 115T120 260z", f),
  notebook: (f, d) => rect(170, 100, 180, 290, 14, "#f8fafc") + rect(160, 100, 180, 290, 14, f) + rect(300, 100, 14, 290, 0, d) + repeat(12, (i) => circle(195 + (i % 4) * 28, 150 + Math.floor(i / 4) * 28, 3, d)),
  pen: (f, d) => `<g transform="rotate(35 250 250)">${rect(232, 80, 36, 280, 18, f)}${pathOf("M232 355h36l-18 50z", d)}${rect(262, 110, 10, 90, 5, d)}</g>`,
};

// The shape for a handle: the first word of it that names one, e.g. "steel-water-bottle" -> bottle.
const ALIASES = { crew: "sweater", merino: "sweater", overcoat: "coat", espresso: "coffee", yirgacheffe: "coffee", honey: "jar", salt: "jar" };
function shapeFor(handle) {
  for (const word of handle.split("-").reverse()) {
    const name = ALIASES[word] ?? word;
    if (SHAPES[name]) return SHAPES[name];
  }
  return null;
}

function escapeXml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function monogram(title, fill) {
  const letters = title.split(/\s+/).filter((w) => /^\p{L}/u.test(w)).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
  return circle(250, 250, 125, fill) +
    `<text x="250" y="292" font-family="sans-serif" font-weight="700" font-size="120" text-anchor="middle" fill="#ffffff">${escapeXml(letters)}</text>`;
}

/** The SVG of a product's `index`-th image: in its index-th colour when it has a colour option, else a closer view. */
function productSvg(product, palette, index) {
  const [from, to, ink] = palette;
  const colours = product.options.find((o) => /^colou?r$/i.test(o.title))?.values ?? [];
  const fill = colours.length > 0 ? colorOf(colours[index % colours.length]) : ink;
  const closeUp = index > 0 && index >= colours.length;
  const shape = shapeFor(product.handle);
  const art = shape ? shape(fill, shade(fill)) : monogram(product.title, fill);
  const transform = closeUp ? ' transform="translate(-125 -110) scale(1.5)"' : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 500 500" role="img" aria-label="${escapeXml(product.title)}">`,
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="${closeUp ? 0 : 1}" y2="1">`,
    `<stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>`,
    `<rect width="500" height="500" fill="url(#bg)"/>`,
    `<circle cx="250" cy="250" r="190" fill="#ffffff" fill-opacity=".35"/>`,
    `<ellipse cx="250" cy="425" rx="130" ry="14" fill="#0f172a" fill-opacity=".08"/>`,
    `<g${transform} stroke="#0f172a" stroke-opacity=".12" stroke-width="2">${art}</g>`,
    "</svg>",
    "",
  ].join("\n");
}

/** Every generated file of every catalogue: relative path -> SVG text. */
export function renderAll(catalogueDir = CATALOGUE_DIR) {
  const files = new Map();
  for (const name of fs.readdirSync(catalogueDir).filter((f) => f.endsWith(".json")).sort()) {
    const catalogue = JSON.parse(fs.readFileSync(path.join(catalogueDir, name), "utf8"));
    const offset = hash(catalogue.name) % PALETTES.length;
    const palettes = new Map(catalogue.categories.map((c, i) => [c.handle, PALETTES[(offset + i) % PALETTES.length]]));
    for (const product of catalogue.products) {
      product.images.forEach((image, index) => {
        if (!image.startsWith(HAND_DRAWN)) files.set(image, productSvg(product, palettes.get(product.category) ?? PALETTES[0], index));
      });
    }
  }
  return files;
}

/** Generated files on disk: every .svg under the template directories the catalogues write to. */
function existingFiles(files) {
  const dirs = new Set([...files.keys()].map((file) => file.split("/")[0]));
  return [...dirs].flatMap((dir) => {
    const full = path.join(IMAGES_DIR, dir);
    return fs.existsSync(full) ? fs.readdirSync(full).filter((f) => f.endsWith(".svg")).map((f) => `${dir}/${f}`) : [];
  });
}

function main(args) {
  const check = args.includes("--check");
  const files = renderAll();
  const stale = [...files].filter(([file, svg]) => {
    const full = path.join(IMAGES_DIR, file);
    return !fs.existsSync(full) || fs.readFileSync(full, "utf8") !== svg;
  });
  const orphans = existingFiles(files).filter((file) => !files.has(file));
  if (check) {
    for (const [file] of stale) console.error(`stale or missing: public/images/${file}`);
    for (const file of orphans) console.error(`not in any catalogue: public/images/${file}`);
    if (stale.length + orphans.length > 0) {
      console.error("run: node storefront-medusa/scripts/generate-catalogue-images.mjs");
      process.exit(1);
    }
    return;
  }
  for (const [file, svg] of stale) {
    fs.mkdirSync(path.dirname(path.join(IMAGES_DIR, file)), { recursive: true });
    fs.writeFileSync(path.join(IMAGES_DIR, file), svg);
  }
  for (const file of orphans) fs.rmSync(path.join(IMAGES_DIR, file));
  console.log(`${files.size} images: ${stale.length} written, ${orphans.length} removed`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
