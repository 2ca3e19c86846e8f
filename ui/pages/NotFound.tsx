/** What a path the app has no page for shows: said plainly, with the way home. */
import { Alert, Anchor, Text } from "@mantine/core";
import { navigate } from "../lib/router.ts";

/** Names the path that has no page and links to Home. */
export function NotFound({ path }: { path: string }) {
  return (
    <Alert color="gray" title={`No page at ${path}`} data-testid="not-found">
      <Text size="sm">
        The top bar lists every page;{" "}
        <Anchor
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate("/");
          }}
        >
          Home
        </Anchor>{" "}
        shows what needs attention.
      </Text>
    </Alert>
  );
}
