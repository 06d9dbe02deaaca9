import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("parseConfig", () => {
  it("defaults to the page's own origin", () => {
    const config = parseConfig({}, "http://127.0.0.1:8000");
    expect(config).toMatchObject({ apiOrigin: "http://127.0.0.1:8000", pollMinMs: 1000, pollMaxMs: 15000 });
  });

  it("reads and checks the build settings", () => {
    expect(
      parseConfig({ VITE_API_ORIGIN: "https://fleet.example.com/", VITE_POLL_MIN_MS: "500" }, "http://x").apiOrigin,
    ).toBe("https://fleet.example.com");
    expect(() => parseConfig({ VITE_API_ORIGIN: "not a url" }, "http://x")).toThrow(/absolute URL/);
    expect(() => parseConfig({ VITE_POLL_MIN_MS: "5" }, "http://x")).toThrow();
  });
});
