import { describe, expect, it } from "vitest";
import { dismissPromo, isPromoDismissed } from "./promoDismissal";

function memoryStorage() {
  const values = new Map<string, string>();
  return { getItem: (k: string) => values.get(k) ?? null, setItem: (k: string, v: string) => void values.set(k, v), removeItem: (k: string) => void values.delete(k) };
}

describe("promo dismissal", () => {
  it("remembers the dismissed text only", () => {
    const storage = memoryStorage();
    expect(isPromoDismissed(storage, "Sale")).toBe(false);
    dismissPromo(storage, "Sale");
    expect(isPromoDismissed(storage, "Sale")).toBe(true);
    expect(isPromoDismissed(storage, "New sale")).toBe(false);
  });

  it("shows the bar when storage is unavailable", () => {
    const broken = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); }, removeItem: () => undefined };
    expect(() => dismissPromo(broken, "Sale")).not.toThrow();
    expect(isPromoDismissed(broken, "Sale")).toBe(false);
    expect(isPromoDismissed(null, "Sale")).toBe(false);
  });
});
