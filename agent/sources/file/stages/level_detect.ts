/**
 * Log level detection after Loki's `detected_level`: a level field's value is normalised
 * (`WARNING`, `wrn`, `W`, `40` → `warn`), and a line without one is scanned for a level word
 * standing on its own (`[ERROR]`, `level=warn`, `panic:`). Results are Loki's names: trace,
 * debug, info, warn, error, critical, fatal.
 */

/** Field values by lower-case spelling, after the logging libraries people use. */
const FIELD_VALUES: Readonly<Record<string, string>> = {
  trace: "trace",
  trc: "trace",
  trce: "trace", // .NET console
  t: "trace",
  verbose: "trace", // Serilog
  finest: "trace", // java.util.logging
  finer: "trace",
  debug: "debug",
  dbg: "debug",
  dbug: "debug",
  d: "debug",
  fine: "debug",
  info: "info",
  inf: "info",
  information: "info",
  informational: "info",
  notice: "info", // syslog
  i: "info",
  warn: "warn",
  warning: "warn",
  wrn: "warn",
  w: "warn",
  error: "error",
  err: "error",
  eror: "error",
  fail: "error",
  severe: "error",
  e: "error",
  critical: "critical",
  crit: "critical",
  alert: "critical",
  emerg: "critical",
  emergency: "critical",
  fatal: "fatal",
  panic: "fatal",
  dpanic: "fatal", // zap
  f: "fatal",
  // syslog severities (GELF, journald) and pino/bunyan's numbers: the two ranges do not overlap.
  "0": "critical",
  "1": "critical",
  "2": "critical",
  "3": "error",
  "4": "warn",
  "5": "info",
  "6": "info",
  "7": "debug",
  "10": "trace",
  "20": "debug",
  "30": "info",
  "40": "warn",
  "50": "error",
  "60": "fatal",
};

/** The normalised level a field value names, or undefined when it names none. */
export function normaliseLevel(value: string): string | undefined {
  const direct = FIELD_VALUES[value];
  if (direct !== undefined && Object.hasOwn(FIELD_VALUES, value)) return direct;
  const lower = value.trim().toLowerCase();
  return Object.hasOwn(FIELD_VALUES, lower) ? FIELD_VALUES[lower] : undefined;
}

/**
 * Level words a line scan accepts, standing alone (not inside a longer word: `error_count`,
 * `terror`), in any case. Rarer spellings (`alert`, `notice`) are too common in prose. A
 * regex, because the engine's search beats any character loop written in JavaScript.
 */
const LINE_WORDS =
  /(?<![\p{L}\p{N}_])(trace|debug|info|warn|warning|error|err|critical|crit|fatal|panic)(?![\p{L}\p{N}_])/iu;

/** Level of each word LINE_WORDS matches, by its lower-case spelling. */
const LINE_LEVELS: Readonly<Record<string, string>> = {
  trace: "trace",
  debug: "debug",
  info: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  err: "error",
  critical: "critical",
  crit: "critical",
  fatal: "fatal",
  panic: "fatal",
};

/** klog/glog's header letter (`E0312 10:04:05.123456 …`). */
const KLOG: Readonly<Record<string, string>> = { I: "info", W: "warn", E: "error", F: "fatal" };

/**
 * The level of the first level word in `line`, or undefined. The leftmost word wins because
 * logs put the level before the message (Loki instead tries words in a fixed order).
 */
export function scanLevel(line: string): string | undefined {
  if (line.length > 5 && Object.hasOwn(KLOG, line[0]) && isKlogDate(line)) return KLOG[line[0]];
  const match = LINE_WORDS.exec(line);
  return match === null ? undefined : LINE_LEVELS[match[1].toLowerCase()];
}

function isKlogDate(line: string): boolean {
  for (let i = 1; i <= 4; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return line[5] === " ";
}
