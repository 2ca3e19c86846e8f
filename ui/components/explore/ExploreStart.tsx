/**
 * What Explore shows before a query: how to start, and queries over metrics this aggregator
 * has (lib/explore_start.ts), one click to run.
 */
import { Button, Group, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { starterQueries } from "../../lib/explore_start.ts";
import { connectPromClient } from "../../lib/prom_client.ts";

/** Explore's empty state; `onPick` runs the chosen query. */
export function ExploreStart({ onPick }: { onPick(query: string): void }) {
  const names = useQuery({
    queryKey: ["explore", "start", "names"],
    queryFn: () => connectPromClient.metricNames(),
    staleTime: 60_000,
    retry: false,
  });
  const have = names.data ?? [];
  const starters = starterQueries(have);
  return (
    <Stack gap="xs" data-testid="explore-start">
      <Text c="dimmed">
        Enter an expression and press Run
        {have.length > 0 && ` (${have.length} metrics in the last 12 h; type to complete)`}.
      </Text>
      {starters.length > 0 && (
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            Try:
          </Text>
          {starters.map((q) => (
            <Button
              key={q}
              size="compact-sm"
              variant="light"
              ff="monospace"
              data-testid="explore-start-query"
              onClick={() => onPick(q)}
            >
              {q}
            </Button>
          ))}
        </Group>
      )}
    </Stack>
  );
}
