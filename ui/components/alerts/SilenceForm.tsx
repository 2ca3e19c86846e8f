/**
 * The New silence form: matchers as text (`a="b", c=~"d"`), a duration from now, author and
 * comment, sent with CreateSilence. The server's refusal is shown as it says it.
 */
import { Alert, Button, Card, Group, Stack, TextInput } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { alertsClient, isPermissionDenied, messageOf } from "../../api/client.ts";
import { parseMatchers } from "../../lib/alerts.ts";
import { parseDuration } from "../../lib/time.ts";

interface Props {
  onCreated: (id: string) => void;
}

/** The form; calls `onCreated` with the new silence's id. */
export function SilenceForm({ onCreated }: Props) {
  const [matchers, setMatchers] = useState("");
  const [duration, setDuration] = useState("2h");
  const [author, setAuthor] = useState("");
  const [comment, setComment] = useState("");
  const create = useMutation({
    mutationFn: async () => {
      const ms = parseDuration(duration);
      if (ms === undefined)
        throw new RangeError(`Cannot read duration "${duration}": use 30m, 2h, 1d`);
      const now = Date.now();
      const spec = {
        matchers: parseMatchers(matchers),
        startsAtMs: BigInt(now),
        endsAtMs: BigInt(now + ms),
        createdBy: author,
        comment,
      };
      return alertsClient.createSilence({ silence: spec });
    },
    onSuccess: (res) => {
      setMatchers("");
      setComment("");
      onCreated(res.silenceId);
    },
  });
  return (
    <Card withBorder padding="sm" data-testid="silence-form">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="xs">
          <TextInput
            label="Matchers"
            placeholder={'alertname="HighLatency", instance=~"db.*"'}
            value={matchers}
            onChange={(e) => setMatchers(e.currentTarget.value)}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            name="matchers"
          />
          <Group grow>
            <TextInput
              label="Duration"
              value={duration}
              onChange={(e) => setDuration(e.currentTarget.value)}
              name="duration"
            />
            <TextInput
              label="Author"
              value={author}
              onChange={(e) => setAuthor(e.currentTarget.value)}
              name="author"
            />
          </Group>
          <TextInput
            label="Comment"
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            name="comment"
          />
          {create.error && (
            <Alert color="red" title="Cannot create the silence" data-testid="silence-form-error">
              {isPermissionDenied(create.error)
                ? `You may not create silences: ${messageOf(create.error)}`
                : messageOf(create.error)}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create silence
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
