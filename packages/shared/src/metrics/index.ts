export { createMetrics, type Metrics } from './catalog.ts';
export { createRegistry, type MetricsRegistry, prom } from './registry.ts';
