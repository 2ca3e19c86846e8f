/** A home page card: a heading that links to the page it summarises, and its state. */
import { Alert, Anchor, Card, Group, Loader, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { messageOf } from "../../api/client.ts";
import { navigate } from "../../lib/router.ts";

interface Props {
  title: string;
  /** Where the heading leads. */
  href: string;
  loading: boolean;
  error: unknown;
  testId: string;
  children: ReactNode;
}

/** One card; while loading a spinner, on error the server's words. */
export function HomeCard({ title, href, loading, error, testId, children }: Props) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          <PageLink href={href}>{title}</PageLink>
        </Title>
        {loading && <Loader size="xs" aria-label={`Loading ${title.toLowerCase()}`} />}
      </Group>
      {error ? (
        <Alert color="red" title={`Cannot load ${title.toLowerCase()}`}>
          {messageOf(error)}
        </Alert>
      ) : (
        !loading && children
      )}
    </Card>
  );
}

/** A link inside the app: a real `href` (open in a new tab works), navigation without reload. */
export function PageLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Anchor
      href={href}
      inherit
      // Underlined: a link among text must not rely on colour alone (axe link-in-text-block).
      underline="always"
      onClick={(e: React.MouseEvent) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </Anchor>
  );
}
