/**
 * The legend of a time series panel: shown as a list or a table, or hidden; at the bottom or
 * on the right; with which calculations (Grafana's reducer ids) beside each series.
 */
import { Group, MultiSelect, SegmentedControl, Stack, Text } from "@mantine/core";
import type { LegendForm } from "../../../lib/dashboards/panel_edit_fields.ts";
import { REDUCERS } from "../../../lib/dashboards/reduce.ts";

interface Props {
  legend: LegendForm;
  onChange(legend: LegendForm): void;
}

const CALCS = Object.entries(REDUCERS).map(([value, label]) => ({ value, label }));

/** Legend mode, placement and calcs. */
export function LegendOptions({ legend, onChange }: Props) {
  const set = (patch: Partial<LegendForm>) => onChange({ ...legend, ...patch });
  return (
    <Stack gap={6} data-testid="legend-options">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Legend
        </Text>
        <SegmentedControl
          size="xs"
          aria-label="Legend mode"
          value={legend.displayMode}
          onChange={(v) => set({ displayMode: v as LegendForm["displayMode"] })}
          data={[
            { value: "list", label: "List" },
            { value: "table", label: "Table" },
            { value: "hidden", label: "Hidden" },
          ]}
        />
      </Group>
      {legend.displayMode !== "hidden" && (
        <>
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              Placement
            </Text>
            <SegmentedControl
              size="xs"
              aria-label="Legend placement"
              value={legend.placement}
              onChange={(v) => set({ placement: v as LegendForm["placement"] })}
              data={[
                { value: "bottom", label: "Bottom" },
                { value: "right", label: "Right" },
              ]}
            />
          </Group>
          <MultiSelect
            size="xs"
            label="Values"
            placeholder="Last *, Mean, Max, …"
            data={CALCS}
            value={legend.calcs}
            onChange={(calcs) => set({ calcs })}
            searchable
            clearable
          />
        </>
      )}
    </Stack>
  );
}
