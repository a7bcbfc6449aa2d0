import type { BaileysEventMap, WACallEvent } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { Lru } from '../util/lru.ts';
import { jidPair } from './jids.ts';

/**
 * Group, presence and call notifications → events (no rows: they describe a moment). They
 * still leave through the events outbox, fenced, like everything else.
 */
export class NotificationEvents {
  readonly #scope: InstanceScope;
  /** Calls seen accepted, so a `terminate` after an accept is not reported as missed. */
  readonly #accepted = new Lru<string, true>(256);

  constructor(scope: InstanceScope) {
    this.#scope = scope;
  }

  async presence(update: BaileysEventMap['presence.update']): Promise<void> {
    const chat = jidPair(update.id);
    await this.#scope.write(async (_, emit) => {
      for (const [participant, data] of Object.entries(update.presences)) {
        const who = jidPair(participant);
        await emit(
          'presence.update',
          {
            chat_jid: chat.jid ?? chat.lid,
            participant_jid: who.jid,
            participant_lid: who.lid,
            presence: data.lastKnownPresence,
            last_seen: data.lastSeen ?? null,
          },
          update.id,
          participant,
          data.lastKnownPresence,
          Date.now(),
        );
      }
    });
  }

  async groupsUpdate(updates: BaileysEventMap['groups.update']): Promise<void> {
    await this.#scope.write(async (_, emit) => {
      for (const update of updates) {
        if (!update.id) continue;
        const { id, subject, desc, announce, restrict, ephemeralDuration, memberAddMode, joinApprovalMode } = update;
        const data = {
          group_jid: id,
          subject,
          description: desc,
          announce,
          restrict,
          ephemeral_duration: ephemeralDuration,
          member_add_mode: memberAddMode,
          join_approval_mode: joinApprovalMode,
        };
        await emit('group.update', stripUndefined(data), id, JSON.stringify(data), Date.now());
      }
    });
  }

  async participants(update: BaileysEventMap['group-participants.update']): Promise<void> {
    const author = jidPair(update.author, update.authorPn);
    const participants = update.participants.map((p) => {
      const pair = jidPair(p.id, p.phoneNumber ?? p.lid);
      return { jid: pair.jid, lid: pair.lid, admin: p.admin ?? null };
    });
    await this.#scope.write((_, emit) =>
      emit(
        'group.participants.update',
        { group_jid: update.id, action: update.action, author_jid: author.jid, author_lid: author.lid, participants },
        update.id,
        update.action,
        JSON.stringify(participants),
        Date.now(),
      ),
    );
  }

  async calls(calls: WACallEvent[]): Promise<void> {
    await this.#scope.write(async (_, emit) => {
      for (const call of calls) {
        const from = jidPair(call.from, call.callerPn);
        const data = {
          call_id: call.id,
          from_jid: from.jid,
          from_lid: from.lid,
          is_video: Boolean(call.isVideo),
          is_group: Boolean(call.isGroup),
          group_jid: call.groupJid ?? null,
          at: call.date?.toISOString?.() ?? null,
        };
        const { status } = call;
        if (status === 'accept') this.#accepted.set(call.id, true);
        if (status === 'offer') await emit('call.received', { ...data, status }, call.id);
        else if (status === 'timeout' || (status === 'terminate' && !this.#accepted.has(call.id))) {
          await emit('call.missed', { ...data, status }, call.id);
        }
      }
    });
  }
}

const stripUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
