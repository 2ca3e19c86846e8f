/**
 * `| logfmt`, after Loki's logfmt decoder: `key=value`, `key="quoted \"value\""`, bare keys.
 * By default a malformed pair is skipped and scanning goes on, and keys without a value are
 * dropped; `--strict` stops at the first error and sets `__error__=LogfmtParserErr`,
 * `--keep-empty` keeps bare keys.
 */
import type { LogfmtStage } from "./ast.ts";
import {
  DUPLICATE_SUFFIX,
  ERR_LOGFMT,
  type LabelsBuilder,
  sanitizeLabelKey,
} from "./labels_builder.ts";
import type { StageFn } from "./stage.ts";

/** One decoded pair, or the syntax error met instead. */
type Pair = { key: string; value: string } | { error: string };

/** Decodes one line pair by pair. */
class LogfmtDecoder {
  pos = 0;
  constructor(readonly line: string) {}

  get done(): boolean {
    return this.pos >= this.line.length;
  }

  private error(message: string): Pair {
    const error = `logfmt syntax error at pos ${this.pos + 1} : ${message}`;
    while (this.pos < this.line.length && this.line.charCodeAt(this.pos) > 0x20) this.pos++;
    return { error };
  }

  /** The next pair; undefined when only spaces are left. */
  next(): Pair | undefined {
    const s = this.line;
    while (this.pos < s.length && s.charCodeAt(this.pos) <= 0x20) this.pos++;
    if (this.pos >= s.length) return undefined;
    const start = this.pos;
    for (; this.pos < s.length; this.pos++) {
      const c = s[this.pos];
      if (c === "=") break;
      if (c === '"') return this.error(`unexpected '"'`);
      if (s.charCodeAt(this.pos) <= 0x20) return { key: s.slice(start, this.pos), value: "" };
    }
    if (this.pos >= s.length) return { key: s.slice(start), value: "" };
    if (this.pos === start) return this.error(`unexpected '='`);
    const key = s.slice(start, this.pos);
    this.pos++;
    if (this.pos >= s.length || s.charCodeAt(this.pos) <= 0x20) return { key, value: "" };
    if (s[this.pos] === '"') return this.quoted(key);
    const valueStart = this.pos;
    for (; this.pos < s.length && s.charCodeAt(this.pos) > 0x20; this.pos++) {
      const c = s[this.pos];
      if (c === "=" || c === '"') return this.error(`unexpected '${c}'`);
    }
    return { key, value: s.slice(valueStart, this.pos) };
  }

  private quoted(key: string): Pair {
    const s = this.line;
    const start = this.pos;
    let escaped = false;
    for (let i = start + 1; i < s.length; i++) {
      const c = s[i];
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') {
        this.pos = i + 1;
        const body = s.slice(start, i + 1);
        if (!body.includes("\\")) return { key, value: body.slice(1, -1) };
        try {
          return { key, value: JSON.parse(body) };
        } catch {
          this.pos = i;
          return this.error("invalid quoted value");
        }
      }
    }
    this.pos = s.length;
    return this.error("unterminated quoted value");
  }
}

/** Compiles `| logfmt …`. */
export function logfmtStage(stage: LogfmtStage): StageFn {
  if (stage.extractions.length > 0) return logfmtExtractStage(stage);
  return (line, b) => {
    const dec = new LogfmtDecoder(line);
    for (let pair = dec.next(); pair !== undefined; pair = dec.next()) {
      if ("error" in pair) {
        if (stage.strict) return strictError(b, line, pair.error);
        continue;
      }
      const key = sanitizeLabelKey(pair.key, true);
      if (key === "" || (!stage.keepEmpty && pair.value === "")) continue;
      const name = b.baseHas(key) ? key + DUPLICATE_SUFFIX : key;
      if (b.shouldExtract(name)) b.set(name, pair.value.includes("\ufffd") ? "" : pair.value);
    }
    return line;
  };
}

function strictError(b: LabelsBuilder, line: string, error: string): string {
  b.setErr(ERR_LOGFMT, error);
  return line;
}

/** `| logfmt a="key", b`: only the listed keys, each set (to "" when absent). */
function logfmtExtractStage(stage: LogfmtStage): StageFn {
  const idByKey = new Map(stage.extractions.map((e) => [e.expr, e.name]));
  return (line, b) => {
    for (const { name } of stage.extractions) if (!b.baseHas(name)) b.set(name, "");
    const dec = new LogfmtDecoder(line);
    for (let pair = dec.next(); pair !== undefined; pair = dec.next()) {
      if ("error" in pair) {
        if (stage.strict) return strictError(b, line, pair.error);
        continue;
      }
      const id = idByKey.get(sanitizeLabelKey(pair.key, true));
      if (id === undefined) continue;
      b.set(b.baseHas(id) ? id + DUPLICATE_SUFFIX : id, pair.value);
    }
    return line;
  };
}
