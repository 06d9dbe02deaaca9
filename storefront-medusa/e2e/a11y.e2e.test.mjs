// Accessibility against the real stack: axe-core on every route and state a shopper can reach (no
// serious or critical violation allowed, no rule disabled), and a whole purchase made with the
// keyboard alone (Tab, Shift+Tab, Enter, Space, arrow keys), focus always visible.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import { env, fillAddress, launchBrowser, newShopper, serveConfig, storeApi } from "./helpers.mjs";

let browser;
let catalogue;
before(async () => {
  browser = await launchBrowser();
  // Whatever the seed's template created: nothing below hard-codes a product, category or collection.
  const [{ products }, { collections }, { product_categories: categories }] = await Promise.all([
    storeApi("/store/products?fields=handle&limit=1"),
    storeApi("/store/collections?fields=handle&limit=1"),
    storeApi("/store/product-categories?fields=handle&limit=1"),
  ]);
  catalogue = { product: products[0].handle, collection: collections[0]?.handle, category: categories[0]?.handle };
});
after(async () => {
  await browser?.close();
});

const BLOCKING = new Set(["serious", "critical"]);

/** Runs axe on the page as it is; fails on serious or critical violations, reports the rest. */
async function audit(t, page, label) {
  const { violations, passes } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.impact} ${v.id} ×${v.nodes.length}`);
  t.diagnostic(`axe ${label}: ${passes.length} rules passed; violations: ${found.join(", ") || "none"}`);
  const blocking = violations
    .filter((v) => BLOCKING.has(v.impact))
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((node) => node.target.join(" ")).join(" | ")}`);
  assert.deepEqual(blocking, [], `${label}: serious or critical axe violations`);
}

/** A shopper whose browser asks for reduced motion: axe then sees final colours, not mid-animation ones. */
async function calmShopper() {
  const shopper = await newShopper(browser);
  await shopper.page.emulateMedia({ reducedMotion: "reduce" });
  return shopper;
}

const GRACE = { email: "grace@example.com", firstName: "Grace", lastName: "Hopper", address: "2 Harbor Way", city: "Boston", postalCode: "02110" };

