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

test("every response carries the security headers", async () => {
  for (const path of ["/", "/config.json", "/images/products/classic-tee-1.svg"]) {
    const headers = (await head(path)).headers;
    assert.equal(headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(headers.get("x-frame-options"), "DENY", path);
    assert.match(headers.get("content-security-policy"), /script-src 'self'/, path);
    assert.ok(headers.get("referrer-policy"), path);
  }
});
