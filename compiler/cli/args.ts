// A tiny argument parser: `--flag`, `--key value`, `--key=value`, positionals. Unknown flags
// are usage errors (exit 2), so a typo never silently changes behaviour.
export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export interface FlagSpec {
  /** Flags that take a value. */
  values: string[];
  /** Flags that are booleans. */
  booleans: string[];
}

export function parseArgs(args: string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a === "-h" && spec.booleans.includes("help")) {
      flags.set("help", true);
      continue;
    }
    if (!a.startsWith("--") || a === "-") {
      if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.booleans.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (spec.values.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || v === "") throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positionals, flags };
}

export const flagString = (p: ParsedArgs, name: string): string | undefined => {
  const v = p.flags.get(name);
  return typeof v === "string" ? v : undefined;
};

/** Parses a command's arguments; on a usage error prints it with the help text and returns 2. */
export function parseCommandArgs(
  command: string,
  help: string,
  args: string[],
  spec: FlagSpec,
  err: (s: string) => void,
): ParsedArgs | number {
  try {
    return parseArgs(args, spec);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`kanaria ${command}: ${e.message}\n\n${help}`);
      return 2;
    }
    throw e;
  }
}
