// Colour maths for runtime branding: the owner picks two hex colours, everything else (shade scales,
// readable foregrounds, text-safe variants) is derived in the browser, so one build fits every store.
// Contrast follows WCAG 2.x (relative luminance of sRGB).

export type Rgb = readonly [number, number, number];

export const SHADES = [50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950] as const;
export type Shade = (typeof SHADES)[number];

export const WHITE: Rgb = [255, 255, 255];
// Pure black, not a near-black: only black/white guarantee 4.5:1 on every background (worst case 4.58).
export const BLACK: Rgb = [0, 0, 0];

/** "#f59e0b" or "#fa0" → [245, 158, 11]; callers validate the format first. */
export function parseHex(hex: string): Rgb {
  const digits = hex.replace(/^#/, "");
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join("") : digits;
  const value = Number.parseInt(full, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** [245, 158, 11] → "245 158 11", the form Tailwind's `rgb(var(--x) / <alpha-value>)` takes. */
export function toChannels(rgb: Rgb): string {
  return rgb.map((channel) => Math.round(channel)).join(" ");
}

/** Straight sRGB mix: weight 0 keeps `from`, 1 gives `to`. */
export function mix(from: Rgb, to: Rgb, weight: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(from[i]! + (to[i]! - from[i]!) * weight)) as unknown as Rgb;
}

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Black or white, whichever reads better on `background` (always ≥ 4.5:1, WCAG AA for body text). */
export function foregroundFor(background: Rgb): Rgb {
  return contrastRatio(background, WHITE) >= contrastRatio(background, BLACK) ? WHITE : BLACK;
}

/**
 * `colour` moved towards black (on light backgrounds) or white (on dark ones) just enough to reach
 * `minRatio` against `background`: the brand colour as text on page backgrounds, kept legible even
 * when the owner picks a pale yellow.
 */
export function readableOn(colour: Rgb, background: Rgb, minRatio = 4.5): Rgb {
  if (contrastRatio(colour, background) >= minRatio) return colour;
  const target = foregroundFor(background);
  for (let step = 1; step <= 20; step++) {
    const candidate = mix(colour, target, step / 20);
    if (contrastRatio(candidate, background) >= minRatio) return candidate;
  }
  return target;
}

// How far each shade moves from the base colour towards white (below 500) or black (above).
const TINTS: Record<Shade, number> = { 50: 0.95, 100: 0.9, 200: 0.75, 300: 0.6, 400: 0.3, 500: 0, 600: 0.15, 700: 0.3, 800: 0.45, 900: 0.6, 950: 0.75 };

/** A Tailwind-like 50…950 scale around `base` (500 is the colour itself). */
export function shadeScale(base: Rgb): Record<Shade, Rgb> {
  const scale = {} as Record<Shade, Rgb>;
  for (const shade of SHADES) scale[shade] = mix(base, shade < 500 ? WHITE : BLACK, TINTS[shade]);
  return scale;
}
