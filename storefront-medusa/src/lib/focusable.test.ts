import { describe, expect, it } from "vitest";
import { trappedFocusIndex } from "./focusable";

describe("trappedFocusIndex", () => {
  it("wraps at both ends", () => {
    expect(trappedFocusIndex(2, 3, false)).toBe(0);
    expect(trappedFocusIndex(0, 3, true)).toBe(2);
  });

  it("lets the browser move focus in between", () => {
    expect(trappedFocusIndex(1, 3, false)).toBeNull();
    expect(trappedFocusIndex(1, 3, true)).toBeNull();
  });

  it("brings focus back in from outside", () => {
    expect(trappedFocusIndex(-1, 3, false)).toBe(0);
    expect(trappedFocusIndex(-1, 3, true)).toBe(2);
    expect(trappedFocusIndex(-1, 0, false)).toBeNull();
  });
});
