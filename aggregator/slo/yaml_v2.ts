/**
 * A YAML writer that lays text out as Go's gopkg.in/yaml.v2 does, so that `outpost slo
 * generate` prints what Sloth prints byte for byte: block sequences not indented under their
 * key, map keys in yaml.v2's natural order, plain scalars folded at column 80, multi-line
 * strings as literal blocks. It writes only what rule files hold: maps, lists and strings.
 */
import { styleOf } from "./yaml_style.ts";

/** A value the writer can lay out; a Map keeps its order, a plain object is sorted. */
export type YamlValue = string | readonly YamlValue[] | YamlMap | Readonly<Record<string, string>>;

/** An ordered mapping, written in insertion order (a struct in Go). */
export type YamlMap = ReadonlyMap<string, YamlValue>;

/** The column past which yaml.v2 folds a long plain or quoted scalar at a space. */
const WIDTH = 80;

/**
 * Orders map keys as yaml.v2 does: letters after other characters, runs of digits compared
 * as numbers (`a2` before `a10`).
 */
export function compareKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = /\p{L}/u.test(ar[i]!);
    const bl = /\p{L}/u.test(br[i]!);
    if (al && bl) return ar[i]! < br[i]! ? -1 : 1;
    if (al || bl) return bl ? -1 : 1;
    return compareDigits(ar, br, i);
  }
  return ar.length - br.length;
}

function compareDigits(ar: string[], br: string[], i: number): number {
  const digit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  let an = 0;
  let bn = 0;
  if (ar[i] === "0" || br[i] === "0") {
    for (let j = i - 1; j >= 0 && digit(ar[j]); j--) {
      if (ar[j] !== "0") {
        an = bn = 1;
        break;
      }
    }
  }
  let ai = i;
  let bi = i;
  for (; digit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
  for (; digit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
  if (an !== bn) return an - bn;
  if (ai !== bi) return ai - bi;
  return ar[i]! < br[i]! ? -1 : 1;
}

/** Writes a document whose root is a mapping, ending with a newline. */
export function toYamlV2(root: YamlMap): string {
  const out = new Writer();
  out.mapping(root, 0, false);
  return `${out.text}\n`;
}

class Writer {
  text = "";
  private column = 0;

  private put(s: string): void {
    this.text += s;
    this.column += [...s].length;
  }

  private newline(indent: number): void {
    this.text += `\n${" ".repeat(indent)}`;
    this.column = indent;
  }

  /** Writes entries at `indent`; `inline` when the first key follows a `- ` already written. */
  mapping(map: YamlValue, indent: number, inline: boolean): void {
    const entries = entriesOf(map);
    entries.forEach(([key, value], i) => {
      if (i > 0 || !inline) {
        if (this.text !== "") this.newline(indent);
      }
      this.scalar(key, indent, true);
      this.put(":");
      this.value(value, indent);
    });
  }

  private value(value: YamlValue, indent: number): void {
    if (typeof value === "string") {
      this.put(" ");
      this.scalar(value, indent, false);
    } else if (Array.isArray(value)) {
      if (value.length === 0) {
        this.put(" []");
        return;
      }
      for (const item of value as YamlValue[]) {
        this.newline(indent);
        this.put("- ");
        if (typeof item === "string") this.scalar(item, indent + 2, false);
        else this.mapping(item, indent + 2, true);
      }
    } else if (entriesOf(value).length === 0) this.put(" {}");
    else this.mapping(value, indent + 2, false);
  }

  /** Writes a scalar whose continuation lines indent two past the mapping at `indent`. */
  private scalar(s: string, indent: number, key: boolean): void {
    const style = styleOf(s, key);
    const inner = indent + 2;
    if (style === "literal") this.literal(s, inner);
    else if (style === "plain") this.folded(s, inner, !key, "");
    else if (style === "single") {
      this.put("'");
      this.folded(s.replaceAll("'", "''"), inner, !key, "'");
      this.put("'");
    } else {
      this.put('"');
      this.folded(escapeDouble(s), inner, !key, '"');
      this.put('"');
    }
  }

  /** Writes words, breaking at a single space once past column 80, as libyaml does. */
  private folded(s: string, indent: number, breaks: boolean, quote: string): void {
    const chars = [...s];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c !== " ") {
        this.put(c);
        spaces = false;
        continue;
      }
      const inside = quote === "" || (i > 0 && i < chars.length - 1);
      if (breaks && !spaces && this.column > WIDTH && inside && chars[i + 1] !== " ") {
        this.newline(indent);
      } else this.put(c);
      spaces = true;
    }
  }

  /** A `|` block: `|-` without a final newline, `|+` with more than one. */
  private literal(s: string, indent: number): void {
    let header = "|";
    if (s.startsWith(" ") || s.startsWith("\n")) header += "2";
    if (!s.endsWith("\n")) header += "-";
    else if (s === "\n" || s.endsWith("\n\n")) header += "+";
    this.put(header);
    const lines = s.endsWith("\n") ? s.slice(0, -1).split("\n") : s.split("\n");
    for (const line of lines) {
      if (line === "") {
        this.text += "\n";
        this.column = 0;
      } else {
        this.newline(indent);
        this.put(line);
      }
    }
  }
}

function entriesOf(map: YamlValue): [string, YamlValue][] {
  if (map instanceof Map) return [...map.entries()];
  return Object.entries(map as Record<string, string>).sort(([a], [b]) => compareKeys(a, b));
}

const ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\x85": "\\N",
  "\xa0": "\\_",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

/** The body of a double-quoted scalar, escaped as libyaml escapes it. */
function escapeDouble(s: string): string {
  let out = "";
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (ESCAPES[c] !== undefined) out += ESCAPES[c];
    else if (code < 0x20 || code === 0x7f || code === 0xfeff)
      out += `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += c;
  }
  return out;
}
