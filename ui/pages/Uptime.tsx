/**
 * Uptime: every probe target (UptimeService.ListTargets) with its state, last check, response
 * time, certificate and SLA over 24 h, 7 d and 30 d, down targets first. A click opens the
 * target's detail; `/uptime?target={…}` holds which one, so a link opens it.
 */
import { Alert, Group, Loader, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { messageOf, uptimeClient } from "../api/client.ts";
import { SlaDecimalsPicker } from "../components/SlaDecimals.tsx";
import { CertText, SlaText, StateBadge, TargetName } from "../components/UptimeBits.tsx";
import { navigate, useLocation } from "../lib/router.ts";
import {
  ago,
  formatSeconds,
  LIST_WINDOWS_MS,
  readTarget,
  stateName,
  stateRank,
  windowName,
  writeTarget,
} from "../lib/uptime.ts";
import { UptimeTarget } from "./UptimeTarget.tsx";

/** How often the list asks again. */
const REFRESH_MS = 30_000;

/** The Uptime page: the list, or one target's detail when the URL names one. */
export function Uptime() {
  const { search } = useLocation();
  const param = new URLSearchParams(search).get("target");
  if (param === null) return <TargetList />;
  const labels = readTarget(param);
  if (labels === undefined) {
    return (
      <Alert color="red" title="Cannot open this target">
        The link's target parameter is not a label set like {'{instance="…", job="…"}'}.
      </Alert>
    );
  }
  return <UptimeTarget labels={labels} />;
}

function TargetList() {
  const list = useQuery({
    queryKey: ["uptime", "list"],
    queryFn: ({ signal }) =>
      uptimeClient.listTargets({ windowsMs: LIST_WINDOWS_MS.map(BigInt) }, { signal }),
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  const header = (
    <Group justify="space-between">
      <Title order={1} size="h3">
        Uptime
      </Title>
      <Group gap="xs">
        {list.isFetching && <Loader size="xs" />}
        <SlaDecimalsPicker />
      </Group>
    </Group>
  );
  if (list.isLoading) return header;
  if (list.error) {
    return (
      <>
        {header}
        <Alert color="red" title="Cannot list the probe targets" mt="sm" data-testid="uptime-error">
          {messageOf(list.error)}
        </Alert>
      </>
    );
  }
  const nowMs = Number(list.data!.timeMs);
  const targets = [...list.data!.targets].sort(
    (a, b) => stateRank(stateName(a.state)) - stateRank(stateName(b.state)),
  );
  if (targets.length === 0) {
    return (
      <>
        {header}
        <Text c="dimmed" mt="sm" data-testid="uptime-empty">
          No probe targets: no agent has reported a probe_success sample in the last 30 days. Probes
          are configured in the agent's probes section (docs/host-and-probes.md).
        </Text>
      </>
    );
  }
  return (
    <>
      {header}
      <Table highlightOnHover mt="sm" data-testid="uptime-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>State</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Last check</Table.Th>
            <Table.Th ta="right">Response</Table.Th>
            <Table.Th>Certificate</Table.Th>
            {LIST_WINDOWS_MS.map((w) => (
              <Table.Th key={w} ta="right">
                SLA {windowName(w)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {targets.map((t) => {
            const key = writeTarget(t.labels);
            return (
              <Table.Tr
                key={key}
                style={{ cursor: "pointer" }}
                onClick={() => navigate(`/uptime?target=${encodeURIComponent(key)}`)}
                data-testid="uptime-row"
              >
                <Table.Td>
                  <StateBadge state={t.state} />
                </Table.Td>
                <Table.Td>
                  {/* The row takes clicks; this link is the row's way in for the keyboard. */}
                  <a
                    href={`/uptime?target=${encodeURIComponent(key)}`}
                    className="op-row-link"
                    onClick={(e) => {
                      e.preventDefault();
                      e.stopPropagation();
                      navigate(`/uptime?target=${encodeURIComponent(key)}`);
                    }}
                  >
                    <TargetName labels={t.labels} />
                  </a>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" title={new Date(Number(t.lastCheckMs)).toLocaleString()}>
                    {ago(Number(t.lastCheckMs), nowMs)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" ff="monospace">
                    {formatSeconds(t.lastDurationSeconds)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <CertText expiryMs={t.certExpiryMs} nowMs={nowMs} />
                </Table.Td>
                {LIST_WINDOWS_MS.map((w, i) => (
                  <Table.Td key={w} ta="right">
                    <SlaText sla={t.sla[i]} />
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </>
  );
}
