/** The `?` help: every keyboard shortcut, in a modal. */
import { Kbd, Modal, Table } from "@mantine/core";
import { GO_KEYS, OTHER_KEYS } from "../lib/shortcuts.ts";

/** The shortcuts help modal. */
export function ShortcutsHelp({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const rows = [
    ...Object.entries(GO_KEYS).map(([k, v]) => ({ keys: ["g", k], what: `Go to ${v.label}` })),
    ...OTHER_KEYS,
  ];
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" centered>
      <Table data-testid="shortcuts-help">
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.keys.join(" ")}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {/* Keys in turn: g then e. */}
                {r.keys.map((k) => (
                  <Kbd key={k} mr={4}>
                    {k}
                  </Kbd>
                ))}
              </Table.Td>
              <Table.Td>{r.what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
