// A long table of independent cases can be spread over several processes: a file with the line
// `// kanaria-test-shards: N` is run N times by test/run.ts, with KANARIA_TEST_SHARD=i/N, and
// each run takes every N-th case. Run alone (no variable), a file runs every case.
import { env } from "../../runtime/platform/index.ts";

export function shardOf<T>(cases: readonly T[]): T[] {
  const m = /^(\d+)\/(\d+)$/.exec(env("KANARIA_TEST_SHARD") ?? "");
  if (!m) return [...cases];
  const [i, n] = [Number(m[1]), Number(m[2])];
  return cases.filter((_, k) => k % n === i - 1);
}
