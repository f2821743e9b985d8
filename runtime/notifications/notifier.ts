// The Notifier: routes each event (events.ts) to the receivers of the matching routes
// (routes.ts), delivering in the background (delivery.ts). Build it from the runtime config's
// `notifications` with createNotifier(), and feed it the executor's events with attach().
import type { Store } from "../store/store.ts";
import type { EventRecord } from "../store/store.ts";
import { fromExecutorEvent, type AppInfo, type NotificationEvent } from "./events.ts";
import { receiversFor, type NotificationRoute } from "./routes.ts";
import { DeliveryQueue, type DeliveryOptions } from "./delivery.ts";
import type { Receiver } from "./receivers/receiver.ts";
import { SlackReceiver } from "./receivers/slack.ts";
import { WebhookReceiver } from "./receivers/webhook.ts";
import { readSecretFile } from "../analysis/providers/secrets.ts";

export interface NotificationsConfig {
  routes?: NotificationRoute[];
  receivers?: Array<{ name: string; slack?: Record<string, any>; webhook?: Record<string, any> }>;
}

export class Notifier {
  private readonly queues = new Map<string, DeliveryQueue>();
  /** Events being routed (their app looked up in the store), in order. */
  private routing: Promise<void> = Promise.resolve();

  constructor(
    private readonly routes: NotificationRoute[],
    receivers: Receiver[],
    options: DeliveryOptions = {},
  ) {
    for (const r of receivers) this.queues.set(r.name, new DeliveryQueue(r, options));
    for (const route of routes) {
      if (!this.queues.has(route.receiver)) throw new Error(`Notification route ${route.name} names receiver "${route.receiver}", which is not defined.`);
    }
  }

  /** Queues the event for every matching receiver; returns at once. */
  notify(e: NotificationEvent): void {
    for (const name of receiversFor(this.routes, e)) this.queues.get(name)?.enqueue(e);
  }

  /** Subscribes to every deployment's executor events. Returns the unsubscribe function. */
  attach(events: { subscribe(id: string, l: (e: EventRecord) => void): () => void }, store: Pick<Store, "getDeployment">): () => void {
    const apps = new Map<string, AppInfo>();
    const appOf = async (deploymentId: string): Promise<AppInfo> => {
      let app = apps.get(deploymentId);
      if (!app) {
        const g = (await store.getDeployment(deploymentId).catch(() => null))?.graph;
        app = { name: g?.app.name ?? "unknown", labels: { ...(g?.app.labels ?? {}) } };
        if (apps.size > 1000) apps.clear();
        apps.set(deploymentId, app);
      }
      return app;
    };
    return events.subscribe("*", (rec) => {
      // Chained: notifications keep the events' order while the app is looked up.
      this.routing = this.routing.then(async () => {
        const n = fromExecutorEvent(rec, await appOf(rec.deploymentId));
        if (n) this.notify(n);
      });
    });
  }

  /** Resolves when every queue is drained (tests, graceful shutdown). */
  async idle(): Promise<void> {
    await this.routing;
    await Promise.all([...this.queues.values()].map((q) => q.idle()));
  }

  close(): void {
    for (const q of this.queues.values()) q.close();
  }
}

export function createNotifier(config: NotificationsConfig | undefined, o: DeliveryOptions & { baseDir?: string; fetch?: typeof fetch } = {}): Notifier {
  const receivers: Receiver[] = (config?.receivers ?? []).map((r) => {
    const secret = (file: string | undefined, what: string) => (file ? readSecretFile(file, `${what} (receiver ${r.name})`, o.baseDir) : undefined);
    if (r.slack) {
      return new SlackReceiver({
        name: r.name,
        hookURL: secret(r.slack.hookURLFile, "Slack webhook URL"),
        oauthToken: secret(r.slack.oauthTokenFile, "Slack OAuth token"),
        channelID: r.slack.channelID,
        mentionedAccounts: r.slack.mentionedAccounts,
        mentionedGroups: r.slack.mentionedGroups,
        fetch: o.fetch,
      });
    }
    if (r.webhook) {
      const url = r.webhook.url ?? secret(r.webhook.urlFile, "webhook URL");
      if (!url) throw new Error(`Notification receiver ${r.name}: webhook needs url or urlFile.`);
      return new WebhookReceiver({ name: r.name, url, signatureKey: r.webhook.signatureKey, signatureSecret: secret(r.webhook.signatureValueFile, "webhook signature"), fetch: o.fetch });
    }
    throw new Error(`Notification receiver ${r.name}: give slack or webhook.`);
  });
  const onDrop = o.onDrop ?? ((receiver, e, reason) => console.error(`kanaria: notification ${e.type} to ${receiver} dropped: ${reason}`));
  return new Notifier(config?.routes ?? [], receivers, { ...o, onDrop });
}
