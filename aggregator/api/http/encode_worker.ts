/**
 * The JSON-encoding helper thread (encode_helper.ts): writes the series it is sent (HTML-safe
 * as they are written) as UTF-8 bytes handed back without a copy.
 */
import { seriesListJson } from "./format.ts";

declare const self: Worker;

const encoder = new TextEncoder();

self.onmessage = (event: MessageEvent) => {
  const { id, series } = event.data;
  try {
    const bytes = encoder.encode(seriesListJson(series));
    self.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
