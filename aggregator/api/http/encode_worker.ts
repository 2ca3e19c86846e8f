/**
 * The JSON-encoding helper thread (encode_helper.ts): writes the series it is sent, HTML-safe,
 * as UTF-8 bytes handed back without a copy.
 */
import { seriesListJson } from "./format.ts";
import { htmlSafe } from "./respond.ts";

declare const self: Worker;

const encoder = new TextEncoder();

self.onmessage = (event: MessageEvent) => {
  const { id, series } = event.data;
  try {
    const bytes = encoder.encode(htmlSafe(seriesListJson(series)));
    self.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
