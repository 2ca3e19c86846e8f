/** A page of the UI that this release has not built yet: said plainly, with no made-up data. */
import { Alert, Text } from "@mantine/core";

/** Names the page and says it is coming; points to Explore meanwhile. */
export function Placeholder({ title }: { title: string }) {
  return (
    <Alert color="gray" title={`${title}: coming in this release`} data-testid="placeholder">
      <Text size="sm">
        This page is not built yet. Meanwhile, Explore runs PromQL over the same data, and the
        Prometheus, Loki and Alertmanager APIs answer on this port (see docs/api.md).
      </Text>
    </Alert>
  );
}
