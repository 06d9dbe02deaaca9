import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "backend", ".cache", "test-results"] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ["e2e/**/*.mjs", "scripts/**/*.mjs", "*.js"],
    extends: [js.configs.recommended],
    // e2e code also runs inside the page (page.evaluate callbacks).
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
