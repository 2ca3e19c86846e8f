/**
 * Realistic ~200-byte log lines for the log benchmarks: logfmt application lines with a time,
 * a level, a message from a small vocabulary, ids and durations, so that compressors see what
 * they see in production (repeated keys and words, high-entropy ids), not repeated filler.
 */

const LEVELS = ["info", "info", "info", "info", "debug", "warn", "error"];
const MESSAGES = [
  "request completed",
  "payment accepted",
  "cache miss, loading from database",
  "upstream timeout, retrying",
  "user session refreshed",
  "order shipped to warehouse",
];
const PATHS = [
  "/api/v1/orders",
  "/api/v1/users/me",
  "/api/v1/payments",
  "/healthz",
  "/api/v1/cart",
];

/** A deterministic generator of lines (xorshift, seeded). */
export class LineGenerator {
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }

  /** One line of about 200 bytes (no newline) for time `ms`. */
  line(ms: number): string {
    const r = () => {
      let x = this.state;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.state = x >>> 0;
      return this.state;
    };
    const level = LEVELS[r() % LEVELS.length];
    const msg = MESSAGES[r() % MESSAGES.length];
    const path = PATHS[r() % PATHS.length];
    const id = r().toString(16).padStart(8, "0") + r().toString(16).padStart(8, "0");
    const user = r() % 50_000;
    const status = level === "error" ? 500 : level === "warn" ? 429 : 200;
    const ms3 = (r() % 250_000) / 1000;
    return `ts=${new Date(ms).toISOString()} level=${level} msg="${msg}" method=GET path=${path} status=${status} duration_ms=${ms3} user_id=${user} request_id=${id} service=checkout region=eu-west-1`;
  }

  /** `n` lines with times from `startMs` spaced `stepMs`, newline-terminated, as one string. */
  block(n: number, startMs: number, stepMs: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += `${this.line(startMs + i * stepMs)}\n`;
    return out;
  }
}
