// The image's nginx config as the browser sees it: SPA fallback, caching and security headers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { env } from "./helpers.mjs";

async function head(path) {
  const response = await fetch(`${env.spaUrl}${path}`);
  await response.arrayBuffer();
  return response;
}

test("client-side routes fall back to index.html, which is never cached", async () => {
  for (const path of ["/", "/products/classic-tee", "/checkout?step=review", "/no-such-page"]) {
    const response = await head(path);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get("content-type"), /text\/html/, path);
    assert.equal(response.headers.get("cache-control"), "no-cache", path);
  }
});

test("config.json is written from env and never cached", async () => {
  const response = await fetch(`${env.spaUrl}/config.json`);
  assert.equal(response.headers.get("cache-control"), "no-store");
  const config = await response.json();
  assert.equal(config.storeName, env.storeName);
  assert.equal(config.backendUrl, env.backendUrl);
  assert.equal(config.publishableKey, env.publishableKey);
  // Optional settings are always present (empty: the storefront's defaults).
  assert.equal(typeof config.promoText, "string");
  assert.equal(typeof config.newsletterUrl, "string");
});

test("hashed assets are cached for a year, missing ones are 404", async () => {
  const html = await (await fetch(`${env.spaUrl}/`)).text();
  const asset = html.match(/\/assets\/index-[\w-]+\.js/)?.[0];
  assert.ok(asset, "index.html references its hashed entry script");
  const response = await head(asset);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal((await head("/assets/missing-123.js")).status, 404);
});

test("the bundled fonts are woff2 under /assets/, cached for a year and allowed by the CSP as 'self'", async () => {
  const html = await (await fetch(`${env.spaUrl}/`)).text();
  const stylesheet = html.match(/\/assets\/index-[\w-]+\.css/)?.[0];
  assert.ok(stylesheet, "index.html references its hashed stylesheet");
  const css = await (await fetch(`${env.spaUrl}${stylesheet}`)).text();
  const fonts = [...css.matchAll(/url\((\/assets\/[\w-]+\.(woff2?|ttf|otf|eot))\)/g)].map((match) => match[1]);
  assert.ok(fonts.length >= 2, "Inter and Plus Jakarta Sans are bundled");
  assert.ok(fonts.every((font) => font.endsWith(".woff2")), `woff2 only: ${fonts.join(", ")}`);
  assert.ok(!/fonts\.googleapis|fonts\.gstatic|@import url\(http/.test(css), "no font CDN");
  for (const font of fonts) {
    const response = await head(font);
    assert.equal(response.status, 200, font);
    assert.equal(response.headers.get("content-type"), "font/woff2", font);
    assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable", font);
    assert.match(response.headers.get("content-security-policy"), /font-src 'self'/, font);
  }
});

test("every response carries the security headers", async () => {
  for (const path of ["/", "/config.json", "/images/products/classic-tee-1.svg"]) {
    const headers = (await head(path)).headers;
    assert.equal(headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(headers.get("x-frame-options"), "DENY", path);
    assert.match(headers.get("content-security-policy"), /script-src 'self'/, path);
    assert.ok(headers.get("referrer-policy"), path);
  }
});
