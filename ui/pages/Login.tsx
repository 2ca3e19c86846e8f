/** The login page: a user name and password sent to AuthService.Login, which sets the session cookie. */
import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { authClient, messageOf } from "../api/client.ts";
import { pageTitle } from "../lib/title.ts";

/** Asks for credentials; calls `onLogin` once the session cookie is set. */
export function Login({ onLogin }: { onLogin(): void }) {
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = pageTitle("Log in");
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await authClient.login({ user, password });
      onLogin();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center h="100vh">
      <Paper withBorder shadow="sm" p="xl" w={360} component="form" onSubmit={submit}>
        <Stack>
          <Title order={2}>Outpost</Title>
          <TextInput
            label="User"
            autoComplete="username"
            value={user}
            onChange={(e) => setUser(e.currentTarget.value)}
            required
            data-autofocus
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            required
          />
          {error && (
            <Alert color="red" data-testid="login-error">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            Log in
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
