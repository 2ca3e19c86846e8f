/** The Rules tab: every rule group (ListRules), each rule's type, state, health and last run. */
import { Alert, Badge, Card, Code, Group, Loader, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { Rule } from "../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { alertsClient, messageOf } from "../../api/client.ts";
import { formatTook, relativeTime, stateColor } from "../../lib/alerts.ts";

const HEALTH: Record<string, string> = { ok: "green", err: "red", unknown: "gray" };

function RuleRow({ rule }: { rule: Rule }) {
  const last = Number(rule.lastEvaluationMs);
  return (
    <Table.Tr data-testid="rule" data-name={rule.name}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {rule.name}
        </Text>
        <Text size="xs" c="dimmed">
          {rule.type === "alerting" ? "alert" : "record"}
        </Text>
      </Table.Td>
      <Table.Td>
        {rule.type === "alerting" && (
          <Badge color={stateColor(rule.state)} data-testid="rule-state">
            {rule.state}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={HEALTH[rule.health] ?? "gray"} data-testid="rule-health">
          {rule.health}
        </Badge>
        {rule.lastError && (
          <Text size="xs" c="red">
            {rule.lastError}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{last > 0 ? relativeTime(last) : "never"}</Text>
        <Text size="xs" c="dimmed">
          took {formatTook(rule.evaluationSeconds)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Code block data-testid="rule-query">
          {rule.query}
        </Code>
      </Table.Td>
    </Table.Tr>
  );
}

/** The rule groups. */
export function RuleGroups() {
  const rules = useQuery({
    queryKey: ["rules"],
    queryFn: ({ signal }) => alertsClient.listRules({}, { signal }),
    refetchInterval: 15_000,
    retry: false,
  });
  if (rules.isLoading) return <Loader size="sm" />;
  if (rules.error)
    return (
      <Alert color="red" title="Cannot list the rules" data-testid="rules-error">
        {messageOf(rules.error)}
      </Alert>
    );
  const groups = rules.data?.groups ?? [];
  if (groups.length === 0) return <Text c="dimmed">No rule groups are loaded.</Text>;
  return (
    <Stack gap="sm">
      {groups.map((g) => (
        <Card key={`${g.file}/${g.name}`} withBorder padding="sm" data-testid="rule-group">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>{g.name}</Text>
            <Text size="sm" c="dimmed">
              {g.file} · every {Number(g.intervalMs) / 1000}s · last run{" "}
              {Number(g.lastEvaluationMs) > 0 ? relativeTime(Number(g.lastEvaluationMs)) : "never"}
            </Text>
          </Group>
          {/* On a narrow screen the table scrolls sideways; its columns do not overlap. */}
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing={6} layout="fixed">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w="18%">Rule</Table.Th>
                  <Table.Th w="10%">State</Table.Th>
                  <Table.Th w="14%">Health</Table.Th>
                  <Table.Th w="14%">Last evaluation</Table.Th>
                  <Table.Th>Expression</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {g.rules.map((r) => (
                  <RuleRow key={`${r.type}/${r.name}/${r.query}`} rule={r} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      ))}
    </Stack>
  );
}
