/**
 * The Import dialog's second step: what was read (title, uid, panels, inputs) and the choices
 * (title, uid, folder, overwrite, constants' values), then ImportDashboard.
 */
import {
  Alert,
  Badge,
  Button,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { dashboardsClient, messageOf } from "../../../api/client.ts";
import {
  type ImportPreview,
  type InputView,
  importRequest,
} from "../../../lib/dashboards/import.ts";

interface Props {
  preview: ImportPreview;
  /** The file's name, or "" for pasted text. */
  source: string;
  folders: readonly { uid: string; title: string }[];
  folderUid: string;
  onBack(): void;
  onImported(uid: string): void;
}

/** The choices and the Import button. */
export function ImportForm({ preview, source, folders, folderUid, onBack, onImported }: Props) {
  const [title, setTitle] = useState(preview.title);
  const [uid, setUid] = useState(preview.uid);
  const [folder, setFolder] = useState(folderUid);
  const [overwrite, setOverwrite] = useState(false);
  const [constants, setConstants] = useState<Record<string, string>>({});
  const run = useMutation({
    mutationFn: () =>
      dashboardsClient.importDashboard(
        importRequest(preview, { title, uid, constants, folderUid: folder, overwrite }),
      ),
    onSuccess: (res) => onImported(res.dashboard?.meta?.uid ?? uid),
  });
  const folderData = [
    { value: "", label: "General" },
    ...folders.map((f) => ({ value: f.uid, label: f.title })),
  ];
  return (
    <Stack gap="sm" data-testid="import-preview">
      <Group gap="xs">
        <Text fw={600} className="op-wrap">
          {preview.title}
        </Text>
        <Badge variant="light" tt="none" data-testid="import-panels">
          {preview.panels === 1 ? "1 panel" : `${preview.panels} panels`}
        </Badge>
        <Text size="sm" c="dimmed">
          {source ? `from ${source}` : "pasted"} · uid {preview.uid || "(none: Outpost makes one)"}
        </Text>
      </Group>
      {preview.note && (
        <Text size="sm" c="dimmed">
          {preview.note}
        </Text>
      )}
      <SimpleGrid cols={2}>
        <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <TextInput
          label="UID"
          description="Empty: Outpost makes one. Change it to import a copy."
          inputWrapperOrder={["label", "input", "description"]}
          value={uid}
          onChange={(e) => setUid(e.currentTarget.value)}
        />
        <Select
          label="Folder"
          data={folderData}
          value={folder}
          onChange={(v) => setFolder(v ?? "")}
          allowDeselect={false}
        />
        <Switch
          mt="xl"
          label="Overwrite the dashboard with the same uid"
          checked={overwrite}
          onChange={(e) => setOverwrite(e.currentTarget.checked)}
        />
      </SimpleGrid>
      {preview.inputs.length > 0 && (
        <Inputs inputs={preview.inputs} constants={constants} onChange={setConstants} />
      )}
      {run.error && (
        <Alert color="red" title="The server refused the import" data-testid="import-error">
          {messageOf(run.error)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack}>
          Back
        </Button>
        <Button onClick={() => run.mutate()} loading={run.isPending} disabled={title.trim() === ""}>
          Import
        </Button>
      </Group>
    </Stack>
  );
}

function Inputs({
  inputs,
  constants,
  onChange,
}: {
  inputs: InputView[];
  constants: Record<string, string>;
  onChange(c: Record<string, string>): void;
}) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Inputs the export declares
      </Text>
      <Table data-testid="import-inputs">
        <Table.Tbody>
          {inputs.map((i) => (
            <Table.Tr key={i.name} data-testid="import-input" data-name={i.name}>
              <Table.Td>
                <Text size="sm">{i.label}</Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {i.name} · {i.type} {i.pluginId}
                </Text>
              </Table.Td>
              <Table.Td>
                {i.mappedTo ? (
                  <Badge color="teal" variant="light" tt="none">
                    mapped to Outpost ({i.mappedTo})
                  </Badge>
                ) : i.type === "constant" ? (
                  <TextInput
                    size="xs"
                    aria-label={`Value of ${i.name}`}
                    value={constants[i.name] ?? i.value}
                    onChange={(e) => onChange({ ...constants, [i.name]: e.currentTarget.value })}
                  />
                ) : (
                  <Text size="sm" c="red">
                    Outpost serves only Prometheus and Loki data sources: the server will refuse it
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
