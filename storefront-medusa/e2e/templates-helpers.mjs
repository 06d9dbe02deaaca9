// The catalogue templates as scripts/lib/templates.sh served them: one Medusa per template (classic is
// the stack's own store), each seeded from helm/ecommerce-store/files/catalogue/<template>.json. The
// one SPA is pointed at a template's backend by answering its /config.json in the browser.
import fs from "node:fs";
import { env, newShopper } from "./helpers.mjs";

/** [{name, backendUrl, publishableKey, catalogue}], classic first. */
export function servedTemplates() {
  const file = process.env.TEMPLATES_FILE;
  if (!file) throw new Error("TEMPLATES_FILE must be set (run through scripts/test.sh)");
  const served = JSON.parse(fs.readFileSync(file, "utf8"));
  return Object.entries(served)
    .map(([name, entry]) => ({ name, ...entry, catalogue: JSON.parse(fs.readFileSync(entry.catalogueFile, "utf8")) }))
    .sort((a, b) => (a.name === "classic" ? -1 : b.name === "classic" ? 1 : a.name.localeCompare(b.name)));
}

let spaConfig;

/** A shopper (loopback only, see helpers.mjs) whose SPA talks to the template's backend. */
export async function shopperFor(browser, template) {
  spaConfig ??= await (await fetch(`${env.spaUrl}/config.json`)).json();
  const shopper = await newShopper(browser);
  const body = JSON.stringify({ ...spaConfig, backendUrl: template.backendUrl, publishableKey: template.publishableKey });
  await shopper.page.route("**/config.json", (route) => route.fulfill({ contentType: "application/json", body }));
  return shopper;
}

/** Every product title the shop lists, page by page (sorted by name, so pages do not shift). */
export async function listedTitles(page, expectedCount) {
  const titles = [];
  for (let number = 1; titles.length < expectedCount && number <= 10; number++) {
    await page.goto(`/products?sort=title${number > 1 ? `&page=${number}` : ""}`);
    await page.getByTestId("result-count").filter({ hasText: `${expectedCount} product` }).waitFor();
    const cards = page.getByTestId("product-card");
    await cards.first().waitFor();
    titles.push(...(await cards.locator("h3").allInnerTexts()));
  }
  return titles;
}

/** The template's products as its backend serves them: handle, category, collection, thumbnail. */
export async function storeProducts(template) {
  const fields = "handle,title,thumbnail,*categories,*collection";
  const response = await fetch(`${template.backendUrl}/store/products?limit=100&fields=${fields}`, {
    headers: { "x-publishable-api-key": template.publishableKey },
  });
  if (!response.ok) throw new Error(`${template.name}: GET /store/products ${response.status} ${await response.text()}`);
  return (await response.json()).products;
}
