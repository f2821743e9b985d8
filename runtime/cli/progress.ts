// Terminal progress for `kanaria deploy`: one line per event (node transitions with stage,
// state, traffic split and elapsed time; analysis samples), fed from the in-process event bus or
// from the server's SSE stream. On a terminal the lines fit its width, are coloured (unless
// NO_COLOR) and a live line ticks at the bottom while a stage runs (a WAIT, an ANALYSIS), so
// something moves; in a pipe or a CI log the lines are plain and complete.
import type { SampleRecord } from "../analysis/types.ts";
import { fit, wrap, type Span, type Terminal, type Tone } from "./terminal.ts";
import { FINAL_STATES, isOutcome } from "../deployment-states.ts";

export interface ProgressEvent {
  type: string;
  nodeId: string | null;
  at: number;
  data: Record<string, any>;
}

const TONE: Record<string, Tone> = {
  RUNNING: "cyan",
  RESUMED: "cyan",
  SUCCEEDED: "green",
  FAILED: "red",
  ROLLED_BACK: "red",
  ROLLING_BACK: "yellow",
  CANCELLED: "yellow",
};
const VERDICT_TONE: Record<string, Tone> = { pass: "green", fail: "red", error: "red", nodata: "yellow" };
const SPINNER = ["|", "/", "-", "\\"];
const INDENT = "          ";

/** "12s", "3m05s", "1h02m": how long a stage has been running, in whole seconds (the live line's own format, not shortDuration). */
function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}

/** ISO window bounds shown as times of day: the dates add nothing mid-deployment. */
const shortWindow = (text: string) =>
  text.replace(/\[(\d{4}-\d\d-\d\dT)?(\d\d:\d\d:\d\d)(?:\.\d+)?Z? – (\d{4}-\d\d-\d\dT)?(\d\d:\d\d:\d\d)(?:\.\d+)?Z?\]/g, "[$2–$4]");

export class Progress {
  private start: number | null = null;
  private traffic = { primary: 100, canary: 0 };
  private readonly stages = new Map<string, string>();
  /** Nodes running now, with the wall-clock time they started (for the live line). */
  private readonly running = new Map<string, { stage: string; since: number; samples: number }>();
  /** The last error printed, so the deployment's end does not print a node's failure again. */
  private shownError: string | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private frame = 0;
  private liveShown = false;
  finalState: string | null = null;
  finalError: string | null = null;
  /** Where this deployment can be approved (`kanaria deploy --server`), once known. */
  approveAt: { id: string; server: string } | null = null;

  constructor(
    private readonly writeLine: (line: string) => void,
    private readonly verbose = false,
    private readonly term: Terminal | null = null,
  ) {}

  /** Prints a line of the command's own (a reconnect notice, ...) without tearing the live line. */
  print(line: string): void {
    this.clearLive();
    if (this.term) this.term.write(`${line}\n`);
    else this.writeLine(line);
    this.drawLive();
  }

  /** A line about the deployment (its id, its commit): cut to the terminal's width, whole in a log. */
  heading(text: string): void {
    this.emit([{ text }]);
  }

  /** Runs fn (which writes to the terminal some other way, e.g. stderr) without tearing the live line. */
  around(fn: () => void): void {
    this.clearLive();
    fn();
    this.drawLive();
  }

