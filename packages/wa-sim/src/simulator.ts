// WaSimulator: a WhatsApp Web server the real Baileys client connects to, plus the programmatic
// control surface the HTTP control API wraps.
import { EventEmitter } from 'node:events';
import { removeDevices } from './accounts/devices.ts';
import { normalizePhone, signalAddress } from './accounts/jids.ts';
import { AccountRegistry, accountInfo } from './accounts/registry.ts';
import type { AccountInfo, AccountSettings, CallRecord, InboxEntry, OutboxEntry } from './accounts/types.ts';
import type { MessageOrigin, SimContext, SimEvents } from './context.ts';
import { handle } from './control-api/http.ts';
import { simRoutes } from './control-api/routes.ts';
import type { AccountDetails, GroupInfo, SimControl, SimInfo } from './control-api/sim-control.ts';
import { badRequest, notFound, SimError } from './errors.ts';
import { type FaultRequest, Faults } from './faults.ts';
import { GroupRegistry } from './groups/registry.ts';
import { makeLogger } from './log.ts';
import { composeMediaMessage, parsePhoneMedia } from './media/compose.ts';
import { handleMediaRequest } from './media/http.ts';
import { MediaStore } from './media/store.ts';
import { createCertificateAuthority } from './noise/ca.ts';
import { resolveOptions, type SimOptions } from './options.ts';
import type { LinkResult } from './pairing/link.ts';
import { enterPairingCode } from './pairing/link-code.ts';
import { scanQr } from './pairing/qr.ts';
import { PairingRegistry } from './pairing/registrations.ts';
import { placeCall } from './routing/calls.ts';
import { type InboxRecord, markRead } from './routing/phone.ts';
import { pollMessage } from './routing/phone-poll.ts';
import { editMessage, revokeMessage } from './routing/phone-protocol.ts';
import { type SendOptions, sendFromPhone, textMessage } from './routing/phone-send.ts';
import { rememberPoll } from './routing/poll-store.ts';
import { castVote } from './routing/poll-vote.ts';
import { announceGroup } from './stanzas/iq-groups.ts';
import { onClientPayload } from './stanzas/login.ts';
import { onNode } from './stanzas/router.ts';
import { emptyStats, type SimStats } from './stats.ts';
import { Connection } from './transport/connection.ts';
import { type ListeningServer, listen, WS_PATH } from './transport/server.ts';
import { SessionRegistry } from './transport/sessions.ts';
import { BoundedMap } from './util/bounded.ts';
import { Timers } from './util/timers.ts';

export interface StartOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 7780; 0 picks a free port. */
  port?: number;
}

export interface SimHandle {
  /** Base URL of the control API, e.g. `http://127.0.0.1:7780`. */
  url: string;
  /** What Baileys' `waWebSocketUrl` must be set to. */
  wsUrl: string;
  host: string;
  port: number;
  /** Base64 of the 32-byte root key clients must trust (`WA_CERT_DETAILS.PUBLIC_KEY`). */
  rootPublicKey: string;
  stop(): Promise<void>;
}

export class WaSimulator implements SimControl {
  readonly events = new EventEmitter<SimEvents>();
  readonly #ctx: SimContext;
  #server?: ListeningServer;
  #handle?: SimHandle;
  #stopped = false;

