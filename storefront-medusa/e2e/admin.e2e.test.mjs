// The store owner's journey in Medusa's admin dashboard, served by the backend at /app: sign in, create
// and publish a product, see a shopper buy it on the storefront, find the order, change the price,
// delete the product.
// Everything is done through the dashboard; the Admin API only checks what it did (and, should a
// test fail half-way, removes the product so that the other tests see the seeded catalogue).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { adminApi, env, fillAddress, launchBrowser, newShopper, storeApi } from "./helpers.mjs";
import {
  ADMIN_PATH,
  deleteProductsByHandle,
  fillGridCell,
  modal,
  modalButton,
  newOwner,
  screenshot,
  sectionAction,
  signIn,
} from "./admin-helpers.mjs";

const PRODUCT = { title: "Harbor Lantern", handle: "harbor-lantern", sku: "LANTERN-E2E" };
const SALES_CHANNEL = "Default Sales Channel";

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  // The other end-to-end tests expect the seeded catalogue: leave no product behind, pass or fail.
  await deleteProductsByHandle(PRODUCT.handle);
});

test("the backend serves the admin at /app, with its assets and client-side routes", async () => {
  const index = await fetch(`${env.backendUrl}${ADMIN_PATH}`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type"), /text\/html/);
  const html = await index.text();
  const script = html.match(/src="(\/app\/assets\/[^"]+\.js)"/)?.[1];
  assert.ok(script, "index.html loads its bundle from /app/assets/");
  const asset = await fetch(`${env.backendUrl}${script}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get("cache-control"), /immutable/);
  // A deep link (reload on /app/orders) gets the same page, which routes in the browser.
  const deep = await fetch(`${env.backendUrl}${ADMIN_PATH}/orders/some-order`);
  assert.equal(deep.status, 200);
  assert.equal(await deep.text(), html);
});

test("the owner signs in with the seeded credentials, and only with them", async () => {
  const { context, page, pageErrors } = await newOwner(browser);
  try {
    await signIn(page, { password: "not-the-password" });
    await page.getByText(/invalid email or password/i).waitFor();
    assert.match(page.url(), /\/app\/login/);
    pageErrors.length = 0; // the dashboard rethrows the rejected sign-in as an uncaught error

    await signIn(page);
    await page.waitForURL(/\/app\/orders/);
    await page.getByRole("heading", { name: "Orders", exact: true }).waitFor();
    // The session cookie over plain http: not `secure` (the browser would drop it), still httpOnly.
    const session = (await context.cookies()).find((cookie) => cookie.name === "connect.sid");
    assert.ok(session, "a session cookie is set");
    assert.deepEqual([session.secure, session.httpOnly, session.sameSite], [false, true, "Lax"]);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

async function createProduct(page) {
  await page.getByRole("navigation").getByRole("link", { name: "Products", exact: true }).click();
  await page.getByRole("heading", { name: "Products", exact: true }).waitFor();
  await page.getByRole("link", { name: "Create", exact: true }).click();

  // Details.
  await modal(page).getByLabel("Title", { exact: true }).fill(PRODUCT.title);
  await modal(page).getByLabel("Description").fill("A storm-proof lantern for the porch.");
  await modalButton(page, "Continue").click();

  // Organize: the storefront's sales channel (the publishable key's) is preselected; ship it with the
  // seed's shipping options.
  await modal(page).getByText(SALES_CHANNEL, { exact: true }).waitFor();
  await modal(page).locator("input[name=shipping_profile_id]").click();
  await page.getByRole("option", { name: "Default Shipping Profile", includeHidden: true }).click();
  await modalButton(page, "Continue").click();

  // Variants: the default variant, its SKU and USD price; inventory not managed, so it can be bought.
  await fillGridCell(page, "variants.0.sku", PRODUCT.sku);
  await fillGridCell(page, "variants.0.prices.usd", "42", "42.00");
  const managed = modal(page).locator('[data-field="variants.0.manage_inventory"]');
  assert.equal(await managed.getAttribute("data-state"), "unchecked");
  await modalButton(page, "Publish").click();

  await page.waitForURL(/\/app\/products\/prod_/);
  await page.getByRole("heading", { name: PRODUCT.title, level: 1 }).waitFor();
  return page.url().split("/").pop();
}

async function buyOnStorefront(page) {
  await page.goto(`/products?q=${encodeURIComponent("lantern")}`);
  await page.getByRole("link", { name: new RegExp(PRODUCT.title) }).first().click();
  await page.getByRole("heading", { name: PRODUCT.title, level: 1 }).waitFor();
  await page.getByText("$42.00").first().waitFor();
  await page.getByRole("button", { name: /add to cart/i }).click();
  await page.getByRole("dialog").getByRole("link", { name: /checkout/i }).click();

  await fillAddress(page, {
    email: "grace@example.com",
    firstName: "Grace",
    lastName: "Hopper",
    address: "2 Harbor Road",
    city: "Portland",
    postalCode: "04101",
  });
  await page.getByRole("button", { name: /continue/i }).click();

  await page.getByLabel(/Standard Shipping/).check();
  await page.getByRole("button", { name: /continue/i }).click();
  const placeOrder = page.getByRole("button", { name: /place order/i });
  await placeOrder.waitFor();
  await page.getByText("$52.00").first().waitFor(); // $42 + $10 standard shipping
  await screenshot(page, "storefront-checkout");
  await placeOrder.click();

  await page.waitForURL(/\/order\/confirmed\//, { timeout: 30_000 });
  await page.getByRole("heading", { name: /order is confirmed/i }).waitFor();
  return page.url().split("/").pop();
}

async function changePrice(page, productId, amount) {
  await page.goto(`${ADMIN_PATH}/products`);
  await page.getByRole("link", { name: PRODUCT.title }).first().click();
  await page.waitForURL(new RegExp(`/app/products/${productId}$`));
  await sectionAction(page, "Variants", "Edit prices");
  await fillGridCell(page, "variants.0.prices.usd", String(amount), `${amount}.00`);
  await modal(page).getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(new RegExp(`/app/products/${productId}$`));
}

test("a product created in the admin is sold on the storefront, its order is listed, its price follows", { timeout: 300_000 }, async () => {
  const owner = await newOwner(browser);
  const shopper = await newShopper(browser);
  const { page } = owner;
  try {
    await signIn(page);
    await page.waitForURL(/\/app\/orders/);

    const productId = await createProduct(page);
    await page.getByText(SALES_CHANNEL, { exact: true }).waitFor();
    await screenshot(page, "admin-product-edit");
    const { product } = await adminApi(`/admin/products/${productId}?fields=status,handle,*sales_channels,*variants,*variants.prices`);
    assert.equal(product.status, "published");
    assert.equal(product.handle, PRODUCT.handle);
    assert.deepEqual(product.sales_channels.map((channel) => channel.name), [SALES_CHANNEL]);
    const [variant] = product.variants;
    assert.equal(variant.sku, PRODUCT.sku);
    assert.equal(variant.manage_inventory, false);
    assert.deepEqual(variant.prices.map((price) => [price.currency_code, price.amount]), [["usd", 42]]);

    await page.getByRole("navigation").getByRole("link", { name: "Products", exact: true }).click();
    const row = page.getByRole("row").filter({ hasText: PRODUCT.title });
    await row.filter({ hasText: "Published" }).filter({ hasText: SALES_CHANNEL }).waitFor();
    await screenshot(page, "admin-products");

    // The storefront's publishable key sees it (its sales channel), and a shopper buys it.
    const { products } = await storeApi(`/store/products?handle=${PRODUCT.handle}`);
    assert.deepEqual(products.map((item) => item.id), [productId]);
    const orderId = await buyOnStorefront(shopper.page);
    const { order } = await adminApi(`/admin/orders/${orderId}?fields=display_id,email,total,*items`);
    assert.equal(order.email, "grace@example.com");
    assert.equal(order.total, 52);
    assert.deepEqual(
      order.items.map((item) => [item.product_id, item.variant_sku, item.quantity, item.unit_price]),
      [[productId, PRODUCT.sku, 1, 42]],
    );
    assert.deepEqual(shopper.consoleErrors, []);

    // The order in the admin's Orders list, and on its page the product sold.
    // A fresh load: the list the dashboard fetched at sign-in is cached for a while.
    await page.goto(`${ADMIN_PATH}/orders`);
    const orderRow = page.getByRole("row").filter({ hasText: `#${order.display_id}` });
    await orderRow.filter({ hasText: "grace@example.com" }).waitFor();
    await screenshot(page, "admin-orders");
    await orderRow.click();
    await page.waitForURL(new RegExp(`/app/orders/${orderId}$`));
    await page.getByText(PRODUCT.title).first().waitFor();
    await page.getByText(PRODUCT.sku).first().waitFor();

    // A new price in the admin is the storefront's price.
    await changePrice(page, productId, 35);
    await screenshot(page, "admin-product-repriced");
    await shopper.page.goto(`/products/${PRODUCT.handle}`);
    await shopper.page.getByRole("heading", { name: PRODUCT.title, level: 1 }).waitFor();
    await shopper.page.getByText("$35.00").first().waitFor();
    assert.equal(await shopper.page.getByText("$42.00").count(), 0);

    // The owner deletes it: gone from the storefront's catalogue, the order keeps its line.
    await sectionAction(page, PRODUCT.title, "Delete");
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
    await page.waitForURL(/\/app\/products$/);
    assert.deepEqual((await storeApi(`/store/products?handle=${PRODUCT.handle}`)).products, []);
    assert.deepEqual(owner.pageErrors, []);
  } finally {
    await shopper.context.close();
    await owner.context.close();
  }
});
