// node --import ./scripts/conformance/register.mjs …: installs loader-hooks.mjs.
import { register } from "node:module";

register("./loader-hooks.mjs", import.meta.url);
