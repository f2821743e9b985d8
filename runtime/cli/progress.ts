// Terminal progress for `kanaria deploy`: one line per node transition (stage, state, traffic
// split, elapsed), fed from the in-process event bus or from the server's SSE stream.
export interface ProgressEvent {
  type: string;
  nodeId: string | null;
  at: number;
  data: Record<string, any>;
}

export class Progress {
  private start: number | null = null;
  private traffic = { primary: 100, canary: 0 };
  private readonly stages = new Map<string, string>();
  finalState: string | null = null;
  finalError: string | null = null;

  constructor(
    private readonly write: (line: string) => void,
    private readonly verbose = false,
  ) {}

  private line(at: number, node: string, stage: string, state: string, note = ""): void {
    const elapsed = ((at - (this.start ?? at)) / 1000).toFixed(1).padStart(7) + "s";
    const split = `traffic ${this.traffic.primary}/${this.traffic.canary}`;
    this.write(`${elapsed}  ${node.padEnd(24)} ${stage.padEnd(20)} ${state.padEnd(10)} ${split.padEnd(16)}${note ? ` ${note}` : ""}`);
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
        this.line(e.at, node, stage, e.type === "node.started" ? "RUNNING" : "RESUMED", d.name && d.name !== stage ? d.name : "");
        break;
      case "node.succeeded":
        if (d.outputs?.traffic) this.traffic = d.outputs.traffic;
        this.line(e.at, node, stage, "SUCCEEDED", d.outputs?.message ?? "");
        break;
      case "node.failed":
        this.line(e.at, node, stage, "FAILED", d.error ?? "");
        break;
      case "deployment.state":
        if (["SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED", "ROLLING_BACK"].includes(d.state)) {
          this.line(e.at, "deployment", "", d.state, d.error ?? "");
        }
        if (["SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED"].includes(d.state)) {
          this.finalState = d.state;
          this.finalError = d.error ?? null;
        }
        break;
      case "log":
        // Analysis samples always show: they are why a canary is promoted or rolled back.
        if (this.verbose || !node || d.analysisSample) this.write(`          ${node ? `${node}: ` : ""}${d.message}`);
        break;
    }
  }
}
