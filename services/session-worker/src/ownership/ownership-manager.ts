import { type ControlMessage, controlMessage } from '@turbozap/shared/contracts/control';
import { channels, kvKeys, leaseKeys } from '@turbozap/shared/contracts/kv';
import type { Coordination, Unsubscribe } from '@turbozap/shared/coordination/port';
import { instanceOwnershipRepo, type OwnershipView } from '@turbozap/shared/db/repositories/instance-ownership';
import type { Logger } from '@turbozap/shared/logging/logger';
import { exponentialDelay } from '@turbozap/shared/util/backoff';
import type { Db } from '../db-types.ts';
import type { GoneReason, OwnedInstance } from '../owned-instance.ts';
import { type PlacementWorker, planPlacement } from './placement.ts';
import type { OwnershipTimings } from './timings.ts';

const CLAIM_CONCURRENCY = 8;

/** What the manager works with; `own` builds the parts of an instance it has just claimed. */
export interface OwnershipPorts {
  db: Db;
  coordination: Coordination;
  logger: Logger;
  /** This process: lease holder, heartbeat id, owner_worker. */
  workerId: string;
  timings: OwnershipTimings;
  /** Instances this worker holds at most (SESSION_WORKER_CAPACITY). */
  capacity: number;
  autoReconnect: boolean;
  own(instance: OwnershipView, token: number, onGone: (instanceId: string, reason: GoneReason) => void): OwnedInstance;
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Statuses that mean a socket may still be (or should be) open for the instance. */
const liveStatuses = new Set(['connecting', 'qr_code', 'connected']);

/**
 * An instance needs an owner to reach its desired state: to be connected; to close a socket
 * that may still be open (`disconnected`); to unlink a device that is still linked (`logged_out`).
 */
export function needsOwner(v: OwnershipView): boolean {
  if (v.desired_state === 'connected') return true;
  if (v.desired_state === 'logged_out') return v.has_creds || liveStatuses.has(v.status);
  return liveStatuses.has(v.status);
}

/**
 * The session-worker's controller: reconciles towards `instances.desired_state` on a timer and
 * on `control` nudges. It claims the instances placement gives this worker (HRW with bounded
 * load), takes unowned ones after a grace period, hands instances to their new HRW owner a few
 * at a time on scale-up, and lets go of everything on stop.
 */
export class OwnershipManager {
  readonly #ports: OwnershipPorts;
  readonly #owned = new Map<string, OwnedInstance>();
  readonly #claiming = new Set<string>();
  /** First time an instance was seen without a live owner (grace period for non-HRW claimers). */
  readonly #unownedSince = new Map<string, number>();
  /** After a 440: do not claim again before this time; grows per repeated conflict. */
  readonly #cooldown = new Map<string, { until: number; count: number }>();
  /** Commands (nudges) seen for instances nobody here owned yet: the claimer treats them as `connect`. */
  readonly #nudged = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #pass: Promise<void> | undefined;
  #passAgain = false;
  #stopping = false;

  constructor(ports: OwnershipPorts) {
    this.#ports = ports;
  }

  get owned(): ReadonlyMap<string, OwnedInstance> {
    return this.#owned;
  }

  async start(): Promise<void> {
    this.#unsubscribe = await this.#ports.coordination.subscribe(channels.control, (raw) => this.#onControl(raw));
    this.#schedule(0);
  }

  /** Stop claiming, close every socket, release every lease and clear ownership: survivors take over at once. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#unsubscribe?.().catch(() => {});
    await this.#pass;
    await Promise.allSettled([...this.#owned.values()].map((o) => this.#handOver(o)));
  }

  /** Close, release, and nudge the others so the next owner claims now rather than at its next scan. */
  async #handOver(owned: OwnedInstance): Promise<void> {
    await owned.release();
    const nudge: ControlMessage = { type: 'reconcile', instanceId: owned.id };
    await this.#ports.coordination.publish(channels.control, JSON.stringify(nudge)).catch(() => {});
  }

