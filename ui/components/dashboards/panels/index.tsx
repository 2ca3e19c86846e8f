/** Placeholder for the panel renderers (D2's branch replaces this file): says how many series came back. */
import { Center, Text } from "@mantine/core";
import type { PanelProps } from "../../../lib/dashboards/types.ts";

/** Draws a panel's data; this placeholder only counts it. */
export function PanelBody({ data }: PanelProps) {
  const n = data.series.length + (data.logs?.length ?? 0);
  return (
    <Center h="100%">
      <Text size="sm" c="dimmed" data-testid={n > 0 ? "panel-has-data" : "panel-no-data"}>
        {n > 0 ? `${data.series.length} series, ${data.logs?.length ?? 0} lines` : "No data"}
      </Text>
    </Center>
  );
}
