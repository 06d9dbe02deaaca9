import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/**
 * <link rel="preload"> for the fonts the first view needs (body text and headings), so text does not
 * swap from a fallback font late. Their hashed names are only known after bundling.
 */
function preloadFonts(names: string[]): Plugin {
  return {
    name: "storefront-preload-fonts",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, context) {
        const files = Object.keys(context.bundle ?? {}).filter((file) => file.endsWith(".woff2") && names.some((name) => file.includes(name)));
        return files.map((file) => ({
          tag: "link",
          attrs: { rel: "preload", href: `/${file}`, as: "font", type: "font/woff2", crossorigin: "" },
          injectTo: "head" as const,
        }));
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadFonts(["inter-latin-400-normal", "plus-jakarta-sans-latin-700-normal"])],
  build: {
    // Hashed file names under /assets/: nginx caches them for a year.
    assetsDir: "assets",
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
