import * as path from "node:path";

/** The repository's root (this file is compiled to dist/scripts/tooling). */
export const ROOT = path.resolve(__dirname, "../../..");
