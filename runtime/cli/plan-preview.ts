// `kanaria plan APP --live | --base REF | --format F`: the plan, plus what the deployment would
// change against the live service (through the runtime config's platform provider) or against
// the app at another Git revision (the real `git`, no AWS). The plain `kanaria plan APP` stays
// in the compiler's fast CLI (compiler/cli/plan-command.ts).
import { realpathSync } from "node:fs";
import { dirname, relative } from "node:path";
import { compileOne } from "../../compiler/cli/compile-one.ts";
import { flagString as str, parseCommandArgs } from "../../compiler/cli/args.ts";
import type { Io } from "../../compiler/cli/compile-command.ts";
import { isError } from "../../compiler/diagnostics.ts";
import { AwsContexts } from "../aws/clients.ts";
import { RuntimeMetrics } from "../metrics/registry.ts";
import { providerFor, SubmitError } from "../runtime.ts";
import type { Graph } from "../executor/graph.ts";
import { runProcess } from "../platform/spawn.ts";
import { GitMirror } from "../gitops/git.ts";
import { compileAtCommit, readTree } from "../gitops/compile-at-commit.ts";
import { planOnly, previewBase, previewLive, PreviewError, type PlanPreview } from "../gitops/plan/preview.ts";
import { formatPreview, type PreviewFormat } from "../gitops/plan/format.ts";
import { revealWith } from "../gitops/drift/detect.ts";
import { ConfigError, loadSettings, type RuntimeSettings } from "./config.ts";

export const PLAN_PREVIEW_HELP = `Usage: kanaria plan APP [--live | --base REF] [--format text|markdown|json] [--config FILE] [--root DIR]

Shows what a deployment of APP will do, step by step (task sets, task counts and traffic after
each stage, timeouts, the rollback path), and with
  --live       what it would change on the service running now: the task definition and
               service fields that differ (ECS's own defaults ignored), task counts from the
               live service. Reads ECS through the platform provider of --config (DescribeServices,
               DescribeTaskDefinition; nothing is changed).
  --base REF   what it would change compared with the app at Git revision REF (a branch, tag or
               commit; e.g. origin/main in a pull request), without AWS. APP is compiled from the
               working tree and from REF with the real \`git\`.
  --format F   text (default), markdown (for a pull-request comment) or json.
  --config F   runtime config: platform providers (--live), provider names, secretManagement.
  --root DIR   the repository root the files APP names must be in.

Exit status: 0 planned (with or without changes), 1 the app has errors, 2 usage, config, Git or
AWS problems.
`;

const FORMATS = ["text", "markdown", "json"];

class PlanFailure extends Error {}

