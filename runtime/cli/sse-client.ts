// Reads a Server-Sent Events stream (fetch body) into {id, event, data} messages.
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/** `onData` is called for every chunk read, keep-alive comments included (idle detection). */
export async function* readSse(body: ReadableStream<Uint8Array>, onData?: () => void): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buf = "";
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    onData?.();
    buf += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let i: number;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const msg: SseMessage = { id: null, event: "message", data: "" };
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const c = line.indexOf(":");
        const field = c < 0 ? line : line.slice(0, c);
        const value = c < 0 ? "" : line.slice(c + 1).replace(/^ /, "");
        if (field === "id") msg.id = value;
        else if (field === "event") msg.event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length) {
        msg.data = data.join("\n");
        yield msg;
      }
    }
  }
}
