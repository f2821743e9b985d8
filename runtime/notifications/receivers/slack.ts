// Slack: an incoming webhook (hookURL) or chat.postMessage with a bot token and channel.
import type { NotificationEvent } from "../events.ts";
import { DeliveryError, postJson, type Receiver } from "./receiver.ts";

export interface SlackOptions {
  name: string;
  hookURL?: string;
  oauthToken?: string;
  channelID?: string;
  mentionedAccounts?: string[];
  mentionedGroups?: string[];
  /** chat.postMessage endpoint (tests). */
  apiUrl?: string;
  fetch?: typeof fetch;
}

const ICON: Record<string, string> = {
  DEPLOYMENT_TRIGGERED: ":rocket:",
  DEPLOYMENT_SUCCEEDED: ":white_check_mark:",
  DEPLOYMENT_FAILED: ":x:",
  DEPLOYMENT_CANCELLED: ":no_entry_sign:",
  DEPLOYMENT_ROLLING_BACK: ":rewind:",
  DEPLOYMENT_WAIT_APPROVAL: ":raised_hand:",
  DEPLOYMENT_APPROVED: ":ok_hand:",
  STAGE_FAILED: ":warning:",
};

export function slackMessage(e: NotificationEvent, o: Pick<SlackOptions, "mentionedAccounts" | "mentionedGroups">): { text: string } {
  const mentions = [
    ...(o.mentionedAccounts ?? []).map((a) => `<@${a.replace(/^@/, "")}>`),
    ...(o.mentionedGroups ?? []).map((g) => (g.startsWith("<") ? g : `<!subteam^${g}>`)),
  ];
  const labels = Object.entries(e.app.labels).map(([k, v]) => `${k}=${v}`).join(", ");
  const text = `${ICON[e.type] ?? ""} *${e.type}* ${e.message}${labels ? `\nlabels: ${labels}` : ""}${mentions.length ? `\n${mentions.join(" ")}` : ""}`.trim();
  return { text };
}

export class SlackReceiver implements Receiver {
  readonly name: string;
  constructor(private readonly o: SlackOptions) {
    this.name = o.name;
    if (!o.hookURL && !(o.oauthToken && o.channelID)) throw new Error(`Slack receiver ${o.name}: give hookURLFile, or oauthTokenFile and channelID.`);
  }

  async send(e: NotificationEvent, signal: AbortSignal): Promise<void> {
    const f = this.o.fetch ?? fetch;
    const msg = slackMessage(e, this.o);
    if (this.o.hookURL) {
      await postJson(f, this.o.hookURL, JSON.stringify(msg), {}, signal);
      return;
    }
    const res = await postJson(f, this.o.apiUrl ?? "https://slack.com/api/chat.postMessage", JSON.stringify({ channel: this.o.channelID, ...msg }), { authorization: `Bearer ${this.o.oauthToken}` }, signal);
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
    if (body.ok === false) throw new DeliveryError(`Slack chat.postMessage: ${body.error ?? "not ok"}`, body.error === "ratelimited");
  }
}
