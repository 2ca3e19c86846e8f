/**
 * The dashboard's top bar: title, the time picker (Explore's, fed Grafana's `from`/`to`), the
 * refresh interval (off, 5s … 5m) and a refresh button, the Edit toggle, and in edit mode
 * "Add panel" and "Save".
 */
import { Button, Group, Select, Text, Title } from "@mantine/core";
import { useEffect } from "react";
import { describeRange, type RawTimeRange } from "../../lib/dashboards/timerange.ts";
import { formatDuration, parseDuration } from "../../lib/time.ts";
import { pageTitle } from "../../lib/title.ts";
import { TimePicker } from "../TimePicker.tsx";

/** The refresh intervals offered. */
export const REFRESH_CHOICES = ["", "5s", "10s", "30s", "1m", "5m"];

interface Props {
  title: string;
  raw: RawTimeRange;
  range: { from: number; to: number };
  refresh: string;
  editing: boolean;
  dirty: boolean;
  onTime(raw: RawTimeRange): void;
  onRefresh(every: string): void;
  onRefreshNow(): void;
  onEditing(on: boolean): void;
  onAddPanel(): void;
  onSave(): void;
}

/** `now-X` … `now` as TimePicker's range ending now; anything else as its length ending at `to`. */
function pickerState(raw: RawTimeRange, range: { from: number; to: number }) {
  const m = /^now-(\d+[smhdw])$/.exec(raw.from);
  if (m && raw.to === "now") return { range: m[1], end: null };
  return { range: formatDuration(range.to - range.from), end: range.to };
}

/** TimePicker's choice as Grafana's from/to; a compound length (`1h30m`) in seconds, which Grafana reads. */
function pickedRange(range: string, end: number | null, lengthMs: number): RawTimeRange {
  const ms = parseDuration(range) ?? lengthMs;
  const rel = /^\d+[smhdw]$/.test(range) ? range : `${Math.round(ms / 1000)}s`;
  return end === null
    ? { from: `now-${rel}`, to: "now" }
    : { from: String(end - ms), to: String(end) };
}

/** The dashboard's top bar. */
export function Toolbar(p: Props) {
  const picker = pickerState(p.raw, p.range);
  // The tab names the dashboard, not "Dashboards" (the shell's title, set before this effect).
  useEffect(() => {
    document.title = pageTitle(p.title);
  }, [p.title]);
  const refreshData = REFRESH_CHOICES.includes(p.refresh)
    ? REFRESH_CHOICES
    : [...REFRESH_CHOICES, p.refresh];
  return (
    <Group justify="space-between" wrap="wrap" gap="xs">
      <Group gap="xs" wrap="nowrap">
        <Title order={1} size="h3" data-testid="dashboard-title">
          {p.title}
        </Title>
        {p.dirty && (
          <Text size="xs" c="dimmed">
            (unsaved changes)
          </Text>
        )}
      </Group>
      <Group gap="xs" wrap="wrap">
        {picker.end !== null && (
          <Text size="xs" c="dimmed">
            {describeRange(p.raw)}
          </Text>
        )}
        <TimePicker
          range={picker.range}
          end={picker.end}
          onChange={(range, end) => p.onTime(pickedRange(range, end, p.range.to - p.range.from))}
        />
        <Select
          aria-label="Refresh every"
          w={90}
          data={refreshData.map((r) => ({
            value: r === "" ? "off" : r,
            label: r === "" ? "Off" : r,
          }))}
          value={p.refresh === "" ? "off" : p.refresh}
          allowDeselect={false}
          onChange={(v) => v !== null && p.onRefresh(v === "off" ? "" : v)}
        />
        <Button variant="default" onClick={p.onRefreshNow}>
          Refresh
        </Button>
        {p.editing && (
          <>
            <Button variant="default" onClick={p.onAddPanel}>
              Add panel
            </Button>
            <Button onClick={p.onSave}>Save</Button>
          </>
        )}
        <Button
          variant={p.editing ? "filled" : "default"}
          color={p.editing ? "gray" : undefined}
          onClick={() => p.onEditing(!p.editing)}
        >
          {p.editing ? "Done" : "Edit"}
        </Button>
      </Group>
    </Group>
  );
}
