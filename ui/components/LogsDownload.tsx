/**
 * The Logs page's download: the lines listed (`.log` raw, `.json` NDJSON with time, labels
 * and line), or the query's result again up to LogsService's 5,000-line limit.
 */
import { Button, Group, Select, Text } from "@mantine/core";
import { useState } from "react";
import { Direction } from "../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { logsClient, messageOf } from "../api/client.ts";
import { flattenLines, type LogLine } from "../lib/logs.ts";
import { downloadName, toLogText, toNdjson } from "../lib/logs_export.ts";

/** Most lines LogsService.Query gives. */
export const MAX_DOWNLOAD = 5000;

interface Props {
  /** The lines listed, in their order. */
  lines: readonly LogLine[];
  query: string;
  startNs: bigint;
  endNs: bigint;
  /** The order the page lists lines in, which a re-queried download keeps. */
  oldestFirst: boolean;
  /** Shows why a download failed. */
  onError(message: string): void;
}

function save(lines: readonly LogLine[], ext: "log" | "json") {
  const body = ext === "log" ? toLogText(lines) : toNdjson(lines);
  const type = ext === "log" ? "text/plain" : "application/x-ndjson";
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = downloadName(ext);
  a.click();
  // The click has started the download; the URL is not needed once it has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What to download, and a button per format. */
export function LogsDownload({ lines, query, startNs, endNs, oldestFirst, onError }: Props) {
  const [busy, setBusy] = useState(false);
  const all = async (ext: "log" | "json") => {
    setBusy(true);
    try {
      const res = await logsClient.query({
        query,
        at: { case: "range", value: { startNs, endNs } },
        limit: MAX_DOWNLOAD,
        direction: Direction.BACKWARD,
      });
      if (res.result.case !== "streams") throw new Error("Cannot download: not a log query");
      const got = flattenLines(res.result.value.streams);
      save(oldestFirst ? got.reverse() : got, ext);
    } catch (err) {
      onError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const [scope, setScope] = useState<"listed" | "all">("listed");
  const go = (ext: "log" | "json") => (scope === "listed" ? save(lines, ext) : all(ext));
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="xs" c="dimmed">
        Download
      </Text>
      <Select
        size="xs"
        w={150}
        aria-label="Lines to download"
        allowDeselect={false}
        value={scope}
        onChange={(v) => setScope(v === "all" ? "all" : "listed")}
        data={[
          { value: "listed", label: `the ${lines.length.toLocaleString()} listed` },
          { value: "all", label: `up to ${MAX_DOWNLOAD.toLocaleString()} lines` },
        ]}
        data-testid="download-scope"
      />
      <Button.Group>
        <Button
          size="xs"
          variant="default"
          loading={busy}
          onClick={() => go("log")}
          data-testid="download-log"
        >
          .log
        </Button>
        <Button
          size="xs"
          variant="default"
          loading={busy}
          onClick={() => go("json")}
          data-testid="download-json"
        >
          .json
        </Button>
      </Button.Group>
    </Group>
  );
}
