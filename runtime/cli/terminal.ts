// What `kanaria deploy` knows about the terminal it writes to: its width (read at each line, so a
// resized window is used at once), whether to colour, and whether a live line may be redrawn.
// Not a terminal (a pipe, a CI log): null, and output stays plain full lines.
export interface Terminal {
  columns(): number;
  color: boolean;
  /** Writes raw text (control sequences included). */
  write(text: string): void;
}

interface TtyStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colour off; so does TERM=dumb. */
export function terminalFor(stream: TtyStream, env: Record<string, string | undefined>): Terminal | null {
  if (!stream.isTTY) return null;
  return {
    columns: () => (stream.columns && stream.columns > 0 ? stream.columns : 80),
    color: !env.NO_COLOR && env.TERM !== "dumb",
    write: (text) => void stream.write(text),
  };
}

export type Tone = "green" | "red" | "yellow" | "cyan" | "dim" | "bold";
const CODES: Record<Tone, string> = { green: "32", red: "31", yellow: "33", cyan: "36", dim: "2", bold: "1" };

/** A piece of a line with an optional colour. */
export interface Span {
  text: string;
  tone?: Tone;
}

/**
 * The spans as one line of at most `width` columns: cut with "…" where it would wrap, coloured
 * when asked. Counts code points (the output is ASCII plus a few one-column symbols).
 */
export function fit(spans: Span[], width: number, color: boolean): string {
  let room = Math.max(1, width);
  let out = "";
  for (const s of spans) {
    if (room <= 0) break;
    const chars = [...s.text.replace(/[\r\n\t]+/g, " ")];
    let text = chars.join("");
    if (chars.length > room) text = `${chars.slice(0, room - 1).join("")}…`;
    room -= Math.min(chars.length, room);
    out += color && s.tone && text.trim() ? `\x1b[${CODES[s.tone]}m${text}\x1b[0m` : text;
  }
  return out;
}

/** Text wrapped at word boundaries to lines of at most `width` columns, each indented. */
export function wrap(text: string, width: number, indent: string): string[] {
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      for (let w = word; w; ) {
        if (!line && [...w].length > room) {
          lines.push(indent + [...w].slice(0, room).join(""));
          w = [...w].slice(room).join("");
          continue;
        }
        if ([...line].length + 1 + [...w].length > room && line) {
          lines.push(indent + line);
          line = "";
          continue;
        }
        line = line ? `${line} ${w}` : w;
        w = "";
      }
    }
    if (line) lines.push(indent + line);
  }
  return lines;
}