  constructor(options: SimOptions = {}) {
    const accounts = new AccountRegistry();
    const connections = new Set<Connection>();
    const sessions = new SessionRegistry();
    const opts = resolveOptions(options);
    this.#ctx = {
      opts,
      log: makeLogger(options.log, { verbose: options.verbose, trace: options.trace }),
      ca: createCertificateAuthority(options.rootKeyPair),
      accounts,
      sessions,
      connections,
      pairing: new PairingRegistry(),
      groups: new GroupRegistry(),
      faults: new Faults(accounts, () => [...connections]),
      stats: emptyStats(),
      events: this.events,
      origins: new BoundedMap<string, MessageOrigin>(50_000),
      timers: new Timers(),
      media: new MediaStore(opts.media),
    };
  }

  /** The raw 32-byte root public key. */
  get rootPublicKey(): Buffer {
    return this.#ctx.ca.rootPublicKey;
  }

  async start({ host = '127.0.0.1', port = 7780 }: StartOptions = {}): Promise<SimHandle> {
    if (this.#handle) return this.#handle;
    if (this.#stopped) throw new Error('a stopped simulator cannot be restarted; create a new WaSimulator');
    const routes = simRoutes(this);
    this.#server = await listen({
      host,
      port,
      onRequest: (req, res) => {
        if (!handleMediaRequest(this.#ctx.media, this.#ctx.opts.media.host, this.#ctx.log, req, res))
          void handle(routes, req, res);
      },
      onSocket: (ws) => this.#accept(ws),
      onError: (err) => this.#ctx.log.error('server error', { err: err.message }),
    });
    const base = `${host.includes(':') ? `[${host}]` : host}:${this.#server.port}`;
    this.#handle = {
      url: `http://${base}`,
      wsUrl: `ws://${base}${WS_PATH}`,
      host,
      port: this.#server.port,
      rootPublicKey: this.rootPublicKey.toString('base64'),
      stop: () => this.stop(),
    };
    this.#ctx.log.info('listening', { url: this.#handle.url, ws: this.#handle.wsUrl });
    return this.#handle;
  }

  /** Closes every connection and the server. Idempotent; the instance cannot be started again. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#ctx.timers.clear();
    this.#ctx.pairing.clear();
    for (const conn of this.#ctx.connections) conn.terminate();
    const server = this.#server;
    this.#server = undefined;
    this.#handle = undefined;
    await server?.close();
  }

  info(): SimInfo {
    if (!this.#handle) throw badRequest('not_started', 'simulator is not started');
    return { wsUrl: this.#handle.wsUrl, rootPublicKey: this.#handle.rootPublicKey, mediaHosts: this.mediaHosts };
  }

  /** Hostnames clients must route to this simulator's HTTP port for media (media_conn's and Baileys' default). */
  get mediaHosts(): string[] {
    return [...new Set([this.#ctx.opts.media.host, 'mmg.whatsapp.net'])];
  }

  stats(): SimStats {
    const devices = this.#ctx.accounts.all().flatMap((a) => [...a.companions.values()]);
    return {
      ...this.#ctx.stats,
      connections: [...this.#ctx.connections].filter((c) => c.isOpen).length,
      pending: devices.reduce((sum, d) => sum + d.pending.size, 0),
    };
  }

  /** Open connections logged in as one of `phone`'s devices (a test's own instance, among others'). */
  connectionsOf(phone: string): number {
    const p = normalizePhone(phone);
    return [...this.#ctx.connections].filter((c) => c.isOpen && c.account?.phone === p).length;
  }

  /** Creates (or updates) a simulated user. */
  createAccount(input: { phone: string } & AccountSettings): AccountInfo {
    const phone = normalizePhone(input.phone);
    if (!phone) throw badRequest('invalid_phone', `not a phone number: ${String(input.phone)}`);
    if (input.pushName !== undefined && (typeof input.pushName !== 'string' || input.pushName.length > 100)) {
      throw badRequest('invalid_push_name', 'pushName must be a string of at most 100 characters');
    }
    const { pushName, autoRead, deliveryReceipts } = input;
    return accountInfo(this.#ctx.accounts.create(phone, { pushName, autoRead, deliveryReceipts }));
  }

  account(phone: string): AccountDetails {
    const a = this.#ctx.accounts.require(phone);
    const devices = [...a.companions.values()].map((d) => ({
      id: d.id,
      jid: `${a.phone}:${d.id}@s.whatsapp.net`,
      online: this.#ctx.sessions.get(a, d.id) !== undefined,
      platform: d.platform,
      linkedAt: d.linkedAt,
      preKeys: d.preKeys.size,
      queued: d.offlineQueue.length,
      pending: d.pending.size,
      connection: this.#ctx.sessions.get(a, d.id)?.id ?? null,
      presence: this.#ctx.sessions.get(a, d.id)?.presence ?? null,
    }));
    return {
      ...accountInfo(a),
      pushName: a.pushName,
      autoRead: a.autoRead,
      deliveryReceipts: a.deliveryReceipts,
      devices,
    };
  }

  scanQr(phone: string, qr: string): Promise<LinkResult> {
    return scanQr(this.#ctx, phone, qr);
  }

  enterPairingCode(phone: string, code: string): Promise<LinkResult> {
    return enterPairingCode(this.#ctx, phone, code);
  }

  inbox(phone: string): InboxEntry[] {
    return (this.#ctx.accounts.require(phone).inbox as InboxRecord[]).map(
      ({ kind: _kind, delivered: _delivered, ...entry }) => entry,
    );
  }

  outbox(phone: string): OutboxEntry[] {
    return [...this.#ctx.accounts.require(phone).outbox.values()].map(({ message: _message, ...e }) => e);
  }

  /** `phone`'s simulated phone sends a Signal-encrypted text to `to` (phone number or JID). */
  sendText(phone: string, to: string, text: string, opts: SendOptions = {}): Promise<{ id: string }> {
    return sendFromPhone(this.#ctx, this.#ctx.accounts.require(phone), to, textMessage(text), opts);
  }

  /** `phone`'s phone deletes (for everyone) or edits message `target.revoke` / `target.edit.id`, whoever sent it. */
  sendProtocol(phone: string, to: string, target: { revoke?: unknown; edit?: unknown }, opts: SendOptions = {}) {
    const content = target.revoke !== undefined ? revokeMessage(target.revoke) : editMessage(target.edit);
    return sendFromPhone(this.#ctx, this.#ctx.accounts.require(phone), to, content, opts);
  }

  /**
   * `phone`'s phone sends media (`{type, base64, mimetype?, caption?, fileName?, ptt?, view_once?}`): encrypted
   * and stored on the simulator's media host, then sent like a text.
   */
  sendMedia(phone: string, to: string, media: unknown, opts: SendOptions = {}): Promise<{ id: string }> {
    const sender = this.#ctx.accounts.require(phone);
    const parsed = parsePhoneMedia(media, this.#ctx.opts.media.maxUploadBytes);
    const message = composeMediaMessage(this.#ctx.media, this.#ctx.opts.media.host, parsed);
    return sendFromPhone(this.#ctx, sender, to, { message, type: parsed.type, text: parsed.caption ?? '' }, opts);
  }

  /**
   * `phone`'s phone sends a poll (`{name, options, selectable?}`) to `to`, with a fresh secret; it
   * keeps the poll, so it can vote on it too (`vote`).
   */
  async sendPoll(phone: string, to: string, poll: unknown, opts: SendOptions = {}): Promise<{ id: string }> {
    const sender = this.#ctx.accounts.require(phone);
    const content = pollMessage(poll);
    const sent = await sendFromPhone(this.#ctx, sender, to, content, opts);
    rememberPoll(sender, sender, sent.id, content.message, this.#ctx.groups.get(to) ? to : undefined);
    return sent;
  }

  /**
   * `phone`'s phone votes on a poll it received from `to` (the poll's sender, or its group):
   * `options` are option names, none withdraws the vote. Encrypted as WhatsApp does (poll-vote.ts).
   */
  vote(phone: string, to: string, pollId: string, options: unknown): Promise<{ id: string }> {
    return castVote(this.#ctx, this.#ctx.accounts.require(phone), { to, pollId, options });
  }

  /** `phone`'s phone reads messages (all unread when `ids` is absent); returns the ids marked read. */
  markRead(phone: string, ids?: string[]): string[] {
    return markRead(this.#ctx, this.#ctx.accounts.require(phone), ids);
  }

  call(phone: string, to: string, video = false): CallRecord {
    const callee = this.#ctx.accounts.resolveTarget(to)?.account;
    if (!callee) throw notFound('unknown_account', `no simulated account ${to}`);
    return { ...placeCall(this.#ctx, this.#ctx.accounts.require(phone), callee, video) };
  }

  calls(phone: string): CallRecord[] {
    return [...this.#ctx.accounts.require(phone).calls.values()].map((c) => ({ ...c }));
  }

  /** The phone unlinks one companion (`jid`) or all of them. */
  removeDevice(phone: string, jid?: string): { removed: string[] } {
    return { removed: removeDevices(this.#ctx, this.#ctx.accounts.require(phone), jid) };
  }

  injectFault(fault: FaultRequest): { affected: number } {
    return this.#ctx.faults.apply(fault);
  }

  clearFaults(): void {
    this.#ctx.faults.clear();
  }

  /** `owner`'s phone creates a group with `members` (phones or JIDs of simulated accounts). */
  createGroup(owner: string, subject: string, members: string[] = []): GroupInfo {
    const creator = this.#ctx.accounts.require(owner);
    if (typeof subject !== 'string' || !subject)
      throw badRequest('invalid_subject', 'subject must be a non-empty string');
    const accounts = members.map((m) => {
      const target = this.#ctx.accounts.resolveTarget(m);
      if (!target) throw badRequest('unknown_member', `no simulated account for ${m}`);
      return target.account;
    });
    const group = this.#ctx.groups.create(creator, subject, accounts);
    announceGroup(this.#ctx, group, creator);
    return this.group(group.jid);
  }

  group(jid: string): GroupInfo {
    const group = this.#ctx.groups.get(jid);
    if (!group) throw new SimError(404, 'unknown_group', `no group ${jid}`);
    return {
      jid: group.jid,
      subject: group.subject,
      owner: `${group.creator.phone}@s.whatsapp.net`,
      participants: [...group.members.values()].map((m) => ({
        jid: `${m.account.phone}@s.whatsapp.net`,
        role: m.role,
      })),
    };
  }

  /** Test hook: `phone`'s phone forgets its Signal session with device `peerJid` (forces a retry). */
  forgetSession(phone: string, peerJid: string): void {
    const peer = this.#ctx.accounts.resolve(peerJid);
    if (!peer) throw badRequest('unknown_jid', `no device ${peerJid}`);
    this.#ctx.accounts.require(phone).phoneDevice.deleteSession(signalAddress(peer.account.lid, peer.device));
  }

  #accept(ws: import('ws').WebSocket): void {
    const ctx = this.#ctx;
    ctx.stats.connectionsTotal++;
    const conn = new Connection(
      ws,
      ctx.ca,
      {
        onPayload: (c, payload) => onClientPayload(ctx, c, payload),
        onNode: (c, n) => onNode(ctx, c, n),
        onClose: (c) => {
          ctx.connections.delete(c);
          ctx.sessions.delete(c);
          ctx.pairing.removeConnection(c);
        },
      },
      { silenceTimeoutMs: ctx.opts.silenceTimeoutMs, closeGraceMs: ctx.opts.closeGraceMs, log: ctx.log },
    );
    ctx.connections.add(conn);
  }
}
