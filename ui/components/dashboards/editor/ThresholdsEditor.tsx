/**
 * Thresholds: the base step (no value) and steps of colour from a value up, in absolute
 * values or percentages of min–max; add and remove. Colours are Grafana's names or CSS ones.
 */
import {
  ActionIcon,
  Button,
  ColorInput,
  Group,
  NumberInput,
  SegmentedControl,
  Stack,
  Text,
} from "@mantine/core";
import type { ThresholdStep } from "../../../lib/dashboards/types.ts";

/** Grafana's named colours as they look, for the swatches (a name is stored as typed). */
const NAMED: Readonly<Record<string, string>> = {
  green: "#73BF69",
  "dark-green": "#37872D",
  yellow: "#FADE2A",
  orange: "#FF9830",
  red: "#F2495C",
  "dark-red": "#C4162A",
  blue: "#5794F2",
  purple: "#B877D9",
  text: "#ccccdc",
  transparent: "transparent",
};

interface Props {
  mode: string;
  steps: ThresholdStep[];
  onChange(mode: string, steps: ThresholdStep[]): void;
}

/** The thresholds list. */
export function ThresholdsEditor({ mode, steps, onChange }: Props) {
  const set = (i: number, patch: Partial<ThresholdStep>) =>
    onChange(
      mode,
      steps.map((s, k) => (k === i ? { ...s, ...patch } : s)),
    );
  const add = () => {
    const top = Math.max(0, ...steps.map((s) => s.value ?? 0));
    const base = steps.some((s) => s.value == null) ? [] : [{ value: null, color: "green" }];
    onChange(mode, [...base, ...steps, { value: top + 10, color: "red" }]);
  };
  return (
    <Stack gap={6} data-testid="thresholds">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Thresholds
        </Text>
        <SegmentedControl
          size="xs"
          value={mode}
          onChange={(m) => onChange(m, steps)}
          data={[
            { value: "absolute", label: "Absolute" },
            { value: "percentage", label: "Percentage" },
          ]}
        />
      </Group>
      {steps.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: steps have no identity; the value in the key remounts the uncontrolled number input when a step changes.
        <Group key={`${i}:${s.value}`} gap="xs" wrap="nowrap" data-testid="threshold">
          <ColorInput
            size="xs"
            w={140}
            aria-label={s.value == null ? "Base colour" : `Colour from ${s.value}`}
            value={s.color}
            onChange={(color) => set(i, { color })}
            fixOnBlur={false}
            swatches={Object.values(NAMED).filter((c) => c !== "transparent")}
            leftSection={
              <span
                style={{
                  width: 14,
                  height: 14,
                  borderRadius: 3,
                  background: NAMED[s.color] ?? s.color,
                  border: "1px solid var(--mantine-color-default-border)",
                }}
              />
            }
          />
          {s.value == null ? (
            <Text size="xs" c="dimmed" w={120}>
              Base
            </Text>
          ) : (
            <NumberInput
              size="xs"
              w={120}
              aria-label={`Threshold ${i}`}
              defaultValue={s.value}
              onBlur={(e) => {
                const v = Number(e.currentTarget.value);
                if (e.currentTarget.value !== "" && Number.isFinite(v)) set(i, { value: v });
              }}
            />
          )}
          {s.value != null && (
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove threshold ${s.value}`}
              onClick={() =>
                onChange(
                  mode,
                  steps.filter((_, k) => k !== i),
                )
              }
            >
              ✕
            </ActionIcon>
          )}
        </Group>
      ))}
      <Button variant="default" size="compact-xs" onClick={add} w="fit-content">
        + Add threshold
      </Button>
    </Stack>
  );
}
