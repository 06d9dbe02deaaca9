import { describe, expect, it } from "vitest";
import { formatPrice } from "./money";

describe("formatPrice", () => {
  it("formats major units in the region currency", () => {
    expect(formatPrice(20, "usd")).toBe("$20.00");
    expect(formatPrice(24.99, "USD")).toBe("$24.99");
    expect(formatPrice(1234.5, "usd")).toBe("$1,234.50");
  });

  it("uses the currency's own symbol and decimals", () => {
    expect(formatPrice(10, "eur", "de-DE")).toBe("10,00\u00a0€");
    expect(formatPrice(500, "jpy")).toBe("¥500");
  });

  it("shows a dash for a missing amount", () => {
    expect(formatPrice(null, "usd")).toBe("—");
    expect(formatPrice(undefined, "usd")).toBe("—");
  });

  it("keeps zero as a price", () => {
    expect(formatPrice(0, "usd")).toBe("$0.00");
  });

  it("falls back to the number and code for an unknown currency", () => {
    expect(formatPrice(5, "xx1")).toBe("5.00 XX1");
  });
});
