// Where PREVIOUS finds the last successful deployment's analysis of the same metric. Two
// implementations: in memory (tests, one-shot CLI runs) and on the runtime Store, which needs no
// table of its own: a succeeded ANALYSIS node keeps every sample (with its values) in its
// outputs, so the previous run is read back from the last SUCCEEDED deployment of the app.
import type { Store } from "../store/store.ts";
import type { SampleRecord } from "./types.ts";

/** Identifies "the same metric" across deployments. */
export interface MetricKey {
  app: string;
  provider: string;
  /** The expanded query of the judged variant. */
  query: string;
}

export interface PreviousRun {
  deploymentId: string;
  /** Real epoch ms the run was recorded / finished. */
  at: number;
  values: number[];
}

export interface PreviousRunStore {
  /** The newest run of this metric from another deployment, or null. */
  find(key: MetricKey, excludeDeploymentId: string): Promise<PreviousRun | null>;
  /** Called when an analysis succeeds, with every value it judged for the metric. */
  record(key: MetricKey, run: PreviousRun): Promise<void>;
}

const keyOf = (k: MetricKey) => JSON.stringify([k.app, k.provider, k.query]);

export class MemoryPreviousRuns implements PreviousRunStore {
  private readonly runs = new Map<string, PreviousRun[]>();

  async find(key: MetricKey, exclude: string): Promise<PreviousRun | null> {
    const list = (this.runs.get(keyOf(key)) ?? []).filter((r) => r.deploymentId !== exclude);
    return list.length ? list[list.length - 1] : null;
  }

  async record(key: MetricKey, run: PreviousRun): Promise<void> {
    const k = keyOf(key);
    const list = this.runs.get(k) ?? [];
    list.push({ ...run, values: [...run.values] });
    this.runs.set(k, list.slice(-20));
  }
}

/** Values a list of samples judged for one metric key (the judged variant's points). */
export function valuesFor(samples: readonly SampleRecord[], key: Pick<MetricKey, "provider" | "query">): number[] {
  const out: number[] = [];
  for (const s of samples) {
    if (s.kind !== "metrics" || s.provider !== key.provider || s.strategy !== "PREVIOUS") continue;
    const v = s.variants[0];
    if (s.query[v] !== key.query) continue;
    out.push(...(s.values[v] ?? []));
  }
  return out;
}

export class StorePreviousRuns implements PreviousRunStore {
  constructor(
    private readonly store: Store,
    /** How many recent SUCCEEDED deployments to look through. */
    private readonly lookback = 100,
  ) {}

  async find(key: MetricKey, exclude: string): Promise<PreviousRun | null> {
    const candidates = await this.store.listDeployments({ states: ["SUCCEEDED"], limit: this.lookback });
    for (const d of candidates) {
      if (d.app !== key.app || d.id === exclude) continue;
      const values: number[] = [];
      for (const n of await this.store.getNodes(d.id)) {
        if (n.stage !== "ANALYSIS" || n.state !== "SUCCEEDED") continue;
        const samples = (n.outputs as { samples?: SampleRecord[] } | null)?.samples;
        if (Array.isArray(samples)) values.push(...valuesFor(samples, key));
      }
      if (values.length) return { deploymentId: d.id, at: d.finishedAt ?? d.updatedAt, values };
    }
    return null;
  }

  /** Nothing to write: the node's outputs already hold the samples. */
  async record(): Promise<void> {}
}
