// Lint: ESLint with typescript-eslint's recommended rules. (Biome was tried first; its per-platform
// binaries are not all on the registry this project installs from, which breaks `npm ci`.)
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { builtinModules } from "node:module";

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
    // functions — date-fns (and its UTC date, @date-fns/utc), libphonenumber-js (numbering plans),
    // i18n-iso-countries (country names).
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\.{1,2}/|date-fns(/[A-Za-z]+)?$|@date-fns/utc$|libphonenumber-js/max$|i18n-iso-countries/(index\\.js|langs/[a-z]+\\.json)$)",
              message: "src/core is pure: import core modules or date-fns, @date-fns/utc, libphonenumber-js, i18n-iso-countries only",
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
    // The engine (ARCHITECTURE.md "Folders"): core, the store's port, the Logger and its own ports; never a
    // client library, a store implementation, an adapter, the CLI, the daemon or the configuration loaders.
    files: ["src/sync/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["better-sqlite3", "jsforce", "@hubspot/api-client", "winston", "p-retry"].map((name) => ({
            name,
            message: "src/sync reaches systems through SystemPort and the store through store/port.ts",
          })),
          patterns: [
            {
              regex: "^(\\.\\./)+(systems|cli|daemon|config|report|sandbox|bench)/|^(\\.\\./)+store/(?!port\\.js$)",
              message: "src/sync imports core, store/port.ts, log and its own modules only",
            },
          ],
        },
      ],
    },
  },
  {
    // The configuration's loaders and schemas (ARCHITECTURE.md "Folders"): files in, typed values out; core
    // for the definitions they compile, nothing that runs.
    files: ["src/config/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["better-sqlite3", "jsforce", "@hubspot/api-client", "winston", "p-retry"].map((name) => ({
            name,
            message: "src/config reads files and checks them: no system, store or logger",
          })),
          patterns: [
            {
              regex: "^(\\.\\./)+(sync|store|systems|cli|daemon|log|report|sandbox|bench)/",
              message: "src/config imports core and its own modules only",
            },
          ],
        },
      ],
    },
  },
  {
    // The adapters (ARCHITECTURE.md "Folders"): they implement sync's ports; the store only through its port.
    files: ["src/systems/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["better-sqlite3", "winston"].map((name) => ({ name, message: "src/systems reaches the store only through store/port.ts" })),
          patterns: [
            {
              regex: "^(\\.\\./)+(cli|daemon|report|sandbox|bench)/|^(\\.\\./)+store/(?!port\\.js$)",
              message: "src/systems imports core, sync's ports, store/port.ts, log and config types only",
            },
          ],
        },
      ],
      // The configuration's types (a connection's settings), never its loaders: compose.ts hands values in.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [{ regex: "^(\\.\\./)+config/", allowTypeImports: true, message: "src/systems takes the configuration's types only; cli/compose.ts passes its values" }],
        },
      ],
    },
  },
  {
    // A command's module loads only when that command runs (ARCHITECTURE.md "CLI"): main.ts reaches the
    // commands through command-list.ts's dynamic imports, and compose.ts loads the systems' clients when
    // a command wires a system. A static import here would load them for `--help` too.
    files: ["src/cli/main.ts", "src/cli/command-list.ts", "src/cli/compose.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^\\./commands/",
              message: "load a command's module through command-list.ts (a dynamic import), so other commands do without it",
            },
            {
              regex: "/systems/(hubspot/adapter|salesforce/index)\\.js$",
              allowTypeImports: true,
              message: "import a system's client dynamically where it is wired, so commands that do not talk to it do without it",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["bin/**/*.js", "test/support/*.mjs", "eslint.config.js", "jest.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  {
    // src/report reads the store through its port and renders: no system, engine, CLI, file or network.
    files: ["src/report/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            ...["better-sqlite3", "jsforce", "@hubspot/api-client", "winston"].map((name) => ({
              name,
              message: "src/report renders report data; it reaches the store only through store/port.ts",
            })),
            // Node's modules without the `node:` prefix too (`fs`, `http`): no file or network.
            ...builtinModules.map((name) => ({ name, message: "src/report reads no file or network: the CLI writes, the console serves" })),
          ],
          patterns: [
            {
              group: ["../sync/*", "../systems/*", "../cli/*", "../daemon/*", "../sandbox/*", "../config/*", "../log/*", "../store/*", "!../store/port.js", "node:*"],
              message: "src/report is pure rendering over report data (plus reads through store/port.ts)",
            },
          ],
        },
      ],
    },
  },
);
