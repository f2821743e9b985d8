// Go's YAML decoding treats `key: null` (and, for AWS structs, `key: ""`) as "not set".
// PipeCD users rely on that, so the compiler removes them before validating.
export function stripAbsent(value: unknown, emptyStrings: boolean): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v) => stripAbsent(v, emptyStrings));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      if (emptyStrings && v === "") continue;
      out[k] = stripAbsent(v, emptyStrings);
    }
    return out;
  }
  return value;
}
