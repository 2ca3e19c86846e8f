/**
 * One kept version's JSON, or the line diff of two (GetVersion each; the diff is of their
 * pretty JSON, unchanged runs folded to three lines of context).
 */
import { Alert, Box, Group, Loader, ScrollArea, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { dashboardsClient, messageOf } from "../../../api/client.ts";
import { diffLines, hunks, prettyJson } from "../../../lib/dashboards/diff.ts";

const pre = {
  margin: 0,
  fontFamily: "var(--mantine-font-family-monospace)",
  fontSize: 12,
  whiteSpace: "pre" as const,
};

function useVersion(uid: string, version: number) {
  return useQuery({
    queryKey: ["dashboard-version", uid, version],
    queryFn: ({ signal }) =>
      dashboardsClient.getVersion({ uid, version: BigInt(version) }, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The JSON of version `version`. */
export function VersionJson({ uid, version }: { uid: string; version: number }) {
  const v = useVersion(uid, version);
  if (v.isLoading) return <Loader size="sm" />;
  if (v.error) return <Alert color="red">{messageOf(v.error)}</Alert>;
  return (
    <ScrollArea h="calc(100vh - 180px)" type="auto" data-testid="version-json">
      <pre style={pre}>{prettyJson(v.data!.json)}</pre>
    </ScrollArea>
  );
}

/** The diff from version `from` to version `to`. */
export function VersionDiff({ uid, from, to }: { uid: string; from: number; to: number }) {
  const a = useVersion(uid, from);
  const b = useVersion(uid, to);
  const diff = useMemo(
    () => (a.data && b.data ? diffLines(prettyJson(a.data.json), prettyJson(b.data.json)) : null),
    [a.data, b.data],
  );
  const err = a.error ?? b.error;
  if (err) return <Alert color="red">{messageOf(err)}</Alert>;
  if (diff === null) return <Loader size="sm" />;
  const adds = diff.lines.filter((l) => l.kind === "add").length;
  const dels = diff.lines.filter((l) => l.kind === "del").length;
  return (
    <Box data-testid="version-diff">
      <Group gap="md" mb="xs">
        <Text size="sm">
          v{from} → v{to}:{" "}
          <Text span c="green" fw={600}>
            +{adds}
          </Text>{" "}
          <Text span c="red" fw={600}>
            −{dels}
          </Text>{" "}
          lines
        </Text>
        {diff.capped && (
          <Text size="sm" c="dimmed">
            Too large for a line-by-line match: the changed middle is shown removed, then added.
          </Text>
        )}
      </Group>
      {adds + dels === 0 ? (
        <Text size="sm" c="dimmed">
          The two versions hold the same JSON.
        </Text>
      ) : (
        <ScrollArea h="calc(100vh - 210px)" type="auto">
          <pre style={pre}>
            {hunks(diff.lines).map((l) =>
              l.kind === "skip" ? (
                <div key={`s${l.at}`} style={{ color: "var(--mantine-color-dimmed)" }}>
                  {`   ⋯ ${l.count} unchanged lines`}
                </div>
              ) : (
                <div
                  key={`${l.oldNo}:${l.newNo}`}
                  data-kind={l.kind}
                  style={{
                    background:
                      l.kind === "add"
                        ? "var(--mantine-color-green-light)"
                        : l.kind === "del"
                          ? "var(--mantine-color-red-light)"
                          : undefined,
                  }}
                >
                  {`${l.kind === "add" ? "+" : l.kind === "del" ? "-" : " "} ${l.text}`}
                </div>
              ),
            )}
          </pre>
        </ScrollArea>
      )}
    </Box>
  );
}
