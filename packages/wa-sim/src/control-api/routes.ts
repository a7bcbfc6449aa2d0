// The control API under /sim: thin JSON wrappers over the simulator's programmatic methods (SimControl).
import { badRequest } from '../errors.ts';
import type { FaultRequest } from '../faults.ts';
import { type Json, type Route, route } from './http.ts';
import type { SimControl } from './sim-control.ts';

const str = (body: Json, key: string): string | undefined => {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw badRequest('invalid_field', `${key} must be a string`);
  return String(v);
};

const num = (body: Json, key: string): number | undefined => {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest('invalid_field', `${key} must be a number`);
  return v;
};

const bool = (body: Json, key: string): boolean | undefined => {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest('invalid_field', `${key} must be a boolean`);
  return v;
};

const strList = (body: Json, key: string): string[] | undefined => {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw badRequest('invalid_field', `${key} must be a list of strings`);
  return v;
};

export function simRoutes(sim: SimControl): Route[] {
  return [
    route('GET', '/sim/info', () => sim.info()),
    route('GET', '/sim/stats', () => sim.stats()),
    route('POST', '/sim/accounts', ({ body }) =>
      sim.createAccount({
        phone: str(body, 'phone') ?? '',
        pushName: str(body, 'pushName'),
        autoRead: bool(body, 'autoRead'),
        deliveryReceipts: bool(body, 'deliveryReceipts'),
      }),
    ),
    route('GET', '/sim/accounts/:phone', ({ params }) => sim.account(params.phone!)),
    route('POST', '/sim/scan', ({ body }) => sim.scanQr(str(body, 'phone') ?? '', str(body, 'qr') ?? '')),
    route('POST', '/sim/pairing-code', ({ body }) =>
      sim.enterPairingCode(str(body, 'phone') ?? '', str(body, 'code') ?? ''),
    ),
    route('GET', '/sim/accounts/:phone/inbox', ({ params }) => sim.inbox(params.phone!)),
    route('GET', '/sim/accounts/:phone/outbox', ({ params }) => sim.outbox(params.phone!)),
    route('POST', '/sim/accounts/:phone/send', ({ params, body }) => {
      const opts = { id: str(body, 'id'), corrupt: bool(body, 'corrupt') };
      const to = str(body, 'to') ?? '';
      if (body.media !== undefined) return sim.sendMedia(params.phone!, to, body.media, opts);
      if (body.poll !== undefined) return sim.sendPoll(params.phone!, to, body.poll, opts);
      if (body.revoke !== undefined || body.edit !== undefined)
        return sim.sendProtocol(params.phone!, to, { revoke: body.revoke, edit: body.edit }, opts);
      return sim.sendText(params.phone!, to, str(body, 'text') ?? '', opts);
    }),
    route('POST', '/sim/accounts/:phone/vote', ({ params, body }) =>
      sim.vote(params.phone!, str(body, 'to') ?? '', str(body, 'pollId') ?? '', body.options),
    ),
    route('POST', '/sim/accounts/:phone/read', ({ params, body }) => ({
      read: sim.markRead(params.phone!, strList(body, 'ids')),
    })),
    route('POST', '/sim/accounts/:phone/call', ({ params, body }) =>
      sim.call(params.phone!, str(body, 'to') ?? '', bool(body, 'video') ?? false),
    ),
    route('GET', '/sim/accounts/:phone/calls', ({ params }) => sim.calls(params.phone!)),
    route('POST', '/sim/accounts/:phone/remove-device', ({ params, body }) =>
      sim.removeDevice(params.phone!, str(body, 'jid')),
    ),
    route('POST', '/sim/groups', ({ body }) =>
      sim.createGroup(str(body, 'owner') ?? '', str(body, 'subject') ?? '', strList(body, 'participants') ?? []),
    ),
    route('GET', '/sim/groups/:jid', ({ params }) => sim.group(params.jid!)),
    route('POST', '/sim/faults', ({ body }) =>
      sim.injectFault({
        type: str(body, 'type') as FaultRequest['type'],
        jid: str(body, 'jid'),
        ms: num(body, 'ms'),
        code: num(body, 'code'),
        count: num(body, 'count'),
      }),
    ),
    route('DELETE', '/sim/faults', () => {
      sim.clearFaults();
      return { cleared: true };
    }),
  ];
}
