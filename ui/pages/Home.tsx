/** Home: what needs attention now, each card linking to the page that has the rest. */
import { SimpleGrid, Title } from "@mantine/core";
import { AgentsCard, AlertsCard, FiguresCard, ProbesCard } from "../components/home/HomeCards.tsx";

/** The home page. */
export function Home() {
  return (
    <>
      <Title order={1} size="h3" mb="md">
        Home
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <AlertsCard />
        <ProbesCard />
        <AgentsCard />
        <FiguresCard />
      </SimpleGrid>
    </>
  );
}
