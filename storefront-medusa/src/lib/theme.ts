// The brand palette as CSS variables, derived at start-up from /config.json's two colours. Tailwind's
// `primary-*` and `accent-*` classes read these variables (tailwind.config.ts), so no colour is baked
// into the build.
import { foregroundFor, parseHex, readableOn, SHADES, shadeScale, toChannels, type Rgb } from "./colour";
import type { BrandColours } from "./runtimeConfig";

/**
 * The darkest light surface that text sits on (surface-100 in index.css). "ink" colours are made
 * readable on it, hence on white and surface-50 too.
 */
export const LIGHT_SURFACE: Rgb = [243, 244, 246];

function paletteVariables(name: "primary" | "accent", hex: string): Record<string, string> {
  const base = parseHex(hex);
  const variables: Record<string, string> = {
    [`--${name}`]: toChannels(base),
    // Text and icons on a background of the brand colour itself.
    [`--${name}-fg`]: toChannels(foregroundFor(base)),
    // The brand colour as text (links, labels) on page backgrounds.
    [`--${name}-ink`]: toChannels(readableOn(base, LIGHT_SURFACE)),
  };
  const scale = shadeScale(base);
  for (const shade of SHADES) variables[`--${name}-${shade}`] = toChannels(scale[shade]);
  return variables;
}

export function brandVariables(brand: BrandColours): Record<string, string> {
  return { ...paletteVariables("primary", brand.primary), ...paletteVariables("accent", brand.accent) };
}

export function applyBrand(brand: BrandColours, root: HTMLElement = document.documentElement): void {
  for (const [name, value] of Object.entries(brandVariables(brand))) root.style.setProperty(name, value);
}