  /** Runs a reconcile pass now (coalesced with one in progress). Resolves when it is done. */
  reconcile(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    if (this.#pass) {
      this.#passAgain = true;
      return this.#pass;
    }
    clearTimeout(this.#timer);
    const pass = this.#runPass()
      .catch((error) => {
        this.#ports.logger.warn('reconcile pass failed', { error });
      })
      .finally(() => {
        this.#pass = undefined;
        if (this.#stopping) return;
        if (this.#passAgain) {
          this.#passAgain = false;
          void this.reconcile();
        } else this.#schedule(this.#ports.timings.reconcileIntervalMs);
      });
    this.#pass = pass;
    return pass;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (!this.#stopping) this.#timer = setTimeout(() => void this.reconcile(), ms);
  }

  #onControl(raw: string): void {
    let message: ReturnType<typeof controlMessage.parse>;
    try {
      message = controlMessage.parse(JSON.parse(raw));
    } catch {
      this.#ports.logger.warn('malformed control message dropped');
      return;
    }
    if (message.type === 'outbox') return;
    const owned = this.#owned.get(message.instanceId);
    // Not ours: whoever owns it applies them, and a new owner reads them at takeover.
    if (message.type === 'settings') {
      if (owned && !owned.leaving) void this.#rereadSettings(owned);
      return;
    }
    if (owned && !owned.leaving) {
      void this.#command(owned, message.type === 'restart').catch((error) =>
        this.#ports.logger.error('command failed', { error }),
      );
    } else {
      this.#nudged.set(message.instanceId, Date.now());
      void this.reconcile();
    }
  }

  async #rereadSettings(owned: OwnedInstance): Promise<void> {
    const view = await instanceOwnershipRepo.get(this.#ports.db, owned.id).catch((error: unknown) => {
      this.#ports.logger.warn('reading settings failed; the next reconcile applies them', { error });
      return undefined;
    });
    if (view) owned.applySettings(view.settings);
  }

  /** A nudge for an instance we own: apply what the API asked (desired state, restart, pairing code, connect). */
  async #command(owned: OwnedInstance, restart: boolean): Promise<void> {
    const { db, coordination } = this.#ports;
    const view = await instanceOwnershipRepo.get(db, owned.id);
    if (!view) return owned.vanish();
    if (view.desired_state !== 'connected') return this.#settle(owned, view);
    const phone = await coordination.getValue(kvKeys.pairingRequest(owned.id));
    if (phone) await coordination.deleteValue(kvKeys.pairingRequest(owned.id));
    if (restart && !phone && !owned.connection.parked) return owned.connection.restart();
    if (owned.connection.parked || phone) return owned.connection.resume(phone ?? undefined);
  }

  async #runPass(): Promise<void> {
    const { db, coordination, workerId, timings } = this.#ports;
    const [views, beats] = await Promise.all([instanceOwnershipRepo.list(db), coordination.liveWorkers()]);
    const workers: PlacementWorker[] = beats.map((b) => ({
      id: b.id,
      capacity: Number(b.info['capacity']) || this.#capacity,
    }));
    if (!workers.some((w) => w.id === workerId)) workers.push({ id: workerId, capacity: this.#capacity });
    const wanted = views.filter(needsOwner);
    const plan = planPlacement(
      wanted.map((v) => v.id),
      workers,
    );
    const byId = new Map(views.map((v) => [v.id, v]));

    for (const owned of [...this.#owned.values()]) {
      if (owned.leaving) continue;
      const view = byId.get(owned.id);
      if (!view) await owned.vanish();
      else if (view.desired_state !== 'connected') await this.#settle(owned, view);
      // A lost settings nudge is made good here, within a reconcile interval.
      else owned.applySettings(view.settings);
    }

    const now = Date.now();
    const live = new Set(workers.map((w) => w.id));
    const toClaim: OwnershipView[] = [];
    for (const view of wanted) {
      if (this.#owned.has(view.id) || this.#claiming.has(view.id)) continue;
      // Our own stale ownership (e.g. our lease vanished with a Redis restart) is not someone else's socket.
      const ownerAlive =
        view.owner_worker !== null &&
        view.owner_worker !== workerId &&
        view.owner_age_ms !== null &&
        view.owner_age_ms < timings.leaseTtlMs;
      if (ownerAlive) {
        this.#unownedSince.delete(view.id);
        continue;
      }
      const since = this.#unownedSince.get(view.id) ?? now;
      this.#unownedSince.set(view.id, since);
      const mine = plan.get(view.id) === workerId;
      const plannedOwnerGone = !live.has(plan.get(view.id) ?? '');
      if (mine || plannedOwnerGone || now - since >= timings.unclaimedGraceMs) toClaim.push(view);
    }
    for (const id of this.#unownedSince.keys()) if (!byId.has(id)) this.#unownedSince.delete(id);
    for (const [id, at] of this.#nudged) if (at < now - 2 * timings.unclaimedGraceMs) this.#nudged.delete(id);
    // A few claims at a time: after a failover, hundreds of sessions should not wait in single file.
    await forEachLimited(toClaim, CLAIM_CONCURRENCY, (view) =>
      this.#stopping ? Promise.resolve() : this.#tryClaim(view),
    );

    await this.#rebalance(plan, live);
  }

  get #capacity(): number {
    return this.#ports.capacity;
  }

  /** Scale-up: hand a few instances per pass to the live worker that now wins them (close, then release). */
  async #rebalance(plan: Map<string, string>, live: Set<string>): Promise<void> {
    let moved = 0;
    for (const owned of [...this.#owned.values()]) {
      if (moved >= this.#ports.timings.rebalancePerPass || this.#stopping) return;
      const target = plan.get(owned.id);
      if (owned.leaving || !target || target === this.#ports.workerId || !live.has(target)) continue;
      // Never pull the rug from under someone scanning a QR code.
      if (owned.connection.status === 'qr_code') continue;
      this.#ports.logger.info('handing instance to its placement owner', { instance_id: owned.id, to: target });
      await this.#handOver(owned);
      moved++;
    }
  }

  async #tryClaim(view: OwnershipView): Promise<void> {
    const { coordination, db, workerId, timings, logger } = this.#ports;
    if (this.#owned.size + this.#claiming.size >= this.#capacity) return;
    const cooldown = this.#cooldown.get(view.id);
    if (cooldown && cooldown.until > Date.now()) return;
    this.#claiming.add(view.id);
    try {
      if (!(await coordination.acquireLease(leaseKeys.instance(view.id), workerId, timings.leaseTtlMs))) return;
      const token = await instanceOwnershipRepo.claim(db, view.id, workerId, timings.leaseTtlMs).catch((error) => {
        logger.warn('claim failed', { instance_id: view.id, error });
        return null;
      });
      if (token === null || this.#stopping) {
        await coordination.releaseLease(leaseKeys.instance(view.id), workerId).catch(() => {});
        return;
      }
      this.#unownedSince.delete(view.id);
      const owned = this.#ports.own(view, token, (id, reason) => this.#gone(id, reason));
      this.#owned.set(view.id, owned);
      logger.info('instance claimed', { instance_id: view.id, wa_instance: view.name, fence: token });
      if (view.desired_state !== 'connected') {
        await owned.start({ parked: true });
        await this.#settle(owned, view);
        return;
      }
      const phone = await coordination.getValue(kvKeys.pairingRequest(view.id));
      if (phone) await coordination.deleteValue(kvKeys.pairingRequest(view.id));
      // A parked state waits for `connect`; a command that arrived before anyone owned the instance is one.
      const commanded = (this.#nudged.get(view.id) ?? 0) > Date.now() - 2 * timings.unclaimedGraceMs;
      this.#nudged.delete(view.id);
      await owned.start({ parked: !phone && !commanded && this.#startsParked(view), pairingPhone: phone ?? undefined });
    } finally {
      this.#claiming.delete(view.id);
    }
  }

  /**
   * Logged out, failed, or an unlinked instance that dropped: wait for `connect` instead of
   * showing a new QR nobody asked for (or reconnecting with auto-reconnect off).
   */
  #startsParked(view: OwnershipView): boolean {
    if (view.status === 'logged_out' || view.status === 'failed') return true;
    if (view.status === 'disconnected') return !view.has_creds || !this.#ports.autoReconnect;
    return false;
  }

  /** Desired `logged_out`: unlink and forget the device; desired `disconnected`: just close. Then let go. */
  async #settle(owned: OwnedInstance, view: OwnershipView): Promise<void> {
    this.#ports.logger.info('reaching desired state', { instance_id: owned.id, desired: view.desired_state });
    if (view.desired_state === 'logged_out') await owned.logoutAndRelease();
    else await owned.disconnectAndRelease();
  }

  #gone(instanceId: string, reason: GoneReason): void {
    this.#owned.delete(instanceId);
    if (reason === 'conflict') void this.#afterConflict(instanceId);
    // Re-plan soon: a lost or released instance may need a new owner (maybe us, later).
    if (!this.#stopping) this.#schedule(Math.min(this.#ports.timings.reconcileIntervalMs, 1_000));
  }

  /**
   * A 440 after we let go: re-check the lease. Another worker holding it is the legitimate owner
   * (we were a paused zombie) — nothing to hold against the instance. Nobody holding it means a
   * socket outside our control took the device: keep off it for a growing while, never a loop.
   */
  async #afterConflict(instanceId: string): Promise<void> {
    const holder = await this.#ports.coordination.leaseHolder(leaseKeys.instance(instanceId)).catch(() => null);
    if (holder && holder !== this.#ports.workerId) return;
    const count = (this.#cooldown.get(instanceId)?.count ?? 0) + 1;
    const ms = exponentialDelay({ baseMs: this.#ports.timings.leaseTtlMs, maxMs: 10 * 60_000 }, count);
    this.#cooldown.set(instanceId, { until: Date.now() + ms, count });
  }
}
