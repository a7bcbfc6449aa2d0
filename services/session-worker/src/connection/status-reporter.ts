import { kvKeys } from '@turbozap/shared/contracts/kv';
import type { Coordination } from '@turbozap/shared/coordination/port';
import { instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import type { InstanceStatus } from '@turbozap/shared/db/schema';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { InstanceScope } from '../instance-scope.ts';

export interface StatusDetail {
  reason?: string;
  code?: number;
  identity?: { jid: string | null; lid: string | null; pushName: string | null };
}

/** Pairing codes live as long as the QR refs that carry the pairing (60 s + 5 × 20 s). */
export const PAIRING_CODE_TTL_MS = 160_000;

/**
 * Where an instance's live state goes: `instances.status` (fenced) together with a
 * `connection.update` event, the QR / pairing code into coordination KV with their own expiry
 * plus `qrcode.updated`, and the per-instance status gauges.
 */
export class StatusReporter {
  readonly #scope: InstanceScope;
  readonly #coordination: Coordination;
  readonly #metrics: Metrics;
  #status: InstanceStatus;
  #seq = 0;
  /** Whether this process counts the instance in turbozap_instances_active. */
  #active = false;

  constructor(scope: InstanceScope, initial: InstanceStatus, ports: { coordination: Coordination; metrics: Metrics }) {
    this.#scope = scope;
    this.#coordination = ports.coordination;
    this.#metrics = ports.metrics;
    this.#status = initial;
  }

  get current(): InstanceStatus {
    return this.#status;
  }

  async set(status: InstanceStatus, detail: StatusDetail = {}): Promise<void> {
    const previous = this.#status;
    const { fence } = this.#scope;
    const seq = ++this.#seq;
    await this.#scope.write(async (trx, emit) => {
      await instanceOwnershipRepo.setStatus(trx, fence, status, detail.identity ?? {});
      await emit(
        'connection.update',
        {
          status,
          previous_status: previous,
          ...(detail.reason ? { reason: detail.reason } : {}),
          ...(detail.code !== undefined ? { code: detail.code } : {}),
          ...(detail.identity
            ? { jid: detail.identity.jid, lid: detail.identity.lid, push_name: detail.identity.pushName }
            : {}),
        },
        status,
        fence.token,
        seq,
      );
    });
    this.#status = status;
    this.#gauges(previous, status);
  }

  async qr(qr: string, ttlMs: number): Promise<void> {
    await this.#coordination.setValue(kvKeys.qr(this.#scope.instance.id), qr, ttlMs);
    await this.#scope.write(async (trx, emit) => {
      await emit('qrcode.updated', { qrcode: qr, expires_in_ms: ttlMs }, 'qr', qr);
      if (this.#status !== 'qr_code') await instanceOwnershipRepo.setStatus(trx, this.#scope.fence, 'qr_code');
    });
    if (this.#status !== 'qr_code') {
      const previous = this.#status;
      this.#status = 'qr_code';
      this.#gauges(previous, 'qr_code');
    }
  }

  async pairingCode(code: string): Promise<void> {
    await this.#coordination.setValue(kvKeys.pairingCode(this.#scope.instance.id), code, PAIRING_CODE_TTL_MS);
    await this.#scope.write((_, emit) =>
      emit('qrcode.updated', { pairing_code: code, expires_in_ms: PAIRING_CODE_TTL_MS }, 'pairing', code),
    );
  }

  /** The QR and pairing code are useless once linked, logged out or given up. */
  async clearLinking(): Promise<void> {
    const coordination = this.#coordination;
    await Promise.all([
      coordination.deleteValue(kvKeys.qr(this.#scope.instance.id)),
      coordination.deleteValue(kvKeys.pairingCode(this.#scope.instance.id)),
    ]);
  }

  /** This process stops reporting for the instance (handover, lease lost): drop its gauges. */
  dispose(): void {
    const metrics = this.#metrics;
    if (this.#active) metrics.instancesActive.dec();
    this.#active = false;
    metrics.instanceStatus.remove({ wa_instance: this.#scope.instance.name, status: this.#status });
  }

  #gauges(previous: InstanceStatus, status: InstanceStatus): void {
    const metrics = this.#metrics;
    const name = this.#scope.instance.name;
    if (previous !== status) metrics.instanceStatus.remove({ wa_instance: name, status: previous });
    metrics.instanceStatus.set({ wa_instance: name, status }, 1);
    if (status === 'connected' && !this.#active) metrics.instancesActive.inc();
    if (status !== 'connected' && this.#active) metrics.instancesActive.dec();
    this.#active = status === 'connected';
  }
}
