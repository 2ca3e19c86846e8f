/**
 * One command on HAProxy's stats socket (its CLI): connect, send the command line, read until
 * HAProxy closes the connection (it does after one non-interactive command), capped in size.
 */
import { MAX_STATUS_BYTES } from "../status_page.ts";

/** Sends `command` to the Unix socket at `path`; the answer, or an error naming the socket. */
export function socketCommand(path: string, command: string, timeoutMs: number): Promise<string> {
  const fail = (why: string) => new Error(`Cannot ask HAProxy's stats socket ${path}: ${why}`);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const timer = setTimeout(() => {
      finish(fail(`timed out after ${timeoutMs} ms`));
      socket?.then(
        (s) => s.end(),
        () => {},
      );
    }, timeoutMs);
    const socket = Bun.connect({
      unix: path,
      socket: {
        open(s) {
          s.write(`${command}\n`);
        },
        data(s, chunk) {
          size += chunk.byteLength;
          if (size > MAX_STATUS_BYTES) {
            finish(fail(`the answer is larger than ${MAX_STATUS_BYTES} bytes`));
            s.end();
            return;
          }
          chunks.push(new Uint8Array(chunk));
        },
        close() {
          finish(null);
        },
        error(_s, err) {
          finish(fail(err.message));
        },
      },
    });
    socket.catch((err: Error) => finish(fail(err.message)));
  });
}
