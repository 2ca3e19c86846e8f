/**
 * The silence form: matchers as text (`a="b", c=~"d"`, each also a chip that removes it), a
 * start (blank is now) and a duration, author and comment. Without an id it sends
 * CreateSilence; editing sends UpdateSilence, whose answer says whether the silence was changed
 * in place or replaced by a new one. A refusal names the form's field and the reason.
 */

import { ConnectError } from "@connectrpc/connect";
import { Alert, Button, Card, Group, Pill, Stack, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { alertsClient, authClient, isPermissionDenied, messageOf } from "../../api/client.ts";
import { formatMatcher, type Matcher, parseMatchers } from "../../lib/alerts.ts";
import { draftStart, refusalText, type SilenceDraft, withoutMatcher } from "../../lib/silences.ts";
import { parseDuration } from "../../lib/time.ts";

/** What a submitted form did: the id the server answered, and the id that was edited. */
export interface SilenceSaved {
  id: string;
  editedId?: string;
}

interface Props {
  initial: SilenceDraft;
  onSaved: (saved: SilenceSaved) => void;
}

const MONO = { input: { fontFamily: "var(--mantine-font-family-monospace)" } };

function send(d: SilenceDraft): Promise<{ silenceId: string }> {
  const ms = parseDuration(d.duration);
  if (ms === undefined) {
    // "0s" reads, but as no time at all; anything else does not read.
    const zero = /^(0+(ms|[smhdw]))+$/.test(d.duration.trim());
    throw new RangeError(
      zero
        ? `Duration: "${d.duration}" is no time at all; use 30m, 2h, 1d`
        : `Duration: cannot read "${d.duration}"; use 30m, 2h, 1d`,
    );
  }
  let matchers: Matcher[];
  try {
    matchers = parseMatchers(d.matchers);
  } catch (e) {
    throw new SyntaxError(`Matchers: ${(e as Error).message}`);
  }
  const start = draftStart(d, Date.now());
  const silence = {
    matchers,
    startsAtMs: BigInt(start),
    endsAtMs: BigInt(start + ms),
    createdBy: d.author,
    comment: d.comment,
  };
  return d.id
    ? alertsClient.updateSilence({ id: d.id, silence })
    : alertsClient.createSilence({ silence });
}

function MatcherPills({ text, onChange }: { text: string; onChange: (t: string) => void }) {
  let all: Matcher[] = [];
  try {
    all = parseMatchers(text);
  } catch {
    return null; // the text box's own error is shown on submit
  }
  if (all.length === 0) return null;
  return (
    <Pill.Group data-testid="silence-matchers">
      {all.map((m, i) => (
        <Pill
          // biome-ignore lint/suspicious/noArrayIndexKey: the same matcher may be typed twice; its place is what tells them apart
          key={`${i}/${m.name}`}
          withRemoveButton
          onRemove={() => onChange(withoutMatcher(all, i))}
          // Mantine hides the remove button from keyboards and screen readers; this one is the
          // only way to drop a matcher without editing the text, so it is shown to both.
          removeButtonProps={{
            "aria-label": `Remove ${m.name}`,
            "aria-hidden": false,
            tabIndex: 0,
          }}
          ff="monospace"
        >
          {formatMatcher(m)}
        </Pill>
      ))}
    </Pill.Group>
  );
}

/** The form over `initial`; calls `onSaved` with the server's answer. */
export function SilenceForm({ initial, onSaved }: Props) {
  const [d, setD] = useState(initial);
  // A new silence's author is the signed-in user, as Alertmanager's UI fills its creator;
  // the App's own WhoAmI (same key) answers from its cache.
  const me = useQuery({ queryKey: ["whoami"], queryFn: () => authClient.whoAmI({}), retry: false });
  const user = me.data?.principal?.method === "anonymous" ? "" : (me.data?.principal?.user ?? "");
  useEffect(() => {
    if (user !== "")
      setD((now) => (now.author === "" && now.id === undefined ? { ...now, author: user } : now));
  }, [user]);
  const set = (k: keyof SilenceDraft) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setD({ ...d, [k]: e.currentTarget.value });
  const editing = d.id !== undefined;
  const save = useMutation({
    mutationFn: () => send(d),
    onSuccess: (res) => onSaved({ id: res.silenceId, editedId: d.id }),
  });
  const verb = editing ? "update" : "create";
  return (
    <Card withBorder padding="sm" data-testid="silence-form" data-editing={editing}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="xs">
          {editing && (
            <Text size="sm" c="dimmed">
              Editing silence <span style={{ fontFamily: "monospace" }}>{d.id}</span>. An active
              silence whose matchers or start change is expired and replaced by a new one.
            </Text>
          )}
          <TextInput
            label="Matchers"
            placeholder={'alertname="HighLatency", instance=~"db.*"'}
            value={d.matchers}
            onChange={set("matchers")}
            styles={MONO}
            name="matchers"
          />
          <MatcherPills text={d.matchers} onChange={(matchers) => setD({ ...d, matchers })} />
          <Group grow>
            <TextInput
              label="Start"
              type="datetime-local"
              step={1}
              value={d.starts}
              onChange={set("starts")}
              description="Empty: now"
              name="starts"
            />
            <TextInput
              label="Duration"
              value={d.duration}
              onChange={set("duration")}
              description="30m, 2h, 1d"
              name="duration"
            />
            <TextInput label="Author" value={d.author} onChange={set("author")} name="author" />
          </Group>
          <TextInput label="Comment" value={d.comment} onChange={set("comment")} name="comment" />
          {save.error && (
            <Alert
              color="red"
              title={`Cannot ${verb} the silence`}
              data-testid="silence-form-error"
            >
              {isPermissionDenied(save.error)
                ? `You may not ${verb} silences: ${messageOf(save.error)}`
                : save.error instanceof ConnectError
                  ? refusalText(save.error.rawMessage)
                  : save.error.message}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              {editing ? "Update silence" : "Create silence"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
