/**
 * The panel editor's main field options: unit (Grafana's common unit ids offered and
 * searchable, any other id typed), decimals, min and max.
 */
import {
  Autocomplete,
  type ComboboxItem,
  Group,
  NumberInput,
  SimpleGrid,
  Text,
} from "@mantine/core";
import { UNITS } from "../../../lib/dashboards/panel_edit.ts";

interface Props {
  unit: string;
  decimals: number | null;
  min: number | null;
  max: number | null;
  onChange(patch: {
    unit?: string;
    decimals?: number | null;
    min?: number | null;
    max?: number | null;
  }): void;
}

const LABELS = new Map(UNITS.map((u) => [u.value, u.label]));

/** A number or null from a NumberInput's value ("" is none). */
const numberOrNull = (v: string | number): number | null =>
  v === "" || v === "-" || !Number.isFinite(Number(v)) ? null : Number(v);

/** Unit, decimals, min, max. */
export function FieldOptions({ unit, decimals, min, max, onChange }: Props) {
  return (
    <SimpleGrid cols={2} spacing="xs" verticalSpacing="xs">
      <Autocomplete
        label="Unit"
        placeholder="short, bytes, s, …"
        data={UNITS.map((u) => u.value)}
        value={unit}
        onChange={(v) => onChange({ unit: v })}
        filter={({ options, search }) => {
          const q = search.toLowerCase();
          return (options as ComboboxItem[]).filter(
            (o) =>
              o.value.toLowerCase().includes(q) ||
              (LABELS.get(o.value) ?? "").toLowerCase().includes(q),
          );
        }}
        renderOption={({ option }) => (
          <Group gap={6} wrap="nowrap">
            <Text size="sm" ff="monospace">
              {option.value}
            </Text>
            <Text size="xs" c="dimmed">
              {LABELS.get(option.value)}
            </Text>
          </Group>
        )}
        comboboxProps={{ withinPortal: true }}
      />
      <NumberInput
        label="Decimals"
        placeholder="auto"
        min={0}
        max={20}
        allowDecimal={false}
        value={decimals ?? ""}
        onChange={(v) => onChange({ decimals: numberOrNull(v) })}
      />
      <NumberInput
        label="Min"
        placeholder="auto"
        value={min ?? ""}
        onChange={(v) => onChange({ min: numberOrNull(v) })}
      />
      <NumberInput
        label="Max"
        placeholder="auto"
        value={max ?? ""}
        onChange={(v) => onChange({ max: numberOrNull(v) })}
      />
    </SimpleGrid>
  );
}