test("every route passes axe: browsing, cart, each checkout step, confirmation, 404", async (t) => {
  const { context, page, consoleErrors } = await calmShopper();
  try {
    await page.goto("/");
    await page.getByTestId("product-card").first().waitFor();
    await page.getByTestId("hero-stats").getByText(/Products?$/).waitFor();
    await audit(t, page, "home");

    const filters = new URLSearchParams({ stock: "in", sort: "price-asc" });
    if (catalogue.collection) filters.set("collection", catalogue.collection);
    if (catalogue.category) filters.set("category", catalogue.category);
    await page.goto(`/products?${filters}`);
    await page.getByTestId("clear-filters").waitFor();
    await page.getByTestId("result-count").or(page.getByTestId("no-results")).waitFor();
    await audit(t, page, `products (${filters})`);

    await page.goto(`/products/${catalogue.product}`);
    await page.getByTestId("trust-badges").waitFor();
    await audit(t, page, "product");

    await page.goto("/collections");
    await page.getByTestId("collection-list").waitFor();
    await audit(t, page, "collections");

    await page.goto(`/products/${catalogue.product}`);
    await page.getByTestId("add-to-cart").click();
    await page.getByTestId("cart-line").first().waitFor();
    await audit(t, page, "cart drawer open");

    await page.getByTestId("checkout-link").click();
    await page.getByTestId("address-step").waitFor();
    await audit(t, page, "checkout: address");
    await page.getByTestId("address-continue").click();
    await page.getByText("Email is required").waitFor();
    await audit(t, page, "checkout: address with errors");
    await fillAddress(page, GRACE);
    await page.getByTestId("address-continue").click();

    await page.getByTestId("shipping-step").getByRole("radio").first().waitFor();
    await audit(t, page, "checkout: shipping");
    await page.getByTestId("shipping-step").getByRole("radio").first().check();
    await page.getByTestId("shipping-continue").click();

    await page.getByTestId("review-step").getByRole("radio").first().waitFor();
    await audit(t, page, "checkout: review and pay");
    await page.getByTestId("place-order").click();

    await page.getByTestId("order-confirmed").waitFor({ timeout: 30_000 });
    await audit(t, page, "order confirmation");

    await page.goto("/no-such-page");
    await page.getByTestId("not-found").waitFor();
    await audit(t, page, "not found");
    await page.goto("/checkout");
    await page.getByTestId("checkout-empty").waitFor();
    await audit(t, page, "checkout with an empty cart");
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test("the newsletter form passes axe empty, with an error and once confirmed", async (t) => {
  const { context, page } = await calmShopper();
  try {
    const signUps = [];
    await serveConfig(context, { newsletterUrl: "/newsletter-signup" });
    await context.route(`${env.spaUrl}/newsletter-signup`, async (route) => {
      signUps.push(route.request().postDataJSON());
      await route.fulfill({ status: 204 });
    });
    await page.goto("/");
    const form = page.getByTestId("newsletter");
    await form.waitFor();
    await audit(t, page, "home with the newsletter form");

    await form.getByLabel("Email address").fill("not-an-address");
    await form.getByRole("button", { name: "Subscribe" }).click();
    await form.getByRole("alert").filter({ hasText: "valid email" }).waitFor();
    assert.equal(await form.getByLabel("Email address").getAttribute("aria-invalid"), "true");
    await audit(t, page, "newsletter with a validation error");

    await form.getByLabel("Email address").fill("ada@example.com");
    await form.getByRole("button", { name: "Subscribe" }).click();
    await page.getByTestId("newsletter-done").waitFor();
    assert.deepEqual(signUps, [{ email: "ada@example.com" }]);
    await audit(t, page, "newsletter confirmed");
  } finally {
    await context.close();
  }
});

test("a pale or a mid-tone brand palette still passes axe (foregrounds chosen by luminance)", async (t) => {
  // Pale yellow is the classic trap for white text; #3b82f6-ish mid blues sit near the black/white pivot.
  for (const brand of [
    { primary: "#fde047", accent: "#ffffff" },
    { primary: "#4f7fd9", accent: "#767676" },
  ]) {
    const { context, page } = await calmShopper();
    try {
      await serveConfig(context, { brand });
      await page.goto("/");
      await page.getByTestId("product-card").first().waitFor();
      await audit(t, page, `home, brand ${brand.primary}/${brand.accent}`);
      await page.goto(`/products?stock=in${catalogue.category ? `&category=${catalogue.category}` : ""}`);
      await page.getByTestId("clear-filters").waitFor();
      await audit(t, page, `products with filters, brand ${brand.primary}/${brand.accent}`);
      await page.goto(`/products/${catalogue.product}`);
      await page.getByTestId("add-to-cart").click();
      await page.getByTestId("cart-line").first().waitFor();
      await audit(t, page, `cart drawer, brand ${brand.primary}/${brand.accent}`);
    } finally {
      await context.close();
    }
  }
});

test("the 'being set up' and 'not available' pages pass axe", async (t) => {
  for (const [overrides, testId] of [
    [{ publishableKey: "" }, "config-error"],
    [{ publishableKey: "pk_not_a_real_key" }, "publishable-key-error"],
  ]) {
    const { context, page } = await calmShopper();
    try {
      await serveConfig(context, overrides);
      await page.goto("/");
      await page.getByTestId(testId).waitFor();
      await audit(t, page, testId);
    } finally {
      await context.close();
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Keyboard only: no mouse, no element.click(); every focused control must show a focus indicator.

/** What has focus, and whether it is visibly focused (an outline of 2px or more). */
function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: "body" };
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      testId: el.getAttribute("data-testid") ?? el.closest("[data-testid]")?.getAttribute("data-testid") ?? "",
      name: (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 60),
      pressed: el.getAttribute("aria-pressed"),
      inDrawer: Boolean(el.closest("[data-testid=cart-drawer]")),
      focusVisible: el.matches(":focus-visible") && style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2,
      programmatic: el.getAttribute("tabindex") === "-1",
    };
  });
}

/** Presses Tab (or Shift+Tab) until `wanted(focus)`, checking each stop shows its focus. */
async function tabTo(page, wanted, { backwards = false, max = 60 } = {}) {
  for (let presses = 0; presses < max; presses++) {
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    const focus = await focusState(page);
    assert.ok(focus.tag === "body" || focus.programmatic || focus.focusVisible, `no visible focus on ${JSON.stringify(focus)}`);
    if (wanted(focus)) return focus;
  }
  throw new Error(`focus never reached the wanted element in ${max} presses`);
}

async function press(page, key, wanted) {
  await page.keyboard.press(key);
  if (wanted) await wanted();
}

async function typeInto(page, id, text) {
  await tabTo(page, (focus) => focus.id === id);
  await page.keyboard.type(text);
}

async function keyboardAddToCart(page) {
  const skip = await tabTo(page, (focus) => focus.name === "Skip to content");
  assert.equal(skip.tag, "a");
  await press(page, "Enter");
  assert.equal((await focusState(page)).id, "main", "the skip link moves focus to the content");
  await tabTo(page, (focus) => focus.testId === "product-card");
  await press(page, "Enter", () => page.getByTestId("add-to-cart").waitFor());
  assert.equal((await focusState(page)).id, "main", "a new page puts focus on its content");
  await tabTo(page, (focus) => focus.name === "Increase quantity" && focus.testId === "product-quantity");
  await press(page, "Space", () => page.getByTestId("product-quantity-value").filter({ hasText: /^2$/ }).waitFor());
  await tabTo(page, (focus) => focus.testId === "add-to-cart");
  await press(page, "Enter", () => page.getByTestId("cart-drawer").waitFor());
  await page.getByTestId("cart-count").filter({ hasText: /^2$/ }).waitFor();
}

async function checkDrawerTrapsFocus(page) {
  assert.ok((await focusState(page)).inDrawer, "opening the cart moves focus into it");
  for (const backwards of [false, true]) {
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
      const focus = await focusState(page);
      assert.ok(focus.inDrawer && focus.focusVisible, `focus left the open cart: ${JSON.stringify(focus)}`);
    }
  }
  await tabTo(page, (focus) => focus.name === "Close cart");
  await press(page, "Enter", () => page.getByTestId("cart-drawer").waitFor({ state: "detached" }));
  assert.equal((await focusState(page)).testId, "add-to-cart", "closing the cart returns focus to what opened it");
}

async function keyboardAddress(page) {
  await tabTo(page, (focus) => focus.testId === "address-continue");
  await press(page, "Enter", () => page.getByText("Email is required").waitFor());
  assert.equal((await focusState(page)).id, "checkout-email", "a failed submit focuses the first field to fix");
  await page.keyboard.type("ada@example.com");
  await typeInto(page, "checkout-firstName", "Ada");
  await typeInto(page, "checkout-lastName", "Lovelace");
  await typeInto(page, "checkout-address1", "1 Market Street");
  await typeInto(page, "checkout-city", "San Francisco");
  await typeInto(page, "checkout-postalCode", "94105");
  await tabTo(page, (focus) => focus.id === "checkout-countryCode");
  const country = page.getByLabel("Country", { exact: true });
  for (let i = 0; i < 300 && (await country.inputValue()) !== "us"; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await country.inputValue(), "us");
  await tabTo(page, (focus) => focus.testId === "address-continue");
  await press(page, "Enter", () => page.getByTestId("shipping-step").getByRole("radio").first().waitFor());
}

test("a shopper buys with the keyboard alone, from the home page to the order confirmation", async () => {
  const { context, page, consoleErrors } = await newShopper(browser);
  try {
    await page.goto("/");
    await page.getByTestId("product-card").first().waitFor();
    await keyboardAddToCart(page);
    await checkDrawerTrapsFocus(page);

    // Back up to the header's cart button, open the cart again and go to checkout.
    await tabTo(page, (focus) => focus.testId === "cart-button", { backwards: true });
    await press(page, "Enter", () => page.getByTestId("cart-drawer").waitFor());
    await tabTo(page, (focus) => focus.testId === "checkout-link");
    await press(page, "Enter", () => page.getByTestId("address-step").waitFor());
    await keyboardAddress(page);

    // Shipping: heading focused, then a radio group driven with Space and the arrow keys.
    assert.equal((await focusState(page)).id, "step-shipping-title");
    await tabTo(page, (focus) => focus.tag === "input");
    await press(page, "Space");
    await press(page, "ArrowDown");
    const radios = page.getByTestId("shipping-step").getByRole("radio");
    assert.ok((await radios.count()) < 2 || (await radios.nth(1).isChecked()), "the arrow key chose the next shipping method");
    await tabTo(page, (focus) => focus.testId === "shipping-continue");
    await press(page, "Enter", () => page.getByTestId("review-step").waitFor());

    assert.equal((await focusState(page)).id, "step-review-title");
    await tabTo(page, (focus) => focus.testId === "place-order");
    await press(page, "Enter", () => page.getByTestId("order-confirmed").waitFor({ timeout: 30_000 }));
    const orderId = await page.getByTestId("order-confirmed").getAttribute("data-order-id");
    const { order } = await storeApi(`/store/orders/${orderId}?fields=email,*items`);
    assert.equal(order.email, "ada@example.com");
    assert.equal(order.items[0].quantity, 2);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});
