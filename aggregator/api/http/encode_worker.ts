/**
 * The JSON-encoding helper thread (encode_helper.ts): writes the series it is sent (HTML-safe
 * as they are written) as UTF-8 bytes handed back without a copy: straight as bytes, or as
 * strings encoded afterwards when the reference writer is asked for (`strings`).
 */
import { seriesListJson } from "./format.ts";
import { seriesListBytes } from "./series_bytes.ts";

declare const self: Worker;

const encoder = new TextEncoder();

self.onmessage = (event: MessageEvent) => {
  const { id, series, strings } = event.data;
  try {
    const bytes = strings ? encoder.encode(seriesListJson(series)) : seriesListBytes(series);
    self.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
