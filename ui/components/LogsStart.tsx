/**
 * What the Logs page shows before a query: how to start, and the `job`s that have logs in the
 * last hour as ready queries, so a first visit does not begin by guessing label names.
 */
import { Button, Group, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { logsClient } from "../api/client.ts";

/** The most jobs offered: the rest are a keystroke away in the editor's completion. */
const MAX_JOBS = 8;

/** The Logs page's empty state; `onPick` runs the chosen query. */
export function LogsStart({ onPick }: { onPick(query: string): void }) {
  const jobs = useQuery({
    queryKey: ["logs", "start", "jobs"],
    queryFn: ({ signal }) => logsClient.labelValues({ name: "job", selection: {} }, { signal }),
    staleTime: 60_000,
    retry: false,
  });
  const values = jobs.data?.values ?? [];
  return (
    <Stack gap="xs" data-testid="logs-start">
      <Text c="dimmed">Enter a log query and press Run.</Text>
      {values.length > 0 && (
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            Jobs with logs in the last hour:
          </Text>
          {values.slice(0, MAX_JOBS).map((job) => {
            const query = `{job=${JSON.stringify(job)}}`;
            return (
              <Button
                key={job}
                size="compact-sm"
                variant="light"
                ff="monospace"
                data-testid="logs-start-job"
                onClick={() => onPick(query)}
              >
                {query}
              </Button>
            );
          })}
        </Group>
      )}
      {jobs.isSuccess && values.length === 0 && (
        <Text size="sm" c="dimmed">
          No logs in the last hour: an agent tails files named in the logs section of its config
          (docs/logs.md).
        </Text>
      )}
    </Stack>
  );
}
