/**
 * Free TCP ports for test servers. The port is only known to be free at the moment it is
 * returned; callers start their server right away to keep the race window small.
 */

import { createServer } from "node:net";

/** Returns a TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("Cannot find a free port: the listener has no TCP address"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
