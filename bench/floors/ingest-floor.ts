// The ingest floors, one child process per run (bench/ingest.ts starts them):
//
//   --variant express   bare Express 5: JSON body, key check, validation, reply 202
//   --variant commit    the same + one Postgres insert of the message row (pg pool of 10) + one
//                       publish with confirm to a quorum queue, before the 202: the irreducible
//                       work of accepting a message durably
//
// Environment: FLOOR_API_KEY (the key clients must send), and for `commit`: DATABASE_URL (a
// migrated TurboZap database), FLOOR_INSTANCE_ID (an existing instance row), AMQP_URL, FLOOR_QUEUE.
// Prints `floor listening on <port>` when ready; stops on SIGTERM.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type AmqpTypes, loadAmqp, loadExpress, loadPg, type MiniHandler } from '../lib/deps.ts';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'express' },
    port: { type: 'string', default: '0' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write(
    'node bench/floors/ingest-floor.ts --variant express|commit --port N (see the header of this file)\n',
  );
  process.exit(0);
}
const variant = values.variant;
if (variant !== 'express' && variant !== 'commit') throw new Error('--variant is express or commit');

const apiKey = Buffer.from(required('FLOOR_API_KEY'));
const phone = /^\+?\d{6,15}$/;

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

/** The key check and validation every variant does (as TurboZap does before any work). */
function accept(req: Parameters<MiniHandler>[0]): { status: number; error?: string; to?: string; text?: string } {
  const presented = Buffer.from(req.get('x-api-key') ?? '');
  if (presented.length !== apiKey.length || !timingSafeEqual(presented, apiKey))
    return { status: 401, error: 'unauthorized' };
  const body = req.body as { to?: unknown; text?: unknown } | undefined;
  if (typeof body?.to !== 'string' || !phone.test(body.to)) return { status: 400, error: 'to' };
  if (typeof body.text !== 'string' || body.text.length < 1 || body.text.length > 65_536)
    return { status: 400, error: 'text' };
  return { status: 202, to: `${body.to.replace(/^\+/, '')}@s.whatsapp.net`, text: body.text };
}

type Commit = (to: string, text: string) => Promise<string>;

async function makeCommit(): Promise<{ commit: Commit; close(): Promise<void> }> {
  const pg = loadPg();
  const amqp = loadAmqp();
  const pool = new pg.Pool({ connectionString: required('DATABASE_URL'), max: 10 });
  pool.on('error', (error) => process.stderr.write(`pg pool: ${error.message}\n`));
  const instanceId = required('FLOOR_INSTANCE_ID');
  const queue = required('FLOOR_QUEUE');
  const connection = await amqp.connect(required('AMQP_URL'));
  const channel: AmqpTypes.ConfirmChannel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  let drained: Promise<void> | null = null;

  // The same row TurboZap stores (same table, columns and indexes), one statement.
  const insert = `INSERT INTO messages (id, instance_id, direction, remote_jid, type, content, status, history, expires_at)
    VALUES ($1, $2, 'outbound', $3, 'text', $4, 'queued', $5, $6) RETURNING id`;

  const publish = async (id: string): Promise<void> => {
    if (drained) await drained;
    const body = Buffer.from(
      JSON.stringify({
        id,
        type: 'message.send',
        v: 1,
        createdAt: new Date().toISOString(),
        payload: { messageId: id, instanceId },
      }),
    );
    await new Promise<void>((resolve, reject) => {
      const ok = channel.sendToQueue(
        queue,
        body,
        { persistent: true, messageId: id, contentType: 'application/json' },
        (err) => (err ? reject(err) : resolve()),
      );
      if (!ok && !drained) {
        drained = new Promise<void>((done) =>
          channel.once('drain', () => {
            drained = null;
            done();
          }),
        );
      }
    });
  };

  return {
    async commit(to, text) {
      const id = randomUUID();
      const now = new Date();
      await pool.query(insert, [
        id,
        instanceId,
        to,
        JSON.stringify({ to, text }),
        JSON.stringify([{ status: 'queued', at: now.toISOString() }]),
        new Date(now.getTime() + 86_400_000),
      ]);
      await publish(id);
      return id;
    },
    async close() {
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await pool.end();
    },
  };
}

const express = loadExpress();
const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '16mb' }));
const committer = variant === 'commit' ? await makeCommit() : undefined;

app.post('/api/message/:name/text', async (req, res, next) => {
  try {
    const verdict = accept(req);
    if (verdict.status !== 202) return res.status(verdict.status).json({ success: false, error: verdict.error });
    const id = committer ? await committer.commit(verdict.to ?? '', verdict.text ?? '') : randomUUID();
    res.status(202).json({ success: true, data: { id, status: 'queued', created: true } });
  } catch (error) {
    next(error);
  }
});

const server = app.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`floor listening on ${typeof address === 'object' && address ? address.port : values.port}\n`);
});
server.keepAliveTimeout = 65_000;

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void (committer?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
