/**
 * Explore's query history and saved queries in a side drawer. Both live in this browser's
 * localStorage (ui/lib/query_history.ts): the history is the last 50 expressions run, newest first;
 * a saved query has a name. A click loads an expression into Explore and runs it.
 */
import {
  ActionIcon,
  Button,
  Drawer,
  Group,
  Stack,
  Tabs,
  Text,
  TextInput,
  UnstyledButton,
} from "@mantine/core";
import { useState } from "react";
import {
  forget,
  HISTORY_KEY,
  loadHistory,
  loadSaved,
  remember,
  SAVED_KEY,
  type SavedQuery,
  saveQuery,
} from "../../lib/query_history.ts";

/** Adds `query` to the history kept in this browser. */
export function rememberRun(query: string): void {
  localStorage.setItem(HISTORY_KEY, JSON.stringify(remember(loadHistory(localStorage), query)));
}

interface Props {
  opened: boolean;
  onClose(): void;
  /** The expression in the editor, for Save. */
  current: string;
  /** Loads and runs an expression. */
  onLoad(query: string): void;
}

/** The drawer with the History and Saved tabs. */
export function QueryLibrary({ opened, onClose, current, onLoad }: Props) {
  const [saved, setSaved] = useState<SavedQuery[]>(() => loadSaved(localStorage));
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  // Read on each opening: runs since the last one are in storage, not in this component.
  const history = opened ? loadHistory(localStorage) : [];
  const keep = (next: SavedQuery[]) => {
    localStorage.setItem(SAVED_KEY, JSON.stringify(next));
    setSaved(next);
  };
  const save = () => {
    try {
      keep(saveQuery(saved, name, current));
      setName("");
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const load = (q: string) => {
    onLoad(q);
    onClose();
  };
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="md" title="Queries">
      <Tabs defaultValue="history">
        <Tabs.List>
          <Tabs.Tab value="history">History</Tabs.Tab>
          <Tabs.Tab value="saved">Saved</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="history" pt="sm">
          {history.length === 0 && <Text c="dimmed">No query run in this browser yet.</Text>}
          <Stack gap={2} data-testid="history">
            {history.map((q) => (
              <QueryRow key={q} query={q} onLoad={load} testId="history-item" />
            ))}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="saved" pt="sm">
          <Group gap="xs" align="flex-start" wrap="nowrap" mb="sm">
            <TextInput
              placeholder="Name"
              aria-label="Name of the saved query"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              onKeyDown={(e) => e.key === "Enter" && save()}
              error={error}
              style={{ flex: 1 }}
            />
            <Button onClick={save} data-testid="save-query">
              Save current
            </Button>
          </Group>
          {saved.length === 0 && <Text c="dimmed">No saved query yet.</Text>}
          <Stack gap={2} data-testid="saved">
            {saved.map((s) => (
              <Group key={s.name} gap={4} wrap="nowrap" align="flex-start">
                <QueryRow query={s.query} name={s.name} onLoad={load} testId="saved-item" />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={`Delete ${s.name}`}
                  onClick={() => keep(forget(saved, s.name))}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Drawer>
  );
}

function QueryRow(props: {
  query: string;
  name?: string;
  onLoad(q: string): void;
  testId: string;
}) {
  return (
    <UnstyledButton
      onClick={() => props.onLoad(props.query)}
      className="op-tree-node"
      p={6}
      style={{ flex: 1, minWidth: 0 }}
      data-testid={props.testId}
    >
      {props.name && (
        <Text size="sm" fw={600}>
          {props.name}
        </Text>
      )}
      <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
        {props.query}
      </Text>
    </UnstyledButton>
  );
}
