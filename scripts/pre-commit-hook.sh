#!/bin/sh
# The pre-commit hook `kanaria-compile` (.pre-commit-hooks.yaml, language: script). pre-commit
# runs it from its own clone of this repository, in the user's repository. The first run
# installs what `kanaria compile` needs into that clone with npm (Bun, yaml, handlebars at the
# versions package.json pins: ~100 MB instead of the runtime's ~300 MB) and bundles the
# compiler; later runs go straight to `kanaria compile`. (language: node made pre-commit install
# every dev dependency and read the tarball's name from `npm pack`'s stdout: minutes, then fail.)
set -e
root=$(cd -- "$(dirname -- "$0")/.." && pwd)
env=$root/.kanaria-hook
if [ ! -f "$env/ready" ]; then
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "kanaria pre-commit hook: the first run installs its dependencies with npm; put Node.js and npm on PATH (https://nodejs.org)." >&2
    exit 1
  fi
  # Hooks from several repositories may run at once: one install at a time.
  until mkdir "$root/.kanaria-hook-lock" 2>/dev/null; do sleep 1; done
  trap 'rmdir "$root/.kanaria-hook-lock" 2>/dev/null' EXIT
  trap 'exit 130' INT TERM
  if [ ! -f "$env/ready" ]; then
    echo "kanaria: first run: installing Bun and the compiler's dependencies into $env" >&2
    mkdir -p "$env"
    deps=$(cd "$root" && node -p 'const p = require("./package.json"); ["bun", "yaml", "handlebars"].map((n) => `${n}@${p.dependencies[n]}`).join(" ")')
    echo '{ "private": true }' >"$env/package.json"
    # shellcheck disable=SC2086 # one word per package
    (cd "$env" && npm install $deps --prefer-offline --no-package-lock --no-audit --no-fund --loglevel=error >&2)
    ln -sfn .kanaria-hook/node_modules "$root/node_modules"
    (cd "$root" && node_modules/.bin/bun scripts/build.ts)
    : >"$env/ready"
  fi
fi
exec "$root/bin/kanaria.js" compile "$@"
