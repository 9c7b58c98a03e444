// `node --import` this file to hear on stderr when a module starts loading (module-announce-hooks.mjs).
import { register } from "node:module";

register("./module-announce-hooks.mjs", import.meta.url);
