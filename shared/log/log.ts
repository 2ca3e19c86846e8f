/**
 * Structured logging: one logfmt line per event on stderr, so that a log agent (Outpost's own,
 * later) can parse it. `component` names the emitter; fields carry the details.
 */

type Fields = Readonly<Record<string, string | number | boolean | undefined>>;
type Level = "debug" | "info" | "warn" | "error";

const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: Level =
  (process.env.OUTPOST_LOG_LEVEL as Level) in order
    ? (process.env.OUTPOST_LOG_LEVEL as Level)
    : "info";

/** Sets the minimum level that is written. */
export function setLogLevel(level: Level): void {
  threshold = level;
}

function quote(v: string): string {
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
}

function write(level: Level, component: string, msg: string, fields: Fields): void {
  if (order[level] < order[threshold]) return;
  let line = `ts=${new Date().toISOString()} level=${level} component=${component} msg=${quote(msg)}`;
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined) line += ` ${k}=${quote(String(v))}`;
  process.stderr.write(`${line}\n`);
}

/** A logger bound to one component. */
export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

/** `log` with `fields` added to every line (a line's own fields win). */
export function withFields(log: Logger, fields: Fields): Logger {
  return {
    debug: (m, f = {}) => log.debug(m, { ...fields, ...f }),
    info: (m, f = {}) => log.info(m, { ...fields, ...f }),
    warn: (m, f = {}) => log.warn(m, { ...fields, ...f }),
    error: (m, f = {}) => log.error(m, { ...fields, ...f }),
  };
}

/** Returns a logger whose lines carry `component=<name>`. */
export function logger(component: string): Logger {
  return {
    debug: (m, f = {}) => write("debug", component, m, f),
    info: (m, f = {}) => write("info", component, m, f),
    warn: (m, f = {}) => write("warn", component, m, f),
    error: (m, f = {}) => write("error", component, m, f),
  };
}