  /** Stops the live line (the command is about to end or print its summary). */
  close(): void {
    this.clearLive();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private emit(spans: Span[]): void {
    if (!this.term) {
      this.writeLine(spans.map((s) => s.text).join(""));
      return;
    }
    this.print(fit(spans, this.term.columns(), this.term.color));
  }

  private line(at: number, node: string, stage: string, state: string, note = ""): void {
    const seconds = (at - (this.start ?? at)) / 1000;
    const split = `${this.traffic.primary}/${this.traffic.canary}`;
    if (!this.term) {
      // Plain: complete lines for logs and grep; the fixed columns take 73 of 80.
      const elapsed = `${seconds.toFixed(1).padStart(7)}s`;
      this.writeLine(`${elapsed}  ${node.padEnd(16)} ${stage.padEnd(19)} ${state.padEnd(12)} ${`traffic ${split}`.padEnd(13)}${note ? ` ${note}` : ""}`);
      return;
    }
    const nodeCol = [...node].length > 16 ? `${[...node].slice(0, 15).join("")}…` : node.padEnd(16);
    this.emit([
      { text: `${seconds.toFixed(1).padStart(6)}s `, tone: "dim" },
      { text: `${nodeCol} ` },
      { text: `${stage.padEnd(19)} `, tone: "bold" },
      { text: state.padEnd(12), tone: TONE[state] },
      { text: ` ${split.padEnd(7)}` },
      { text: note ? ` ${note}` : "", tone: "dim" },
    ]);
  }

  /** An error in full, once: wrapped under its line on a terminal, on the line in a log. */
  private failureLine(at: number, node: string, stage: string, state: string, error: string): void {
    this.shownError = error;
    if (!this.term) {
      this.line(at, node, stage, state, error);
      return;
    }
    this.line(at, node, stage, state);
    for (const l of wrap(shortWindow(error), this.term.columns(), INDENT)) this.emit([{ text: l, tone: "red" }]);
  }

  handle(e: ProgressEvent): void {
    if (this.start === null) this.start = e.at;
    const d = e.data;
    const node = e.nodeId ?? "";
    if (d.stage) this.stages.set(node, d.stage);
    const stage = this.stages.get(node) ?? "";
    switch (e.type) {
      case "node.started":
      case "node.resumed":
        this.running.set(node, { stage, since: Date.now(), samples: 0 });
        this.line(e.at, node, stage, e.type === "node.started" ? "RUNNING" : "RESUMED", d.name && d.name !== stage ? d.name : "");
        if (stage === "WAIT_APPROVAL") this.approvalHint();
        this.startTicker();
        break;
      case "node.succeeded":
        this.running.delete(node);
        if (d.outputs?.traffic) this.traffic = d.outputs.traffic;
        this.line(e.at, node, stage, "SUCCEEDED", d.outputs?.message ?? "");
        break;
      case "node.failed":
        this.running.delete(node);
        if (d.error) this.failureLine(e.at, node, stage, "FAILED", d.error);
        else this.line(e.at, node, stage, "FAILED");
        break;
      case "deployment.state":
        if (isOutcome(d.state)) {
          // A node's failure is the deployment's error too: it was printed once already.
          if (d.error && d.error !== this.shownError) this.failureLine(e.at, "deployment", "", d.state, d.error);
          else this.line(e.at, "deployment", "", d.state);
        }
        if (FINAL_STATES.has(d.state)) {
          this.finalState = d.state;
          this.finalError = d.error ?? null;
          this.running.clear();
          this.close();
        }
        break;
      case "log": {
        const sample = d.analysisSample as SampleRecord | undefined;
        if (sample) {
          const r = this.running.get(node);
          if (r) r.samples++;
        }
        // Analysis samples always show: they are why a canary is promoted or rolled back.
        if (!(this.verbose || !node || sample)) break;
        if (!this.term) {
          this.writeLine(`${INDENT}${node ? `${node}: ` : ""}${d.message}`);
        } else if (sample) {
          // Narrow: the provider names the check (the kind and index only when it has none), and
          // the verdict's reason comes right after it; the full form is in the logs and the API.
          const what = `${sample.provider ?? `${sample.kind}[${sample.index}]`} #${sample.sample}`;
          const reason = String(d.message)
            .replace(/^.*?: (pass|fail|error|nodata): /, "")
            .replace(/ \(mean of \d+ points?\)/, "");
          this.emit([
            { text: `${INDENT}${what} ` },
            { text: sample.verdict, tone: VERDICT_TONE[sample.verdict] },
            { text: `: ${reason}`, tone: "dim" },
          ]);
        } else {
          this.emit([{ text: `${INDENT}${node ? `${node}: ` : ""}${d.message}`, tone: "dim" }]);
        }
        break;
      }
    }
  }

  /** The command that approves, whole (never cut): on a terminal one flag a line, with `\`. */
  private approvalHint(): void {
    const a = this.approveAt;
    if (!a) {
      for (const l of wrap("waiting for approval: only a deployment on `kanaria serve` can be approved: deploy with --server URL, then run `kanaria approve ID --server URL --token-file F`.", this.term?.columns() ?? 1000, INDENT)) {
        this.emit([{ text: l, tone: "yellow" }]);
      }
      return;
    }
    const parts = [`kanaria approve ${a.id}`, `--server ${a.server}`, "--token-file YOUR_APPROVER_TOKEN_FILE"];
    this.emit([{ text: `${INDENT}waiting for approval; each approver runs:`, tone: "yellow" }]);
    if (!this.term) {
      this.writeLine(`${INDENT}${parts.join(" ")}`);
      return;
    }
    parts.forEach((p, i) => {
      this.print(`${INDENT}${i ? "  " : ""}${p}${i < parts.length - 1 ? " \\" : ""}`);
    });
  }

  private startTicker(): void {
    if (!this.term || this.ticker) return;
    this.ticker = setInterval(() => {
      this.frame++;
      this.clearLive();
      this.drawLive();
    }, 1000);
    // The live line never keeps the process alive on its own.
    (this.ticker as { unref?: () => void }).unref?.();
    this.drawLive();
  }

  /** The bottom line while stages run: what runs, for how long, samples so far. */
  private drawLive(): void {
    if (!this.term || this.running.size === 0) return;
    const now = Date.now();
    const parts = [...this.running].map(([node, r]) => `${node} ${r.stage} ${clock(now - r.since)}${r.samples ? `, ${r.samples} sample${r.samples === 1 ? "" : "s"}` : ""}`);
    const text = fit([{ text: `${SPINNER[this.frame % SPINNER.length]} `, tone: "cyan" }, { text: `running: ${parts.join("; ")}`, tone: "dim" }], this.term.columns() - 1, this.term.color);
    this.term.write(text);
    this.liveShown = true;
  }

  private clearLive(): void {
    if (!this.term || !this.liveShown) return;
    this.term.write("\r\x1b[2K");
    this.liveShown = false;
  }
}
