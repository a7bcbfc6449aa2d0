import type { InstanceSettings } from '@turbozap/shared/contracts/settings';
import type { WACallEvent, WASocket } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { jidPair } from './jids.ts';

export interface CallRejectorPorts {
  settings: () => InstanceSettings;
  /** Queues the text for the caller after a rejection; `callId` keeps it one message per call. */
  reply: (to: string, text: string, callId: string) => Promise<void>;
}

/**
 * `reject_calls`: every ringing call is rejected as it arrives (after its `call.received` is
 * written), and the caller is sent `reject_call_message` when there is one. Read at each call,
 * so a change of the setting applies to the next call.
 */
export class CallRejector {
  readonly #scope: InstanceScope;
  readonly #ports: CallRejectorPorts;

  constructor(scope: InstanceScope, ports: CallRejectorPorts) {
    this.#scope = scope;
    this.#ports = ports;
  }

  async handle(sock: WASocket, calls: WACallEvent[]): Promise<void> {
    const { reject_calls, reject_call_message } = this.#ports.settings();
    if (!reject_calls) return;
    for (const call of calls) {
      if (call.status !== 'offer') continue;
      await sock.rejectCall(call.id, call.from);
      this.#scope.log.info('call rejected (reject_calls)', { call_id: call.id });
      if (!reject_call_message) continue;
      const caller = jidPair(call.from, call.callerPn);
      await this.#ports.reply(caller.jid ?? call.from, reject_call_message, call.id);
    }
  }
}
