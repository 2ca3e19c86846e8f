/**
 * A minimal SMTP server for tests: it accepts every message (no TLS, no auth) and keeps each
 * one's envelope, headers (encoded words decoded) and parts (quoted-printable decoded, line
 * ends back to \n).
 */

/** One received e-mail. */
export interface SunkMail {
  from: string;
  to: string[];
  headers: Record<string, string>;
  /** Part bodies by content type (`text/plain`, `text/html`). */
  parts: Record<string, string>;
}

/** A running SMTP sink. */
export interface SmtpSink {
  /** `host:port`, for `smarthost`. */
  readonly address: string;
  readonly mails: SunkMail[];
  stop(): void;
}

interface Session {
  buffer: string;
  data: string[] | null;
  from: string;
  to: string[];
}

/** Starts the sink on a free port of 127.0.0.1. */
export function startSmtpSink(): SmtpSink {
  const mails: SunkMail[] = [];
  const server = Bun.listen<Session>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(s) {
        s.data = { buffer: "", data: null, from: "", to: [] };
        s.write("220 sink ESMTP\r\n");
      },
      data(s, chunk) {
        s.data.buffer += chunk.toString("latin1");
        let nl = s.data.buffer.indexOf("\r\n");
        while (nl >= 0) {
          const line = s.data.buffer.slice(0, nl);
          s.data.buffer = s.data.buffer.slice(nl + 2);
          const reply = onLine(s.data, line, mails);
          if (reply) s.write(`${reply}\r\n`);
          if (reply?.startsWith("221")) s.end();
          nl = s.data.buffer.indexOf("\r\n");
        }
      },
    },
  });
  return { address: `127.0.0.1:${server.port}`, mails, stop: () => server.stop(true) };
}

function onLine(s: Session, line: string, mails: SunkMail[]): string | undefined {
  if (s.data) {
    if (line !== ".") {
      s.data.push(line.startsWith("..") ? line.slice(1) : line);
      return undefined;
    }
    mails.push({ from: s.from, to: s.to, ...parseMessage(s.data.join("\r\n")) });
    s.data = null;
    s.to = [];
    return "250 queued";
  }
  const verb = line.slice(0, 4).toUpperCase();
  if (verb === "EHLO") return "250-sink\r\n250 8BITMIME";
  if (verb === "MAIL") s.from = /<(.*)>/.exec(line)?.[1] ?? "";
  if (verb === "RCPT") s.to.push(/<(.*)>/.exec(line)?.[1] ?? "");
  if (verb === "DATA") {
    s.data = [];
    return "354 go on";
  }
  if (verb === "QUIT") return "221 bye";
  return "250 ok";
}

/** A received message split into headers and decoded parts. */
export function parseMessage(text: string): Omit<SunkMail, "from" | "to"> {
  const [head = "", ...rest] = text.split("\r\n\r\n");
  const headers = parseHeaders(head);
  const body = rest.join("\r\n\r\n");
  const boundary = /boundary=("?)([^";]+)\1/.exec(headers["Content-Type"] ?? "")?.[2];
  const parts: Record<string, string> = {};
  for (const part of boundary ? body.split(`--${boundary}`).slice(1, -1) : []) {
    const [ph = "", ...pb] = part.replace(/^\r\n/, "").split("\r\n\r\n");
    const h = parseHeaders(ph);
    let content = pb.join("\r\n\r\n").replace(/\r\n$/, "");
    if (/quoted-printable/i.test(h["Content-Transfer-Encoding"] ?? "")) content = qp(content);
    // Text travels with CRLF line ends (Go's quotedprintable writer turns \n into \r\n).
    content = content.replace(/\r\n/g, "\n");
    parts[(h["Content-Type"] ?? "").split(";")[0]!] = content;
  }
  return { headers, parts };
}

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) out[line.slice(0, colon)] = decodeWords(line.slice(colon + 1).trim());
  }
  return out;
}

const bytes = (s: string) => Buffer.from(s, "latin1");

/** RFC 2047 encoded words (`=?utf-8?q?…?=`, `=?utf-8?b?…?=`), adjacent ones joined. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=/g, (_, _cs, enc: string, t: string) =>
      enc.toLowerCase() === "b"
        ? Buffer.from(t, "base64").toString("utf8")
        : qp(t.replace(/_/g, " ")),
    );
}

function qp(text: string): string {
  const raw = text
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return bytes(raw).toString("utf8");
}
