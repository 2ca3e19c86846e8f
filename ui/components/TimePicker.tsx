/**
 * The range picker: quick ranges (5m … 7d) ending now, or the zoomed range with a way back to
 * now. Given `onFromTo`, it also offers a custom range (Grafana's relative `now-6h` … `now/d`,
 * or absolute date-times); given `onTimeZone`, a Local/UTC switch for how times are read and shown.
 */
import {
  Button,
  Group,
  Popover,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { QUICK_RANGES, rangeProblem } from "../lib/time.ts";
import "./TimePicker.css";
import { formatTime, parseTimeExpr, type TimeZone, toDateTimeInput } from "../lib/timeexpr.ts";

interface Props {
  range: string;
  end: number | null;
  onChange(range: string, end: number | null): void;
  /** The custom range's expressions, when one is shown (its `from` set). */
  from?: string | null;
  to?: string | null;
  /** Picks a custom range; without it the picker offers none. */
  onFromTo?(from: string, to: string): void;
  /** How times are read and shown (the browser's zone by default). */
  timeZone?: TimeZone;
  /** Switches the time zone; without it no switch is shown. */
  onTimeZone?(tz: TimeZone): void;
}

/** Picks the range Explore shows. */
export function TimePicker(props: Props) {
  const { range, end, onChange, from = null, to = null, timeZone = "local" } = props;
  const custom = from !== null;
  const options = QUICK_RANGES.includes(range) ? QUICK_RANGES : [range, ...QUICK_RANGES];
  const show = (ms: number) =>
    timeZone === "utc" ? `${formatTime(ms, "utc")} UTC` : new Date(ms).toLocaleString();
  return (
    <Group gap="xs" wrap="nowrap">
      <Select
        aria-label="Time range"
        w={custom ? 130 : 110}
        data={options.map((r) => ({ value: r, label: `Last ${r}` }))}
        value={custom ? null : range}
        placeholder={custom ? `${from} → ${to ?? "now"}` : undefined}
        allowDeselect={false}
        onChange={(r) => r && onChange(r, null)}
      />
      {props.onFromTo && (
        <CustomRange from={from} to={to} timeZone={timeZone} onApply={props.onFromTo} />
      )}
      {!custom && end !== null && (
        <>
          <Text size="sm" c="dimmed" data-testid="range-end">
            to {show(end)}
          </Text>
          <Button variant="subtle" size="xs" onClick={() => onChange(range, null)}>
            Now
          </Button>
        </>
      )}
      {props.onTimeZone && (
        <SegmentedControl
          size="xs"
          aria-label="Time zone"
          data-testid="time-zone"
          value={timeZone}
          onChange={(v) => props.onTimeZone?.(v === "utc" ? "utc" : "local")}
          data={[
            { value: "local", label: "Local" },
            { value: "utc", label: "UTC" },
          ]}
        />
      )}
    </Group>
  );
}

interface CustomProps {
  from: string | null;
  to: string | null;
  timeZone: TimeZone;
  onApply(from: string, to: string): void;
}

/** The custom range's popover: two expressions, or two absolute date-times, checked before use. */
function CustomRange({ from, to, timeZone, onApply }: CustomProps) {
  const [open, setOpen] = useState(false);
  const [fromText, setFrom] = useState(from ?? "now-6h");
  const [toText, setTo] = useState(to ?? "now");
  const [error, setError] = useState<string | null>(null);
  const now = Date.now();
  // The absolute inputs show what the expressions mean now, and write absolute times back.
  const asInput = (text: string, roundUp: boolean) => {
    try {
      return toDateTimeInput(parseTimeExpr(text, now, timeZone, roundUp), timeZone);
    } catch {
      return "";
    }
  };
  const apply = () => {
    try {
      const a = parseTimeExpr(fromText, now, timeZone);
      const b = parseTimeExpr(toText, now, timeZone, true);
      const problem = rangeProblem(fromText, toText, a, b);
      if (problem) throw new RangeError(problem);
      setError(null);
      setOpen(false);
      onApply(fromText.trim(), toText.trim());
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const fromAbsolute = (value: string) =>
    value && setFrom(String(parseTimeExpr(value, now, timeZone)));
  const toAbsolute = (value: string) => value && setTo(String(parseTimeExpr(value, now, timeZone)));
  return (
    <Popover opened={open} onChange={setOpen} position="bottom-start" shadow="md" width={340}>
      <Popover.Target>
        <Button
          variant="default"
          size="sm"
          onClick={() => {
            // Opened afresh on the range shown: the URL may have changed since (back, a link).
            if (!open) {
              setFrom(from ?? "now-6h");
              setTo(to ?? "now");
              setError(null);
            }
            setOpen(!open);
          }}
          data-testid="custom-range"
        >
          Custom…
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <TextInput
            label="From"
            description="now-6h, now/d, now-1d/d, 2026-01-31 13:45"
            value={fromText}
            onChange={(e) => setFrom(e.currentTarget.value)}
            data-testid="range-from"
          />
          <TextInput
            label="To"
            value={toText}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-testid="range-to"
          />
          <Text size="xs" c="dimmed">
            Absolute ({timeZone === "utc" ? "UTC" : "local time"})
          </Text>
          <Stack gap={4}>
            <input
              type="datetime-local"
              step={1}
              aria-label="Absolute start"
              className="op-datetime"
              value={asInput(fromText, false)}
              onChange={(e) => fromAbsolute(e.currentTarget.value)}
            />
            <input
              type="datetime-local"
              step={1}
              aria-label="Absolute end"
              className="op-datetime"
              value={asInput(toText, true)}
              onChange={(e) => toAbsolute(e.currentTarget.value)}
            />
          </Stack>
          {error && (
            <Text size="xs" c="red" data-testid="range-error">
              {error}
            </Text>
          )}
          <Button size="xs" onClick={apply} data-testid="range-apply">
            Apply
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
