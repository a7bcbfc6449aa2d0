import { randomInt } from 'node:crypto';
import { badRequest, notFound } from '../errors.ts';
import { SimSignalDevice } from '../signal/sim-signal-device.ts';
import { lidJid, normalizePhone, parseJid, pnJid } from './jids.ts';
import type { Account, AccountInfo, AccountSettings } from './types.ts';

export interface ResolvedJid {
  account: Account;
  device: number;
  kind: 'pn' | 'lid';
  explicitDevice: boolean;
}

export const accountInfo = (a: Account): AccountInfo => ({ phone: a.phone, jid: pnJid(a.phone), lid: lidJid(a.lid) });

/** In-memory store of simulated users, indexed by phone number and by LID. */
export class AccountRegistry {
  readonly #byPhone = new Map<string, Account>();
  readonly #byLid = new Map<string, Account>();

  create(phone: string, opts: AccountSettings = {}): Account {
    const existing = this.#byPhone.get(phone);
    if (existing) {
      if (opts.pushName) existing.pushName = opts.pushName;
      if (opts.autoRead !== undefined) existing.autoRead = opts.autoRead;
      if (opts.deliveryReceipts !== undefined) existing.deliveryReceipts = opts.deliveryReceipts;
      return existing;
    }
    const account: Account = {
      phone,
      lid: this.#newLid(),
      pushName: opts.pushName || phone,
      autoRead: opts.autoRead ?? false,
      deliveryReceipts: opts.deliveryReceipts ?? true,
      phoneDevice: new SimSignalDevice(),
      companions: new Map(),
      nextDeviceId: 2,
      inbox: [],
      outbox: new Map(),
      seen: new Set(),
      calls: new Map(),
      createdAt: Date.now(),
    };
    this.#byPhone.set(phone, account);
    this.#byLid.set(account.lid, account);
    return account;
  }

  get(phone: string): Account | undefined {
    return this.#byPhone.get(phone);
  }

  /** The account for a phone given by a client (404 when unknown, 400 when malformed). */
  require(phoneInput: unknown): Account {
    const phone = normalizePhone(phoneInput);
    if (!phone) throw badRequest('invalid_phone', `not a phone number: ${String(phoneInput)}`);
    const account = this.#byPhone.get(phone);
    if (!account) throw notFound('unknown_account', `no simulated account ${phone}`);
    return account;
  }

  /** Looks an account up by the user part of a PN or LID JID. */
  byUser(user: string): Account | undefined {
    return this.#byPhone.get(user) ?? this.#byLid.get(user);
  }

  resolve(jid: string | undefined): ResolvedJid | undefined {
    const parsed = parseJid(jid);
    if (!parsed) return undefined;
    const account = parsed.kind === 'lid' ? this.#byLid.get(parsed.user) : this.#byPhone.get(parsed.user);
    return account && { account, device: parsed.device, kind: parsed.kind, explicitDevice: parsed.explicitDevice };
  }

  /** Resolves a phone number or a PN/LID JID given through the API. */
  resolveTarget(target: unknown): ResolvedJid | undefined {
    if (typeof target !== 'string') return undefined;
    if (target.includes('@')) return this.resolve(target);
    const phone = normalizePhone(target);
    const account = phone ? this.#byPhone.get(phone) : undefined;
    return account && { account, device: 0, kind: 'pn', explicitDevice: false };
  }

  all(): Account[] {
    return [...this.#byPhone.values()];
  }

  #newLid(): string {
    for (;;) {
      const lid = `${randomInt(1, 10)}${String(randomInt(0, 1e14)).padStart(14, '0')}`;
      if (!this.#byLid.has(lid)) return lid;
    }
  }
}
