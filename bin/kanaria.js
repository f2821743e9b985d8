#!/bin/sh
":" /*
# The `kanaria` command as installed (npm i -g, npx, bunx, deno run npm:kanaria, a checkout).
# This file is both a shell script and a JavaScript module. Run as a program (npm's bin links),
# the shell part below finds the Bun that comes with the package (the `bun` dependency) and
# execs it on bin/kanaria.ts: no Node start-up on the way, so `kanaria compile` starts as fast
# as Bun does. Loaded as JavaScript (Deno, Bun, or Node on systems without sh), the code after
# this comment does the same job. The shell part must never contain a star followed by a slash.
# This folder: first the layouts npm links `kanaria` from (each start-up process counts: `kanaria
# compile` takes tens of milliseconds), else by following the symbolic links.
here=${0%/*}
[ "$here" != "$0" ] || here=.
if [ -f "$here/kanaria.ts" ]; then bin=$here
elif [ -f "$here/../lib/node_modules/kanaria/bin/kanaria.ts" ]; then bin=$here/../lib/node_modules/kanaria/bin # npm -g
elif [ -f "$here/../kanaria/bin/kanaria.ts" ]; then bin=$here/../kanaria/bin # node_modules/.bin: npx, bunx, a project
else
  self=$0
  while [ -L "$self" ]; do
    link=$(readlink -- "$self")
    case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac
  done
  bin=${self%/*}
fi
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
# Where npm, npx and bunx put dependencies: beside the package or in any node_modules above it.
# @oven/bun-<platform> holds the binary until the `bun` package's postinstall moves it to
# bun/bin/bun.exe (left a placeholder script when install scripts are off).
dir=${bin%/*}
libc=
while [ -n "$dir" ]; do
  for d in "$dir"/node_modules/@oven/bun-[a-z]*; do
    [ -x "$d/bin/bun" ] || continue
    if [ -z "$libc" ]; then libc=glibc; for f in /lib/ld-musl-*; do [ -e "$f" ] && libc=musl; done; fi
    case $d in *-android) continue ;; *-musl) [ "$libc" = musl ] || continue ;; *) [ "$libc" = glibc ] || continue ;; esac
    exec "$d/bin/bun" "$bin/kanaria.ts" "$@"
  done
  b=$dir/node_modules/bun/bin/bun.exe
  if [ -x "$b" ]; then exec "$b" "$bin/kanaria.ts" "$@"; fi
  dir=${dir%/*}
done
if command -v bun >/dev/null 2>&1; then exec bun "$bin/kanaria.ts" "$@"; fi
echo "kanaria: cannot find Bun: the package's \`bun\` dependency is missing from node_modules. Reinstall kanaria (npm install -g kanaria) without --omit=optional." >&2
exit 127
*/
// JavaScript: on Bun run the CLI in this process, on Deno too unless it refuses TypeScript from
// node_modules (`deno run -A npm:kanaria`); otherwise start the packaged Bun.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("kanaria.ts", import.meta.url));

function isMusl() {
  try {
    return process.platform === "linux" && !process.report.getReport().header.glibcVersionRuntime;
  } catch {
    return false;
  }
}

function packagedBun() {
  const require = createRequire(import.meta.url);
  const { platform, arch } = process;
  const os = platform === "win32" ? "windows" : platform;
  const cpu = arch === "arm64" ? "aarch64" : arch;
  const exe = platform === "win32" ? "bun.exe" : "bun";
  for (const name of [`@oven/bun-${os}-${cpu}${isMusl() ? "-musl" : ""}/bin/${exe}`, "bun/bin/bun.exe"]) {
    try {
      const path = require.resolve(name);
      if (existsSync(path)) return path;
    } catch {}
  }
  return "bun";
}

function runOnBun() {
  const child = spawn(packagedBun(), [entry, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("error", (e) => {
    console.error(`kanaria: cannot start Bun (${e.message}). Reinstall kanaria (npm install -g kanaria).`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

if (globalThis.Bun) {
  await import("./kanaria.ts");
} else if (globalThis.Deno) {
  try {
    await import("./kanaria.ts");
  } catch (e) {
    if (!`${e?.code} ${e?.message}`.includes("ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING")) throw e;
    runOnBun();
  }
} else {
  runOnBun();
}
