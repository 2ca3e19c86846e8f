/**
 * Syslog lines as files hold them: RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`),
 * RFC 3164 (`[<PRI>]Mmm dd hh:mm:ss HOST TAG[PID]: MSG`, rsyslog's traditional file format),
 * and rsyslog's high-precision file format (3164's layout with an RFC 3339 time), which
 * Debian writes to /var/log/syslog.
 */

/** The parts of one syslog line; "" where the line has none. */
export interface SyslogParts {
  /** Milliseconds since the epoch, NaN when the time could not be read. */
  timeMs: number;
  hostname: string;
  app: string;
  pid: string;
  msgid: string;
  /** 0–7 from PRI, -1 without one (files rarely keep it). */
  severity: number;
  facility: number;
  message: string;
}

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
const RFC5424 =
  /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/s;
const PRI = /^<(\d{1,3})>/;
const BSD_TIME = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) /;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;
const TAG = /^([^\s:[]{1,48})(?:\[([^\]\s]{1,16})\])?: ?/;

/**
 * Parses one line; null when it is none of the three forms. `nowMs` gives RFC 3164's missing
 * year: the current one, or the one before for a time more than a day ahead (December's
 * lines read in January). RFC 3164 times are in the agent's local time zone, as rsyslog wrote them.
 */
export function parseSyslog(line: string, nowMs: number): SyslogParts | null {
  const m = RFC5424.exec(line);
  if (m) return rfc5424(m);
  let rest = line;
  let severity = -1;
  let facility = -1;
  const pri = PRI.exec(rest);
  if (pri) {
    const p = Number(pri[1]);
    if (p > 191) return null;
    [severity, facility] = [p % 8, p >> 3];
    rest = rest.slice(pri[0].length);
  }
  let timeMs = Number.NaN;
  const iso = ISO_TIME.exec(rest);
  const bsd = iso ? null : BSD_TIME.exec(rest);
  if (iso) timeMs = Date.parse(iso[1]);
  else if (bsd) timeMs = bsdTime(bsd, nowMs);
  if (Number.isNaN(timeMs)) return null; // neither time form, or not a month name
  rest = rest.slice((iso ?? bsd)![0].length);
  const sp = rest.indexOf(" ");
  if (sp <= 0) return null;
  const hostname = rest.slice(0, sp);
  rest = rest.slice(sp + 1);
  const tag = TAG.exec(rest);
  const app = tag ? tag[1] : "";
  const pid = tag?.[2] ?? "";
  const message = tag ? rest.slice(tag[0].length) : rest;
  return { timeMs, hostname, app, pid, msgid: "", severity, facility, message };
}

function rfc5424(m: RegExpExecArray): SyslogParts | null {
  const p = Number(m[1]);
  if (p > 191) return null;
  const nil = (v: string) => (v === "-" ? "" : v);
  let message = m[8] ?? "";
  if (message.startsWith("\uFEFF")) message = message.slice(1); // the BOM 5424 allows
  return {
    timeMs: m[2] === "-" ? Number.NaN : Date.parse(m[2]),
    hostname: nil(m[3]),
    app: nil(m[4]),
    pid: nil(m[5]),
    msgid: nil(m[6]),
    severity: p % 8,
    facility: p >> 3,
    message,
  };
}

function bsdTime(m: RegExpExecArray, nowMs: number): number {
  const month = MONTHS.indexOf(m[1]) / 3;
  if (!Number.isInteger(month)) return Number.NaN;
  const at = (year: number) =>
    new Date(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
  const year = new Date(nowMs).getFullYear();
  const t = at(year);
  return t - nowMs > 86_400_000 ? at(year - 1) : t;
}
