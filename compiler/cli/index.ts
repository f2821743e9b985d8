// The compiler's CLI commands, as one entry point (bundled by scripts/build.ts for fast start).
export { compileCommand } from "./compile-command.ts";
export { graphCommand } from "./graph-command.ts";
export { planCommand } from "./plan-command.ts";
