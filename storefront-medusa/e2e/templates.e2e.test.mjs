// Every catalogue template, seeded for real into a Medusa of its own, as the storefront shows it: its
// categories, collections and images as the Store API serves them, every product title in the shop's
// list, and a screenshot of its home page in test-results/templates/<template>.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { env, launchBrowser } from "./helpers.mjs";
import { listedTitles, servedTemplates, shopperFor, storeProducts } from "./templates-helpers.mjs";

const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test-results/templates");
// scripts/test.sh serves them unless STACK_TEMPLATES=0.
const skip = process.env.TEMPLATES_FILE ? false : "no TEMPLATES_FILE: the stack served no templates (STACK_TEMPLATES=0)";
const templates = skip ? [] : servedTemplates();

let browser;
before(async () => {
  browser = await launchBrowser();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
});

test("every template of the chart is served", { skip }, () => {
  const dir = path.dirname(templates[0].catalogueFile);
  const shipped = fs.readdirSync(dir).filter((file) => file.endsWith(".json")).map((file) => file.replace(/\.json$/, ""));
  assert.deepEqual(templates.map((t) => t.name).sort(), shipped.sort());
  assert.ok(shipped.length >= 5 && templates[0].name === "classic");
});

for (const template of templates) {
  const { catalogue } = template;

  test(`${template.name}: the backend holds the catalogue, linked to its categories and collections`, async () => {
    const served = new Map((await storeProducts(template)).map((product) => [product.handle, product]));
    assert.deepEqual([...served.keys()].sort(), catalogue.products.map((p) => p.handle).sort());
    for (const product of catalogue.products) {
      const found = served.get(product.handle);
      assert.deepEqual(found.categories.map((c) => c.handle), [product.category], product.handle);
      assert.equal(found.collection?.handle ?? null, product.collection, product.handle);
      assert.equal(new URL(found.thumbnail, env.spaUrl).pathname, `/images/${product.images[0]}`, product.handle);
      const image = await fetch(new URL(found.thumbnail, env.spaUrl));
      assert.equal(image.status, 200, `${product.handle}: ${found.thumbnail}`);
      assert.match(image.headers.get("content-type"), /image\/svg\+xml/);
    }
  });

  test(`${template.name}: the storefront lists every product and shows its home page`, async () => {
    const { context, page, consoleErrors } = await shopperFor(browser, template);
    try {
      await page.goto("/");
      await page.getByTestId("hero-title").waitFor();
      await page.getByTestId("product-card").first().waitFor();
      // Every featured card's picture loaded before the screenshot.
      await page.waitForLoadState("networkidle");
      const featured = await page.getByTestId("product-card").locator("h3").allInnerTexts();
      const titles = catalogue.products.map((p) => p.title);
      assert.ok(featured.length > 0 && featured.every((title) => titles.includes(title)), `featured: ${featured}`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${template.name}.png`), fullPage: true });

      assert.deepEqual((await listedTitles(page, titles.length)).sort(), [...titles].sort());
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  });
}
