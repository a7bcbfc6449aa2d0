// Routes client iq stanzas by namespace.
import { type BinaryNode, firstChild, iqError, iqResult, node } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import type { Connection } from '../transport/connection.ts';
import { onBlocklistIq, onPrivacyIq, onPropsIq } from './iq-basic.ts';
import { onEncryptIq } from './iq-encrypt.ts';
import { onGroupIq } from './iq-groups.ts';
import { onMdIq } from './iq-md.ts';
import { onUsyncIq } from './usync.ts';

/** Namespaces answered with an empty result (telemetry, presence of the session, ...). */
const EMPTY_RESULT = new Set(['passive', 'w:p', 'w:stats', 'urn:xmpp:whatsapp:dirty']);
/** Namespaces usable before login (an unpaired client). */
const BEFORE_LOGIN = new Set(['md', 'w:p', 'w:stats', 'passive']);

/** Returns `false` when it does not handle that particular query. */
type IqHandler = (ctx: SimContext, conn: Connection, iq: BinaryNode) => unknown;

const HANDLERS: Record<string, IqHandler> = {
  md: (ctx, conn, iq) => onMdIq(ctx, conn, iq),
  encrypt: (ctx, conn, iq) => onEncryptIq(ctx, conn, iq),
  usync: (ctx, conn, iq) => onUsyncIq(ctx, conn, iq),
  'w:g2': (ctx, conn, iq) => onGroupIq(ctx, conn, iq),
  abt: (_ctx, conn, iq) => onPropsIq(conn, iq),
  blocklist: (_ctx, conn, iq) => onBlocklistIq(conn, iq),
  privacy: (_ctx, conn, iq) => onPrivacyIq(conn, iq),
  'w:m': (ctx, conn, iq) => (firstChild(iq)?.tag === 'media_conn' ? onMediaConn(ctx, conn, iq) : false),
};

export function onIq(ctx: SimContext, conn: Connection, iq: BinaryNode): void {
  const { type, xmlns = '' } = iq.attrs;
  if (type === 'result' || type === 'error') return; // answers to server iqs nobody awaits (e.g. pair-device)
  if (!conn.account && !BEFORE_LOGIN.has(xmlns)) {
    conn.sendNode(iqError(iq, 401, 'not-authorized'));
    return;
  }
  if (EMPTY_RESULT.has(xmlns)) {
    conn.sendNode(iqResult(iq));
    return;
  }
  const handler = HANDLERS[xmlns];
  if (handler && handler(ctx, conn, iq) !== false) return;
  ctx.log.debug('unhandled iq', { xmlns, child: firstChild(iq)?.tag, conn: conn.id });
  conn.sendNode(iqError(iq, 501, 'feature-not-implemented'));
}

/** Answers media_conn with the simulator's own media host (served on its HTTP port, see media/http.ts). */
function onMediaConn(ctx: SimContext, conn: Connection, iq: BinaryNode): void {
  const { host, maxUploadBytes } = ctx.opts.media;
  conn.sendNode(
    iqResult(iq, [
      node('media_conn', { auth: ctx.media.auth, ttl: '3600', auth_ttl: '3600', max_buckets: '1' }, [
        node('host', { hostname: host, maxContentLengthBytes: String(maxUploadBytes) }),
      ]),
    ]),
  );
}
