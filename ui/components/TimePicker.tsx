/** The range picker: quick ranges (5m … 7d) ending now, or the zoomed range with a way back to now. */
import { Button, Group, Select, Text } from "@mantine/core";
import { QUICK_RANGES } from "../lib/time.ts";

interface Props {
  range: string;
  end: number | null;
  onChange(range: string, end: number | null): void;
}

/** Picks the range Explore shows. */
export function TimePicker({ range, end, onChange }: Props) {
  const options = QUICK_RANGES.includes(range) ? QUICK_RANGES : [range, ...QUICK_RANGES];
  return (
    <Group gap="xs" wrap="nowrap">
      <Select
        aria-label="Time range"
        w={110}
        data={options.map((r) => ({ value: r, label: `Last ${r}` }))}
        value={range}
        allowDeselect={false}
        onChange={(r) => r && onChange(r, null)}
      />
      {end !== null && (
        <>
          <Text size="sm" c="dimmed" data-testid="range-end">
            to {new Date(end).toLocaleString()}
          </Text>
          <Button variant="subtle" size="xs" onClick={() => onChange(range, null)}>
            Now
          </Button>
        </>
      )}
    </Group>
  );
}
