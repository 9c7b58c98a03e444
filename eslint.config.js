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
    files: ["bin/**/*.js", "eslint.config.js", "jest.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
