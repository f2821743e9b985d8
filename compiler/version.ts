// Single source of the compiler's name/version as written into graphs.
import pkg from "../package.json" with { type: "json" };
export const VERSION: string = pkg.version;
export const COMPILER_ID = `kanaria ${VERSION}`;
