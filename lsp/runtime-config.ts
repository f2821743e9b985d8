// Which runtime config (provider names) an app is checked against: the `configPath`
// initialization option, else the nearest `.kanaria/runtime.yaml` above the app. Parsed once
// per distinct text, so typing in the app never re-validates the config.
import { loadRuntimeConfig, type RuntimeConfig } from "../compiler/runtime-config.ts";
import { isUnreadable, type FileReader } from "../compiler/compile.ts";
import { ancestors, dirname, joinPath } from "../compiler/paths.ts";

export const CONFIG_CANDIDATES = [".kanaria/runtime.yaml", ".kanaria/runtime.yml"];

export class RuntimeConfigs {
  private readonly parsed = new Map<string, { text: string; config: RuntimeConfig | null }>();

  constructor(
    private readonly readFile: FileReader,
    /** Absolute path from the client's `configPath` option, if any. */
    public explicitPath: string | null = null,
  ) {}

  /** Path of the config that applies to the app at `appPath` (null when there is none). */
  pathFor(appPath: string): string | null {
    if (this.explicitPath) return this.explicitPath;
    for (const dir of ancestors(dirname(appPath))) {
      for (const c of CONFIG_CANDIDATES) {
        const p = joinPath(dir, c);
        if (typeof this.readFile(p) === "string") return p;
      }
    }
    return null;
  }

  load(path: string | null): RuntimeConfig | null {
    if (!path) return null;
    const text = this.readFile(path);
    if (text === null || isUnreadable(text)) return null;
    const hit = this.parsed.get(path);
    if (hit && hit.text === text) return hit.config;
    const { config } = loadRuntimeConfig(path, text);
    this.parsed.set(path, { text, config });
    return config;
  }
}
