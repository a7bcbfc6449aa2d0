import client from 'prom-client';

export type MetricsRegistry = client.Registry;

/** One registry per process, with the default process metrics under the `turbozap_` prefix. */
export function createRegistry(labels: Record<string, string> = {}): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels(labels);
  client.collectDefaultMetrics({ register: registry, prefix: 'turbozap_' });
  return registry;
}

export { client as prom };
