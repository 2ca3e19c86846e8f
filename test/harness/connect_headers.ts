/** A Connect transport to `baseUrl` that sends `headers` with every call (credentials, tenant). */
import { createConnectTransport } from "@connectrpc/connect-web";

export function transportWithHeaders(baseUrl: string, headers: Readonly<Record<string, string>>) {
  return createConnectTransport({
    baseUrl,
    interceptors: [
      (next) => (req) => {
        for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
        return next(req);
      },
    ],
  });
}
