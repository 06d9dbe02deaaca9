import { describe, expect, it } from "vitest";
import { contrastRatio, parseHex, WHITE, type Rgb } from "./colour";
import { brandVariables, LIGHT_SURFACE } from "./theme";

const channels = (value: string | undefined): Rgb => (value ?? "").split(" ").map(Number) as unknown as Rgb;

describe("brandVariables", () => {
  it("derives the whole palette from the two brand colours", () => {
    const variables = brandVariables({ primary: "#1e3a8a", accent: "#f59e0b" });
    expect(variables["--primary"]).toBe("30 58 138");
    expect(variables["--primary-fg"]).toBe("255 255 255");
    expect(variables["--accent-fg"]).toBe("0 0 0");
    expect(variables["--primary-500"]).toBe("30 58 138");
    expect(Object.keys(variables).filter((name) => name.startsWith("--accent-"))).toHaveLength(13);
  });

  it("makes brand-coloured text readable on page backgrounds whatever the owner picks", () => {
    for (const hex of ["#ffffff", "#ffe066", "#f59e0b", "#22c55e", "#777777", "#000000"]) {
      const variables = brandVariables({ primary: hex, accent: hex });
      for (const name of ["--primary-ink", "--accent-ink"]) {
        expect(contrastRatio(channels(variables[name]), WHITE)).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(channels(variables[name]), LIGHT_SURFACE)).toBeGreaterThanOrEqual(4.5);
      }
      expect(contrastRatio(channels(variables["--primary-fg"]), parseHex(hex))).toBeGreaterThanOrEqual(4.5);
    }
  });
});
