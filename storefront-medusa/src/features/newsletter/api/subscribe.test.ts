import { describe, expect, it } from "vitest";
import { NewsletterError, subscribe } from "./subscribe";

describe("subscribe", () => {
  it("posts the address as JSON", async () => {
    let seen: { url?: string; init?: RequestInit } = {};
    await subscribe("https://lists.example.com/join", "ada@example.com", async (url, init) => {
      seen = { url: String(url), init };
      return new Response(null, { status: 204 });
    });
    expect(seen.url).toBe("https://lists.example.com/join");
    expect(seen.init?.method).toBe("POST");
    expect(JSON.parse(String(seen.init?.body))).toEqual({ email: "ada@example.com" });
  });

  it("turns refusals and network failures into a message for the shopper", async () => {
    await expect(subscribe("/join", "a@b.co", async () => new Response("", { status: 500 }))).rejects.toBeInstanceOf(NewsletterError);
    await expect(
      subscribe("/join", "a@b.co", async () => {
        throw new TypeError("Failed to fetch");
      }),
    ).rejects.toThrow(/could not reach/);
  });
});
