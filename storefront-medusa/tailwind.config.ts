import type { Config } from "tailwindcss";

// Brand colours are CSS variables set from the runtime config, so one build serves every store.
export default {
  content: ["./index.html", "./src/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        brand: "rgb(var(--brand-primary) / <alpha-value>)",
        accent: "rgb(var(--brand-accent) / <alpha-value>)",
      },
    },
  },
  plugins: [],
} satisfies Config;
