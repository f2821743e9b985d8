// Builds a runtime for the CLI commands from the runtime config: the store under --data (locked
// for this process: one process per data directory, see store/store-lock.ts), platform and
// analysis providers (or the embedded simulator's), notifications, the clock scaled like the
// simulator.
import { systemClock } from "../clock/clock.ts";
import { createRuntime, type Runtime } from "../runtime.ts";
import { openConfiguredStore, type StoreOptions } from "./open-store.ts";
import type { PlatformProvider } from "../aws/clients.ts";
import { buildProviders, type AnalysisProviderSpec } from "../analysis/providers/registry.ts";
import { createNotifier, type NotificationsConfig } from "../notifications/notifier.ts";
import { ConfigError, type RuntimeSettings } from "./config.ts";
import type { SecretKeyring } from "../secrets/keyring.ts";

export const DEFAULT_DATA_DIR = ".kanaria";

/** With --simulate and no config, ANALYSIS metrics may name these providers. */
export const SIMULATED_ANALYSIS_PROVIDERS: AnalysisProviderSpec[] = [
  { name: "datadog", type: "DATADOG", config: {} },
  { name: "prometheus", type: "PROMETHEUS", config: {} },
];

export interface OpenRuntimeOptions extends StoreOptions {
  providers: PlatformProvider[];
  analysisProviders?: AnalysisProviderSpec[];
  notifications?: NotificationsConfig;
  /** Folder the config's *File paths are relative to. */
  baseDir?: string;
  /** The embedded simulator: every analysis provider queries it (any key is accepted). */
  simulatorUrl?: string;
  timeScale?: number;
  /** The key pair's private key (`secretManagement`), for graphs with encrypted secrets. */
  secrets?: SecretKeyring | null;
  /** store.leaseTtl in ms (default 15 s). */
  leaseTtlMs?: number | null;
}

/** The runtime config's analysis providers and notifications, for openRuntime(). */
export function fromSettings(s: RuntimeSettings): Pick<OpenRuntimeOptions, "analysisProviders" | "notifications" | "baseDir" | "secrets" | "leaseTtlMs"> {
  return { analysisProviders: s.analysisProviders, notifications: s.notifications, baseDir: s.baseDir, secrets: s.secrets, leaseTtlMs: s.leaseTtlMs };
}

/** Throws ConfigError (a missing secret file, a bad receiver, a store another process holds) before anything runs. */
export async function openRuntime(o: OpenRuntimeOptions): Promise<Runtime> {
  let analysisProviders: ReturnType<typeof buildProviders>;
  let notifier: ReturnType<typeof createNotifier> | undefined;
  try {
    const specs = [...(o.analysisProviders ?? [])];
    if (o.simulatorUrl) for (const d of SIMULATED_ANALYSIS_PROVIDERS) if (!specs.some((s) => s.name === d.name)) specs.push(d);
    analysisProviders = buildProviders(specs, {
      baseDir: o.baseDir,
      ...(o.simulatorUrl ? { simulatorUrl: o.simulatorUrl, addressOverride: o.simulatorUrl, readSecret: () => "simulator" } : {}),
    });
    notifier = o.notifications ? createNotifier(o.notifications, { baseDir: o.baseDir }) : undefined;
    await o.secrets?.ready();
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const { store, release } = await openConfiguredStore(o);
  let rt: Runtime;
  try {
    rt = await createRuntime({
      store,
      providers: o.providers,
      clock: systemClock(o.timeScale ?? 1),
      // One poll per deployment second (the poller stretches it for big fleets).
      pollIntervalMs: Math.max(50, 1000 / (o.timeScale ?? 1)),
      analysisProviders,
      ...(notifier ? { notifier } : {}),
      secrets: o.secrets ?? null,
      ...(o.leaseTtlMs ? { leaseTtlMs: o.leaseTtlMs } : {}),
    });
  } catch (e) {
    await store.close().catch(() => undefined);
    release();
    throw e;
  }
  const close = rt.close;
  rt.close = async () => {
    try {
      await close();
    } finally {
      release();
    }
  };
  return rt;
}
