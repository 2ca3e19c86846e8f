/**
 * Where a JSON text first goes wrong, as line and column. Engines word `JSON.parse` errors
 * differently (JavaScriptCore gives no position at all), so the import dialog finds the
 * position itself with this small scanner, run only after `JSON.parse` has refused the text.
 */

/** The first error of a JSON text: a message naming what was expected and where. */
export interface JsonError {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  offset: number;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly what: string,
  ) {
    super(what);
  }
}

const WS = new Set([" ", "\t", "\n", "\r"]);
const LITERALS = ["true", "false", "null"];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Scans `text` as JSON; the first error found, or undefined when it is valid. */
export function findJsonError(text: string): JsonError | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && WS.has(text[i] as string)) i++;
  };
  const found = (): string =>
    i >= text.length ? "the end of the text" : JSON.stringify(text[i] as string);
  const fail = (expected: string): never => {
    throw new Stop(i, `expected ${expected}, found ${found()}`);
  };
  const str = () => {
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail("a closed string (control characters must be escaped)");
      if (text[i] === "\\") {
        const e = text[i + 1] ?? "";
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i++;
            fail("four hex digits after \\u");
          }
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e) || e === "") {
          i++;
          fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)');
        }
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= text.length) fail('a closing "');
    i++;
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail("less nesting");
    ws();
    const c = text[i];
    if (c === "{") container(depth, "}", true);
    else if (c === "[") container(depth, "]", false);
    else if (c === '"') str();
    else literal();
  };
  const literal = (): void => {
    for (const lit of LITERALS)
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text) !== null) {
      i = NUMBER.lastIndex;
      return;
    }
    fail("a value");
  };
  const container = (depth: number, close: string, object: boolean): void => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      if (object) {
        ws();
        if (text[i] !== '"') fail("a property name in double quotes");
        str();
        ws();
        if (text[i] !== ":") fail('":"');
        i++;
      }
      value(depth + 1);
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(`"," or "${close}"`);
    }
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail("the end of the text");
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    return { message: err.what, offset: err.offset, ...lineColumn(text, err.offset) };
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = text.indexOf("\n"); k >= 0 && k < offset; k = text.indexOf("\n", k + 1)) {
    line++;
    start = k + 1;
  }
  return { line, column: offset - start + 1 };
}
