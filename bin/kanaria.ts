#!/usr/bin/env bun
// The `kanaria` CLI. Commands load lazily so `kanaria compile` never pays for the AWS SDK.
import { argv, env, exit, runtimeName, setExitCode } from "../runtime/platform/index.ts";
import type { Io } from "../compiler/cli/compile-command.ts";
import { compilerBundle, loadCompilerCli } from "./compiler-cli.ts";

const HELP = `kanaria: progressive delivery for Amazon ECS (reads PipeCD app.pipecd.yaml)

Usage: kanaria <command> [options]

Commands:
  compile [PATH...]   check apps and build execution graphs (pre-commit, CI)
  plan APP            show what a deployment will do, step by step (--live / --base REF: what it changes)
  graph APP           print the execution graph (json | mermaid)
  deploy APP          compile and run a deployment (--simulate: on the embedded simulator)
  serve               run the deployment service (HTTP API, status)
  approve ID          approve a WAIT_APPROVAL stage on a running server
  encrypt             encrypt a secret (stdin) for spec.encryption, like pipectl encrypt
  simulate            run the embedded ECS/ELBv2/Datadog simulator
  lsp --stdio         language server for editors
  demo                a successful and a failing canary on the simulator
  version             version, runtime, and whether compile starts from the prebuilt bundle

Run \`kanaria <command> --help\` for a command's options.
`;

const io: Io = {
  out: (s) => void (globalThis as any).process.stdout.write(s),
  err: (s) => void (globalThis as any).process.stderr.write(s),
  color: !!(globalThis as any).process.stdout.isTTY && env("NO_COLOR") === undefined,
};

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const color = io.color && !rest.includes("--no-color");
  const cio = { ...io, color };
  switch (command) {
    case "compile":
      return (await loadCompilerCli()).compileCommand(rest, cio);
    case "graph":
      return (await loadCompilerCli()).graphCommand(rest, cio);
    case "plan":
      // Comparing with ECS or another revision (or another format) needs the runtime's modules.
      if (rest.some((a) => /^--(live|base|format)(=|$)/.test(a))) return (await import("../runtime/cli/plan-preview.ts")).planPreviewCommand(rest, cio);
      return (await loadCompilerCli()).planCommand(rest, cio);
    case "deploy":
      return (await import("../runtime/cli/deploy.ts")).deployCommand(rest);
    case "serve":
      return (await import("../runtime/cli/serve.ts")).serveCommand(rest);
    case "demo":
      return (await import("../runtime/cli/demo.ts")).demoCommand(rest);
    case "simulate":
      return (await import("../runtime/simulator/cli.ts")).simulateCommand(rest);
    case "lsp":
      return (await import("../lsp/cli.ts")).lspCommand(rest);
    case "approve":
      return (await import("../runtime/cli/approve.ts")).approveCommand(rest);
    case "encrypt":
      return (await import("../runtime/cli/encrypt.ts")).encryptCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(HELP);
      return command === undefined ? 2 : 0;
    case "--version":
      io.out(`${(await import("../compiler/version.ts")).COMPILER_ID}\n`);
      return 0;
    case "version": {
      // For bug reports: what runs, and whether `compile` starts from the prebuilt bundle.
      const rt = runtimeName === "bun" ? `bun ${(globalThis as any).Bun.version}` : runtimeName === "deno" ? `deno ${(globalThis as any).Deno.version.deno}` : runtimeName;
      const bundle = compilerBundle();
      io.out(`${(await import("../compiler/version.ts")).COMPILER_ID}\nruntime: ${rt} (${(globalThis as any).process.execPath})\ncompiler: ${bundle ? `prebuilt bundle ${bundle}` : "TypeScript sources"}\n`);
      return 0;
    }
    default:
      io.err(`kanaria: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

main(argv()).then(
  (code) => setExitCode(code),
  (e) => {
    // Reaching here is a bug, never a user mistake: user input errors are diagnostics.
    io.err(`kanaria: internal error: ${(e as Error)?.stack ?? e}\n`);
    exit(70);
  },
);
