// Where the files leadloop ships (default mappings, example config) are, from the running module: the
// same two levels up from src/sandbox (tests) and from dist/sandbox (the built CLI).
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SHIPPED_MAPPINGS = fileURLToPath(new URL("../../mappings", import.meta.url));
export const SHIPPED_CONFIG = fileURLToPath(new URL("../../config", import.meta.url));
