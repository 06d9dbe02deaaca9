import { describe, expect, it } from "vitest";
import { BLACK, contrastRatio, foregroundFor, mix, parseHex, readableOn, relativeLuminance, SHADES, shadeScale, toChannels, WHITE, type Rgb } from "./colour";

// Every 17th value of each channel: 4,913 colours across the whole sRGB cube.
function* sampleColours(): Generator<Rgb> {
  for (let r = 0; r <= 255; r += 15) for (let g = 0; g <= 255; g += 15) for (let b = 0; b <= 255; b += 15) yield [r, g, b];
}

describe("hex and channels", () => {
  it("parses short and long hex colours", () => {
    expect(parseHex("#f59e0b")).toEqual([245, 158, 11]);
    expect(parseHex("#fff")).toEqual([255, 255, 255]);
    expect(toChannels([245, 158, 11])).toBe("245 158 11");
  });

  it("mixes in sRGB", () => {
    expect(mix(BLACK, WHITE, 0.5)).toEqual([128, 128, 128]);
    expect(mix([10, 20, 30], WHITE, 0)).toEqual([10, 20, 30]);
  });
});

describe("WCAG contrast", () => {
  it("matches the reference values", () => {
    expect(relativeLuminance(WHITE)).toBeCloseTo(1);
    expect(contrastRatio(BLACK, WHITE)).toBeCloseTo(21);
    expect(contrastRatio(WHITE, BLACK)).toBeCloseTo(21);
    // #767676 on white is the classic 4.54:1.
    expect(contrastRatio(parseHex("#767676"), WHITE)).toBeCloseTo(4.54, 2);
  });

  it("picks black or white by luminance", () => {
    expect(foregroundFor(parseHex("#1e3a8a"))).toEqual(WHITE);
    expect(foregroundFor(parseHex("#f59e0b"))).toEqual(BLACK);
    expect(foregroundFor(parseHex("#ffff00"))).toEqual(BLACK);
  });

  it("keeps AA (4.5:1) for text on any brand colour an owner can pick", () => {
    let worst = 21;
    for (const colour of sampleColours()) worst = Math.min(worst, contrastRatio(colour, foregroundFor(colour)));
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });

  it("darkens a pale brand colour until it reads on a light page", () => {
    const yellow = parseHex("#ffe066");
    expect(contrastRatio(yellow, WHITE)).toBeLessThan(4.5);
    expect(contrastRatio(readableOn(yellow, WHITE), WHITE)).toBeGreaterThanOrEqual(4.5);
    const navy = parseHex("#1e3a8a");
    expect(readableOn(navy, WHITE)).toEqual(navy);
    for (const colour of sampleColours()) expect(contrastRatio(readableOn(colour, WHITE), WHITE)).toBeGreaterThanOrEqual(4.5);
  });
});

describe("shade scale", () => {
  it("goes from light to dark around the base colour", () => {
    const base = parseHex("#1e3a8a");
    const scale = shadeScale(base);
    expect(scale[500]).toEqual(base);
    const luminances = SHADES.map((shade) => relativeLuminance(scale[shade]));
    expect([...luminances].sort((a, b) => b - a)).toEqual(luminances);
    expect(contrastRatio(scale[50], WHITE)).toBeLessThan(1.2);
  });
});
