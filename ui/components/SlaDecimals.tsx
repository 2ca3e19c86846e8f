/**
 * The SLA decimals setting (2–5, default 3), kept in localStorage and shared by every SLA on
 * the Uptime pages: a change in the picker re-renders them all at once.
 */
import { Select } from "@mantine/core";
import { useSyncExternalStore } from "react";
import { readSlaDecimals, SLA_DECIMALS } from "../lib/uptime.ts";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The chosen SLA decimals. */
export function useSlaDecimals(): number {
  return useSyncExternalStore(subscribe, () =>
    readSlaDecimals(localStorage.getItem(SLA_DECIMALS.key)),
  );
}

const CHOICES = [2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n} decimals` }));

/** The picker. */
export function SlaDecimalsPicker() {
  const decimals = useSlaDecimals();
  return (
    <Select
      size="xs"
      w={120}
      aria-label="SLA decimals"
      data={CHOICES}
      value={String(decimals)}
      allowDeselect={false}
      onChange={(v) => {
        localStorage.setItem(SLA_DECIMALS.key, v ?? String(SLA_DECIMALS.fallback));
        for (const l of listeners) l();
      }}
    />
  );
}
