import { node } from '../binary/nodes.ts';
import { takeBacklog } from './delivery.ts';
import { MAX_KEPT_PER_DEVICE, PendingStanzas } from './pending.ts';

const message = (id: string, count?: string) =>
  node('message', { id, from: '15550000001@s.whatsapp.net', type: 'text' }, [node('enc', { v: '2', count })]);
const receipt = (id: string, attrs: Record<string, string> = {}) =>
  node('receipt', { id, from: '15550000001@s.whatsapp.net', ...attrs });
const ack = (tag: string, id: string, attrs: Record<string, string> = {}) => node('ack', { class: tag, id, ...attrs });
const ids = (pending: PendingStanzas) => pending.list().map((s) => `${s.tag} ${s.attrs.id}`);

describe('pending stanzas of a device', () => {
  test('a message is acknowledged by a receipt naming it (any type) or by an ack or nack', () => {
    const pending = new PendingStanzas();
    for (const id of ['A', 'B', 'C', 'D', 'E']) pending.add(message(id));
    pending.receipted(['A', 'B'], 'read');
    pending.receipted(['C']);
    pending.acked(ack('message', 'D', { error: '500' }));
    expect(ids(pending)).toEqual(['message E']);
    pending.acked(ack('message', 'E'));
    expect(pending.size).toBe(0);
  });

  test('an ack clears only its own class: a receipt and a message may share an id', () => {
    const pending = new PendingStanzas();
    pending.add(message('X'));
    pending.add(receipt('X'));
    pending.add(node('notification', { id: 'X', type: 'w:gp2' }));
    pending.acked(ack('receipt', 'X'));
    expect(ids(pending)).toEqual(['message X', 'notification X']);
    pending.acked(ack('notification', 'X', { type: 'w:gp2' }));
    expect(ids(pending)).toEqual(['message X']);
  });

  test('receipts are told apart by type and participant, which the acks echo', () => {
    const pending = new PendingStanzas();
    pending.add(receipt('M'));
    pending.add(receipt('M', { type: 'read' }));
    pending.add(receipt('M', { participant: '15550000002@s.whatsapp.net' }));
    pending.acked(ack('receipt', 'M', { type: 'read' }));
    pending.acked(ack('receipt', 'M', { participant: '15550000002@s.whatsapp.net' }));
    expect(pending.list()).toEqual([receipt('M')]);
    pending.receipted(['M']); // a receipt the device sends names messages, not receipts
    expect(pending.size).toBe(1);
  });

  test('stanzas a client never acknowledges are not kept', () => {
    const pending = new PendingStanzas();
    expect(pending.add(node('iq', { id: 'Q', type: 'set' }))).toBe(false);
    expect(pending.add(node('ib', {}, [node('offline', { count: '0' })]))).toBe(false);
    expect(pending.add(node('message', { from: 'x@s.whatsapp.net' }))).toBe(false);
    expect(pending.size).toBe(0);
  });

  test('a resend replaces the copy it supersedes; the nack of the undecryptable copy does not clear it', () => {
    const pending = new PendingStanzas();
    pending.add(message('R'));
    pending.receipted(['R'], 'retry');
    const resend = message('R', '1');
    pending.add(resend);
    pending.acked(ack('message', 'R', { error: '500' }));
    expect(pending.list()).toEqual([resend]);
    pending.receipted(['R']);
    expect(pending.size).toBe(0);
  });

  test(`past ${MAX_KEPT_PER_DEVICE} stanzas the oldest are dropped`, () => {
    const pending = new PendingStanzas();
    for (let i = 0; i <= MAX_KEPT_PER_DEVICE; i++) pending.add(message(`M${i}`));
    expect(pending.size).toBe(MAX_KEPT_PER_DEVICE);
    expect(pending.list()[0]!.attrs.id).toBe('M1');
  });

  test('at login: what is pending comes first, then the offline queue, and all of it stays pending', () => {
    const device = { offlineQueue: [message('Q1'), receipt('Q2')], pending: new PendingStanzas() };
    device.pending.add(message('P1'));
    device.pending.add(node('notification', { id: 'P2' }));
    const backlog = takeBacklog(device);
    expect(backlog.map((s) => s.attrs.id)).toEqual(['P1', 'P2', 'Q1', 'Q2']);
    expect(device.offlineQueue).toEqual([]);
    expect(ids(device.pending)).toEqual(['message P1', 'notification P2', 'message Q1', 'receipt Q2']);
    expect(takeBacklog(device).map((s) => s.attrs.id)).toEqual(['P1', 'P2', 'Q1', 'Q2']);
  });
});
