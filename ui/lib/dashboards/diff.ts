/**
 * A line diff of two dashboards' pretty JSON, for the versions dialog: common head and tail
 * trimmed, then a longest-common-subsequence table over what is left. The table is capped (a
 * 15,000-line dashboard rewritten whole would need 225 M cells): past the cap the middle is
 * shown as removed then added, and the result says so.
 */

/** One line of a diff. */
export interface DiffLine {
  kind: "same" | "add" | "del";
  text: string;
  /** 1-based line numbers in the old and new text (0 where the line is not in it). */
  oldNo: number;
  newNo: number;
}

/** A diff, and whether the cap made it coarser than a true LCS. */
export interface Diff {
  lines: DiffLine[];
  capped: boolean;
}

/** The most LCS table cells computed (4 bytes each). */
export const MAX_CELLS = 4_000_000;

/** The diff from `a` to `b`, line by line. */
export function diffLines(a: string, b: string, maxCells = MAX_CELLS): Diff {
  const x = a.split("\n");
  const y = b.split("\n");
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (
    tail < x.length - head &&
    tail < y.length - head &&
    x[x.length - 1 - tail] === y[y.length - 1 - tail]
  )
    tail++;
  const xm = x.slice(head, x.length - tail);
  const ym = y.slice(head, y.length - tail);
  const out: DiffLine[] = [];
  const same = (i: number, j: number) =>
    out.push({ kind: "same", text: x[i] as string, oldNo: i + 1, newNo: j + 1 });
  for (let k = 0; k < head; k++) same(k, k);
  const capped = (xm.length + 1) * (ym.length + 1) > maxCells;
  const middle = capped ? naive(xm, ym) : lcs(xm, ym);
  for (const m of middle) {
    out.push({
      kind: m.kind,
      text: m.text,
      oldNo: m.i < 0 ? 0 : head + m.i + 1,
      newNo: m.j < 0 ? 0 : head + m.j + 1,
    });
  }
  for (let k = tail; k > 0; k--) same(x.length - k, y.length - k);
  return { lines: out, capped };
}

interface Step {
  kind: DiffLine["kind"];
  text: string;
  i: number;
  j: number;
}

function naive(x: string[], y: string[]): Step[] {
  return [
    ...x.map((text, i) => ({ kind: "del" as const, text, i, j: -1 })),
    ...y.map((text, j) => ({ kind: "add" as const, text, i: -1, j })),
  ];
}

function lcs(x: string[], y: string[]): Step[] {
  const n = x.length;
  const m = y.length;
  const w = m + 1;
  // t[i*w+j]: the LCS length of x[i..] and y[j..].
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      t[i * w + j] =
        x[i] === y[j]
          ? (t[(i + 1) * w + j + 1] as number) + 1
          : Math.max(t[(i + 1) * w + j] as number, t[i * w + j + 1] as number);
  const out: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ kind: "same", text: x[i] as string, i: i++, j: j++ });
    } else if ((t[(i + 1) * w + j] as number) >= (t[i * w + j + 1] as number)) {
      out.push({ kind: "del", text: x[i] as string, i: i++, j: -1 });
    } else {
      out.push({ kind: "add", text: y[j] as string, i: -1, j: j++ });
    }
  }
  while (i < n) out.push({ kind: "del", text: x[i] as string, i: i++, j: -1 });
  while (j < m) out.push({ kind: "add", text: y[j] as string, i: -1, j: j++ });
  return out;
}

/** A run of unchanged lines left out of the view. */
export interface Skip {
  kind: "skip";
  count: number;
  /** The index of its first line in the diff. */
  at: number;
}

/** The changed lines with `context` unchanged lines around each; the rest as skips. */
export function hunks(lines: readonly DiffLine[], context = 3): (DiffLine | Skip)[] {
  const keep = new Uint8Array(lines.length);
  lines.forEach((l, k) => {
    if (l.kind === "same") return;
    for (let c = Math.max(0, k - context); c <= Math.min(lines.length - 1, k + context); c++)
      keep[c] = 1;
  });
  const out: (DiffLine | Skip)[] = [];
  let skipped = 0;
  lines.forEach((l, k) => {
    if (keep[k]) {
      if (skipped > 0) out.push({ kind: "skip", count: skipped, at: k - skipped });
      skipped = 0;
      out.push(l);
    } else skipped++;
  });
  if (skipped > 0) out.push({ kind: "skip", count: skipped, at: lines.length - skipped });
  return out;
}

/** Pretty JSON of a stored dashboard, as the diff compares it (2 spaces, Grafana's layout). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
