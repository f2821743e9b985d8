#!/bin/sh
# The pre-commit hook `kanaria-compile` (.pre-commit-hooks.yaml, language: script). pre-commit
# runs it from its own clone of this repository, in the user's repository. The first run
# installs the production dependencies (Bun among them) into that clone with npm, from the
# lockfile, and bundles the compiler; later runs go straight to `kanaria compile`.
# (language: node would make pre-commit install every dev dependency and run `npm pack`: minutes.)
set -e
root=$(cd -- "$(dirname -- "$0")/.." && pwd)
ready=$root/node_modules/.kanaria-hook-ready
if [ ! -f "$ready" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "kanaria pre-commit hook: the first run installs its dependencies with npm; put Node.js and npm on PATH (https://nodejs.org)." >&2
    exit 1
  fi
  # Hooks from several repositories may run at once: one install at a time.
  lock=$root/.kanaria-hook-install
  until mkdir "$lock" 2>/dev/null; do sleep 1; done
  trap 'rmdir "$lock" 2>/dev/null' EXIT
  trap 'exit 130' INT TERM
  if [ ! -f "$ready" ]; then
    echo "kanaria: first run: installing dependencies into $root" >&2
    (cd "$root" && npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error >&2)
    (cd "$root" && node_modules/.bin/bun scripts/build.ts)
    : >"$ready"
  fi
fi
exec "$root/bin/kanaria.js" compile "$@"
