import client from 'prom-client';
import { eventTypes } from '../contracts/events.ts';
import {
  inboundDropReasons,
  messageFailureReasons,
  prunedTables,
  startAtZero,
  webhookOutcomes,
} from './known-labels.ts';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

/**
 * Every TurboZap metric, on one registry. The names are the operational plan's; the
 * WhatsApp instance label is `wa_instance` because Prometheus owns `instance`.
 * Labels are bounded: instance names are operator-created, `reason` and `type` come from
 * fixed lists. Counters whose label has a known set of values start those series at 0.
 */
export function createMetrics(registry: client.Registry) {
  const r = [registry];
  return {
    instancesActive: new client.Gauge({
      name: 'turbozap_instances_active',
      help: 'Connected WhatsApp instances owned by this process (sum across replicas).',
      registers: r,
    }),
    instancesExpected: new client.Gauge({
      name: 'turbozap_instances_expected',
      help: 'Instances whose desired state is connected (cluster-wide; read with max).',
      registers: r,
    }),
    instanceStatus: new client.Gauge({
      name: 'turbozap_instance_status',
      help: '1 for the current status of each instance owned by this process.',
      labelNames: ['wa_instance', 'status'],
      registers: r,
    }),
    instanceLastActivity: new client.Gauge({
      name: 'turbozap_instance_last_activity_timestamp_seconds',
      help: 'Unix time of the last message sent or received by the instance (WhatsApp logs out after ~14 idle days).',
      labelNames: ['wa_instance'],
      registers: r,
    }),
    messagesSent: new client.Counter({
      name: 'turbozap_messages_sent_total',
      help: 'Outbound messages written to WhatsApp.',
      labelNames: ['wa_instance', 'type'],
      registers: r,
    }),
    messagesFailed: startAtZero(
      new client.Counter({
        name: 'turbozap_messages_failed_total',
        help: 'Outbound messages that ended failed, by reason.',
        labelNames: ['wa_instance', 'reason'],
        registers: r,
      }),
      'reason',
      messageFailureReasons,
    ),
    messagesReceived: new client.Counter({
      name: 'turbozap_messages_received_total',
      help: 'Inbound messages received from WhatsApp.',
      labelNames: ['wa_instance', 'type'],
      registers: r,
    }),
    inboundDropped: startAtZero(
      new client.Counter({
        name: 'turbozap_inbound_dropped_total',
        help: 'Received messages abandoned without being stored (acknowledged to WhatsApp regardless), by reason.',
        labelNames: ['wa_instance', 'reason'],
        registers: r,
      }),
      'reason',
      inboundDropReasons,
    ),
    messagesAccepted: new client.Counter({
      name: 'turbozap_messages_accepted_total',
      help: 'Send requests accepted (committed, 202).',
      labelNames: ['wa_instance', 'type'],
      registers: r,
    }),
    httpDuration: new client.Histogram({
      name: 'turbozap_http_requests_duration_seconds',
      help: 'HTTP request latency by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: latencyBuckets,
      registers: r,
    }),
    queuePending: new client.Gauge({
      name: 'turbozap_queue_messages_pending',
      help: 'Messages waiting in a broker queue (cluster-wide; read with max).',
      labelNames: ['queue'],
      registers: r,
    }),
    webhookDeliveries: startAtZero(
      new client.Counter({
        name: 'turbozap_webhook_deliveries_total',
        help: 'Webhook delivery attempts by outcome (delivered, retry, failed).',
        labelNames: ['wa_instance', 'outcome'],
        registers: r,
      }),
      'outcome',
      webhookOutcomes,
    ),
    webhookDuration: new client.Histogram({
      name: 'turbozap_webhook_delivery_duration_seconds',
      help: 'Webhook delivery attempt latency.',
      buckets: latencyBuckets,
      registers: r,
    }),
    inboundPaused: new client.Gauge({
      name: 'turbozap_inbound_paused_sockets',
      help: 'WhatsApp sockets this process has stopped reading because what they delivered cannot be stored yet (database unreachable).',
      registers: r,
    }),
    leasesHeld: new client.Gauge({
      name: 'turbozap_leases_held',
      help: 'Instance leases held by this session-worker.',
      registers: r,
    }),
    leaseLosses: new client.Counter({
      name: 'turbozap_lease_losses_total',
      help: 'Leases lost (renew failed) by this session-worker.',
      registers: r,
    }),
    eventsPublished: startAtZero(
      new client.Counter({
        name: 'turbozap_events_published_total',
        help: 'Events published to the events exchange.',
        labelNames: ['event'],
        registers: r,
      }),
      'event',
      eventTypes,
    ),
    retentionPruned: startAtZero(
      new client.Counter({
        name: 'turbozap_retention_pruned_rows_total',
        help: 'Rows deleted by the retention pruner, by table (events_outbox, webhook_deliveries).',
        labelNames: ['table'],
        registers: r,
      }),
      'table',
      prunedTables,
    ),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
