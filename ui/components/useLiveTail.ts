/**
 * A LogsService.Tail stream while switched on: its lines newest first (the newest `LIVE_KEEP`
 * kept). Paused, arriving lines are held back (at most `HELD_CAP`, the oldest dropped beyond
 * it, counted) and go on top at resume.
 */
import { useEffect, useRef, useState } from "react";
import { logsClient, messageOf } from "../api/client.ts";
import { flattenLines, holdLines, type LogLine } from "../lib/logs.ts";

/** Live lines kept on top of the queried ones. */
export const LIVE_KEEP = 5000;
/** Lines held back while paused; older held lines are dropped beyond it. */
export const HELD_CAP = 5000;
const NS_PER_MS = 1_000_000n;

/** What the page shows of a tail and how it drives it. */
export interface LiveTail {
  on: boolean;
  setOn(on: boolean): void;
  paused: boolean;
  setPaused(paused: boolean): void;
  lines: LogLine[];
  error: string | null;
  /** Lines held back while paused. */
  held: number;
  /** Held lines dropped because more than HELD_CAP arrived while paused. */
  dropped: number;
}

/** Tails `query` while on and enabled; a new query closes the tail and opens another. */
export function useLiveTail(query: string, enabled: boolean): LiveTail {
  const [on, setOn] = useState(false);
  const [paused, setPaused] = useState(false);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const held = useRef<LogLine[]>([]);
  const [counts, setCounts] = useState({ held: 0, dropped: 0 });
  const dropped = useRef(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    setLines([]);
    held.current = [];
    dropped.current = 0;
    setCounts({ held: 0, dropped: 0 });
    setError(null);
    if (!on || !enabled) return;
    const abort = new AbortController();
    let batch = 0;
    (async () => {
      try {
        const startNs = BigInt(Date.now()) * NS_PER_MS;
        for await (const msg of logsClient.tail(
          { query, startNs, limit: 0 },
          { signal: abort.signal },
        )) {
          const fresh = flattenLines(msg.streams, `live${batch++}:`);
          if (fresh.length === 0) continue;
          if (pausedRef.current) {
            const { kept, dropped: lost } = holdLines(held.current, fresh, HELD_CAP);
            dropped.current += lost;
            held.current = kept;
            setCounts({ held: kept.length, dropped: dropped.current });
          } else setLines((prev) => [...fresh, ...prev].slice(0, LIVE_KEEP));
        }
      } catch (err) {
        if (!abort.signal.aborted) setError(messageOf(err));
      }
    })();
    return () => abort.abort();
  }, [on, enabled, query]);

  // Resuming puts the held lines on top.
  useEffect(() => {
    if (paused || held.current.length === 0) return;
    const h = held.current;
    held.current = [];
    dropped.current = 0;
    setCounts({ held: 0, dropped: 0 });
    setLines((prev) => [...h, ...prev].slice(0, LIVE_KEEP));
  }, [paused]);

  return { on, setOn, paused, setPaused, lines, error, ...counts };
}
