// Finds where a JSON text nests deeper than a limit, by scanning the raw text: recursive
// consumers (schema validation, canonical JSON for the digest, JSON.stringify) would overflow
// the stack on a body like `[[[[...]]]]` long before the size limit stops it.
/** JSON Pointer of the first object or array that opens beyond `maxDepth` levels, or null. */
export function nestingBeyond(text: string, maxDepth: number): string | null {
  const segments: (string | number)[] = []; // where the scan is inside each open container
  const inObject: boolean[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (expectKey && inObject.at(-1)) {
        segments[segments.length - 1] = keyOf(text.slice(i, j + 1));
        expectKey = false;
      }
      i = j;
    } else if (c === "{" || c === "[") {
      if (inObject.length >= maxDepth) return pointer(segments);
      inObject.push(c === "{");
      segments.push(c === "{" ? "" : 0);
      expectKey = c === "{";
    } else if (c === "}" || c === "]") {
      inObject.pop();
      segments.pop();
    } else if (c === ",") {
      if (inObject.at(-1)) expectKey = true;
      else if (inObject.length) segments[segments.length - 1] = (segments.at(-1) as number) + 1;
    }
  }
  return null;
}

function keyOf(quoted: string): string {
  try {
    return String(JSON.parse(quoted));
  } catch {
    return quoted.slice(1, -1); // malformed: JSON.parse of the whole body reports it
  }
}

function pointer(segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}
