// Jest runs the TypeScript sources as native ES modules (p-retry is ESM-only); ts-jest only transpiles
// (tsconfig's isolatedModules), the type check is `npm run typecheck`.
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  // Strips ".js" from relative imports so they reach the .ts sources; a "*.json.js" module (how
  // libphonenumber-js ships its metadata to ES modules) is a real file and keeps its name.
  moduleNameMapper: { "^(\\.{1,2}/.*)(?<!\\.json)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  setupFiles: ["<rootDir>/test/support/node20-polyfills.ts"],
  testTimeout: 60000,
  maxWorkers: 2,
};
