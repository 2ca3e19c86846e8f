/**
 * The bytes of an e-mail as Alertmanager writes them: every header (values Q-encoded as Go's
 * mime.QEncoding does when they are not plain ASCII), `Message-Id`, `Date`, a
 * multipart/alternative body with the text part first and the HTML part last (the preferred
 * alternative, RFC 2046 5.1.4), both quoted-printable, CRLF line ends throughout.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { EmailMessage } from "../email.ts";

const WORD_START = "=?utf-8?q?";
/** Go's limit on an encoded word, the delimiters included. */
const MAX_WORD = 75;

/** A header value as Go's mime.QEncoding.Encode("utf-8", v) writes it. */
export function qEncode(value: string): string {
  if (!/[^\t\x20-\x7e]/.test(value)) return value;
  const room = MAX_WORD - WORD_START.length - 2;
  const words: string[] = [];
  let word = "";
  for (const char of value) {
    let encoded = "";
    for (const byte of Buffer.from(char, "utf8")) {
      if (byte === 0x20) encoded += "_";
      else if (byte > 0x20 && byte <= 0x7e && byte !== 0x3d && byte !== 0x3f && byte !== 0x5f)
        encoded += String.fromCharCode(byte);
      else encoded += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
    if (word.length + encoded.length > room) {
      words.push(word);
      word = "";
    }
    word += encoded;
  }
  words.push(word);
  return words.map((w) => `${WORD_START}${w}?=`).join(" ");
}

/** `text` quoted-printable with CRLF line ends and lines of at most 76 characters. */
export function quotedPrintable(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      const bytes = Buffer.from(line, "utf8");
      let out = "";
      let width = 0;
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const plain =
          (b >= 0x21 && b <= 0x7e && b !== 0x3d) || ((b === 0x20 || b === 0x09) && !last);
        const piece = plain
          ? String.fromCharCode(b)
          : `=${b.toString(16).toUpperCase().padStart(2, "0")}`;
        // A soft break (`=`) keeps the line at 76, leaving room for it.
        if (width + piece.length > 75) {
          out += "=\r\n";
          width = 0;
        }
        out += piece;
        width += piece.length;
      });
      return out;
    })
    .join("\r\n");
}

/** RFC 1123 with a numeric zone, as Go's time.RFC1123Z (in UTC). */
export function rfc1123z(date: Date): string {
  const s = date.toUTCString(); // "Tue, 05 Mar 2024 10:00:00 GMT"
  return s.replace("GMT", "+0000");
}

/** The message as it goes after DATA, before dot-stuffing. */
export function writeMessage(m: EmailMessage, now: Date = new Date()): string {
  const boundary = randomBytes(30).toString("hex");
  const lines: string[] = [];
  for (const [name, value] of Object.entries(m.headers)) lines.push(`${name}: ${qEncode(value)}`);
  const id = `<${BigInt(now.getTime()) * 1_000_000n}.${randomBytes(8).readBigUInt64BE()}@${hostname()}>`;
  lines.push(`Message-Id: ${id}`, `Date: ${rfc1123z(now)}`);
  lines.push(`Content-Type: multipart/alternative;  boundary=${boundary}`, "MIME-Version: 1.0", "");
  const parts: string[] = [];
  for (const [type, body] of [
    ["text/plain", m.text],
    ["text/html", m.html],
  ] as const) {
    if (body === undefined) continue;
    parts.push(
      `Content-Transfer-Encoding: quoted-printable\r\nContent-Type: ${type}; charset=UTF-8\r\n\r\n${quotedPrintable(body)}`,
    );
  }
  const body = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("");
  return `${lines.join("\r\n")}\r\n${body}--${boundary}--\r\n`;
}

/** `message` as the DATA command carries it: lines starting with "." doubled, then ".". */
export function dotStuff(message: string): string {
  const body = message.endsWith("\r\n") ? message : `${message}\r\n`;
  return `${body.replace(/^\./gm, "..")}.\r\n`;
}