async function git(cwd: string, args: string[]): Promise<string> {
  let r: Awaited<ReturnType<typeof runProcess>>;
  try {
    r = await runProcess("git", args, { cwd, env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } });
  } catch (e) {
    throw new PlanFailure(`--base needs the \`git\` program: ${(e as Error).message}`);
  }
  if (r.code !== 0) throw new PlanFailure(`git ${args.join(" ")} failed in ${cwd}: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
  return new TextDecoder().decode(r.stdout).trim();
}

async function againstBase(graph: Graph, app: string, ref: string, settings: RuntimeSettings): Promise<PlanPreview> {
  const appDir = dirname(app);
  const top = await git(appDir, ["rev-parse", "--show-toplevel"]).catch(() => {
    throw new PlanFailure(`--base compares Git revisions, but ${appDir} is not inside a Git repository.`);
  });
  const commit = await git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => {
    throw new PlanFailure(`--base ${ref}: no such revision in ${top} (fetch it first, e.g. git fetch origin main, and pass origin/main).`);
  });
  const path = relative(realpathSync(top), realpathSync(app)).split("\\").join("/");
  // Read-only use of the repository's object database: no checkout, no change to the work tree.
  const repo = new GitMirror(top, "", "");
  const tree = await readTree(repo, commit);
  if (!tree.entries.has(path)) return previewBase(graph, app, ref, commit, null);
  const { result } = await compileAtCommit(repo, tree, path, { config: settings.raw });
  const errors = result.diagnostics.filter(isError);
  if (!result.graph || errors.length) {
    const first = errors[0];
    const where = first ? ` First: ${first.file}:${first.line}:${first.column} ${first.code} ${first.message}` : "";
    return previewBase(graph, app, ref, commit, null, `The app does not compile at ${ref} (${errors.length} error${errors.length === 1 ? "" : "s"}), so there is nothing to compare with.${where}`);
  }
  return previewBase(graph, app, ref, commit, result.graph);
}

async function againstLive(graph: Graph, app: string, settings: RuntimeSettings): Promise<PlanPreview> {
  if (!settings.providers.length) throw new PlanFailure("--live reads ECS through a platform provider: pass --config runtime.yaml (spec.platformProviders, or the ecs plugin's deployTargets).");
  let provider: ReturnType<typeof providerFor>;
  try {
    provider = providerFor(settings.providers, graph);
  } catch (e) {
    if (e instanceof SubmitError) throw new PlanFailure(e.message);
    throw e;
  }
  // Fields holding encrypted secrets are compared with their plaintext, which is never printed.
  let revealed: ReadonlyMap<string, string> | undefined;
  try {
    revealed = await revealWith(settings.secrets)?.(graph);
  } catch (e) {
    throw new PlanFailure(`The app's encrypted secrets cannot be decrypted with the key of --config: ${(e as Error)?.message ?? e}`);
  }
  const aws = new AwsContexts(new RuntimeMetrics());
  try {
    const ctx = await aws.get(provider);
    return await previewLive(graph, app, ctx.ecs, provider.name, revealed);
  } catch (e) {
    if (e instanceof PreviewError) throw new PlanFailure(e.message);
    throw new PlanFailure(`Could not read the live service through platform provider "${provider.name}": ${(e as Error)?.name ?? "Error"}: ${(e as Error)?.message ?? e}`);
  } finally {
    aws.destroy();
  }
}

export async function planPreviewCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs("plan", PLAN_PREVIEW_HELP, args, { values: ["config", "root", "base", "format"], booleans: ["help", "live", "no-color"] }, io.err);
  if (typeof parsed === "number") return parsed;
  if (parsed.flags.has("help")) return (io.out(PLAN_PREVIEW_HELP), 0);
  const usage = (m: string) => (io.err(`kanaria plan: ${m}\n\n${PLAN_PREVIEW_HELP}`), 2);
  const format = (str(parsed, "format") ?? "text") as PreviewFormat;
  if (!FORMATS.includes(format)) return usage(`--format must be text, markdown or json, not "${format}"`);
  const base = str(parsed, "base");
  if (base !== undefined && parsed.flags.has("live")) return usage("--live and --base compare with different things; give one");
  if (parsed.positionals.length > 1) return usage("give exactly one APP");
  let settings: RuntimeSettings;
  try {
    settings = loadSettings(str(parsed, "config"));
  } catch (e) {
    if (e instanceof ConfigError) return (io.err(`kanaria plan: ${e.message}\n`), 2);
    throw e;
  }
  const r = compileOne(parsed.positionals[0], { loaded: settings.raw, diagnostics: settings.warnings }, io, "plan", str(parsed, "root"));
  if (!r.ok) return r.exitCode;
  const graph = r.graph;
  try {
    const preview = base !== undefined ? await againstBase(graph, r.app, base, settings) : parsed.flags.has("live") ? await againstLive(graph, r.app, settings) : planOnly(graph, r.app);
    io.out(formatPreview(preview, format));
    return 0;
  } catch (e) {
    if (e instanceof PlanFailure || e instanceof ConfigError) return (io.err(`kanaria plan: ${e.message}\n`), 2);
    throw e;
  }
}
