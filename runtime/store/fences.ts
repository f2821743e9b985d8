// The fencing tokens a store stamps on its writes (lease-sql.ts): per deployment this process
// holds a lease on, and the deployment of each journal row it wrote or read (journal updates
// name the row only).
export class Fences {
  private readonly tokens = new Map<string, number>();
  private readonly journalRows = new Map<number, string>();

  set(deploymentId: string, token: number | null): void {
    if (token === null) {
      this.tokens.delete(deploymentId);
      for (const [row, d] of this.journalRows) if (d === deploymentId) this.journalRows.delete(row);
    } else this.tokens.set(deploymentId, token);
  }

  /** The token for a write of the deployment's rows (null: an unfenced write). */
  of(deploymentId: string): number | null {
    return this.tokens.get(deploymentId) ?? null;
  }

  /** Remembers a journal row of a fenced deployment. */
  noteJournalRow(id: number, deploymentId: string): void {
    if (this.tokens.has(deploymentId)) this.journalRows.set(id, deploymentId);
  }

  ofJournalRow(id: number): number | null {
    const d = this.journalRows.get(id);
    return d === undefined ? null : this.of(d);
  }
}
