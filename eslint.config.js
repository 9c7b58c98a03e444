// Lint: ESLint with typescript-eslint's recommended rules. (Biome was tried first; its per-platform
// binaries are not all on the registry this project installs from, which breaks `npm ci`.)
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "coverage/", "node_modules/", "test/fixtures/", "sandbox/", ".leadloop/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // Core is pure (ARCHITECTURE.md): it imports only core and the few packages that are pure data and
    // functions — date-fns, libphonenumber-js (numbering plans), i18n-iso-countries (country names).
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\.{1,2}/|date-fns$|libphonenumber-js/(max|min)$|i18n-iso-countries/(index\\.js|langs/[a-z]+\\.json)$)",
              message: "src/core is pure: import core modules or date-fns, libphonenumber-js, i18n-iso-countries only",
            },
            {
              regex: "^(\\.\\./)+(sync|store|systems|cli|config|daemon|log|sandbox|report|bench)/",
              message: "src/core imports nothing outside core",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["bin/**/*.js", "eslint.config.js", "jest.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
