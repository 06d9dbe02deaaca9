import type { Config } from "tailwindcss";
import defaultTheme from "tailwindcss/defaultTheme";

// Every colour is a CSS variable: `surface-*` is set in src/index.css, `primary-*` and `accent-*` are
// derived at start-up from the store's runtime config (src/lib/theme.ts), so one build serves every store.
const SHADES = [50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950];

const scale = (name: string) => Object.fromEntries(SHADES.map((shade) => [shade, `rgb(var(--${name}-${shade}) / <alpha-value>)`]));

const brandColour = (name: string) => ({
  ...scale(name),
  DEFAULT: `rgb(var(--${name}) / <alpha-value>)`,
  // Black or white, whichever reads on the brand colour (WCAG AA).
  fg: `rgb(var(--${name}-fg) / <alpha-value>)`,
  // The brand colour adjusted to read as text on white and light surfaces.
  ink: `rgb(var(--${name}-ink) / <alpha-value>)`,
});

export default {
  content: ["./index.html", "./src/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        surface: scale("surface"),
        primary: brandColour("primary"),
        accent: brandColour("accent"),
      },
      fontFamily: {
        sans: ["Inter", ...defaultTheme.fontFamily.sans],
        display: ['"Plus Jakarta Sans"', "Inter", ...defaultTheme.fontFamily.sans],
      },
      keyframes: {
        "slide-in": { from: { transform: "translateX(100%)" }, to: { transform: "translateX(0)" } },
        "fade-in": { from: { opacity: "0" }, to: { opacity: "1" } },
        pop: { "0%": { transform: "scale(1)" }, "40%": { transform: "scale(1.08)" }, "100%": { transform: "scale(1)" } },
        bump: { "0%, 100%": { transform: "scale(1)" }, "30%": { transform: "scale(1.35)" } },
      },
      animation: {
        "slide-in": "slide-in 250ms ease-out",
        "fade-in": "fade-in 200ms ease-out",
        pop: "pop 400ms ease-out",
        bump: "bump 450ms ease-out",
      },
    },
  },
  plugins: [],
} satisfies Config;
