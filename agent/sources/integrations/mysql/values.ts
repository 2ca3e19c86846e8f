/**
 * mysqld_exporter 0.14's `parseStatus`: how a value of SHOW GLOBAL STATUS / VARIABLES /
 * SLAVE STATUS becomes a number, or is skipped. Kept exact, so the same variables turn into
 * families here as there (a value Go's ParseFloat refuses is silently left out there too).
 */

const WORDS: Readonly<Record<string, number>> = {
  yes: 1,
  on: 1,
  no: 0,
  off: 0,
  disabled: 0,
  // Slave_IO_Running: a replica still connecting is not running.
  connecting: 0,
  // wsrep_cluster_status.
  primary: 1,
  "non-primary": 0,
  disconnected: 0,
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Go's "Jan 02 15:04:05 2006 MST" (Ssl_server_not_after): a zone abbreviation Go does not know counts as UTC. */
const SSL_TIME = /^([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) [A-Z]{3,4}$/;
/** Go's "2006-01-02 15:04:05", read as UTC. */
const SQL_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
/** The decimal forms strconv.ParseFloat accepts (hex floats never occur in these tables). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL = /^[+-]?(inf|infinity|nan)$/i;

/** The number a status or variable value stands for, or null when the exporter skips it. */
export function parseStatus(text: string): number | null {
  const word = WORDS[text.toLowerCase()];
  if (word !== undefined) return word;
  const ssl = SSL_TIME.exec(text);
  if (ssl) {
    const month = MONTHS.indexOf(ssl[1]);
    if (month >= 0) return utc(+ssl[6], month, +ssl[2], +ssl[3], +ssl[4], +ssl[5]);
  }
  const sql = SQL_TIME.exec(text);
  if (sql) return utc(+sql[1], +sql[2] - 1, +sql[3], +sql[4], +sql[5], +sql[6]);
  if (DECIMAL.test(text)) return Number(text);
  if (SPECIAL.test(text))
    return text.toLowerCase().includes("nan")
      ? Number.NaN
      : Number(text.replace(/inf(inity)?/i, "Infinity"));
  return null;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return Date.UTC(y, mo, d, h, mi, s) / 1000;
}
