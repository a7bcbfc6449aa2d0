import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api?.close());

const idOf = async (name: string) =>
  (await api.runtime.db.selectFrom('instances').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

/** The blob's size, or null when there is none (its stream closed, not left to the collector). */
async function blobSize(key: string): Promise<number | null> {
  const blob = await api.runtime.blobs.get(key);
  blob?.body.destroy();
  return blob ? blob.size : null;
}

/** A row of the instance in every table that can hold one, as a running system writes them. */
async function fill(name: string): Promise<string> {
  const created = await api.request('POST', '/instance/create', { body: { name } });
  expect(created.status).toBe(201);
  const id = await idOf(name);
  const db = api.runtime.db;
  const sent = await api.request('POST', `/message/${name}/text`, { body: { to: '5511999990000', text: 'hi' } });
  expect(sent.status).toBe(202);
  const webhook = { id: randomUUID() };
  await sql`INSERT INTO webhooks (id, instance_id, url, secret)
    VALUES (${webhook.id}::uuid, ${id}::uuid, 'https://hooks.example.test/x', 'whsec_x')`.execute(db);
  const eventId = `evt-${randomUUID()}`;
  await sql`INSERT INTO events_outbox (id, instance_id, event, envelope)
    VALUES (${eventId}, ${id}::uuid, 'message.sent', ${JSON.stringify({ instance: { id, name } })}::jsonb)`.execute(db);
  const delivery = randomUUID();
  await sql`INSERT INTO webhook_deliveries (id, event_id, webhook_id, instance_id, event, payload)
    VALUES (${delivery}::uuid, ${eventId}, ${webhook.id}::uuid, ${id}::uuid, 'message.sent', '{}'::jsonb)`.execute(db);
  await sql`INSERT INTO webhook_attempts (delivery_id, attempt, duration_ms) VALUES (${delivery}::uuid, 1, 5)`.execute(
    db,
  );
  await sql`INSERT INTO wa_auth_creds (instance_id, key_id, ciphertext) VALUES (${id}::uuid, 'k', '\\x00'::bytea)`.execute(
    db,
  );
  await sql`INSERT INTO wa_auth_keys (instance_id, type, id, key_id, ciphertext)
    VALUES (${id}::uuid, 'session', 'x', 'k', '\\x00'::bytea)`.execute(db);
  await sql`INSERT INTO polls (instance_id, wa_message_id, message_id, options, secret)
    VALUES (${id}::uuid, 'WA1', ${sent.body.data.id}::uuid, '[]'::jsonb, '\\x00'::bytea)`.execute(db);
  for (const key of [`media/${id}/out-1`, `media/${id}/WAIN0001`, `media/${id}/nested/x`]) {
    await api.runtime.blobs.put(key, Buffer.from(key), { contentType: 'image/jpeg' });
  }
  return id;
}

/** Every table of the schema, every column that can hold an id as text: rows mentioning `id`. */
async function rowsMentioning(id: string): Promise<string[]> {
  const db = api.runtime.db;
  const columns = await sql<{ table_name: string; column_name: string }>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('uuid', 'text', 'character varying', 'jsonb', 'json', 'ARRAY')`.execute(db);
  const found: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table_name)}
      WHERE strpos(${sql.ref(column_name)}::text, ${id}) > 0`.execute(db);
    if (Number(rows[0]?.n) > 0) found.push(`${table_name}.${column_name}: ${rows[0]?.n}`);
  }
  return found;
}

test('deleting an instance leaves no row that mentions it in any table, and no media blob of it', async () => {
  const id = await fill('doomed');
  const other = await fill('kept');
  expect((await rowsMentioning(id)).length).toBeGreaterThanOrEqual(8); // the fill reached every table

  const res = await api.request('DELETE', '/instance/doomed');
  expect(res.status).toBe(200);

  expect(await rowsMentioning(id)).toEqual([]);
  for (const key of [`media/${id}/out-1`, `media/${id}/WAIN0001`, `media/${id}/nested/x`]) {
    expect({ key, size: await blobSize(key) }).toEqual({ key, size: null });
  }
  // Nothing of the other instance went with it.
  expect((await rowsMentioning(other)).length).toBeGreaterThanOrEqual(8);
  expect(await blobSize(`media/${other}/out-1`)).toBeGreaterThan(0);
  expect((await api.request('GET', '/instance/kept')).status).toBe(200);
  expect((await api.request('DELETE', '/instance/doomed')).status).toBe(404);
});

test('when the media cannot be deleted, nothing is deleted and the delete can be retried', async () => {
  const id = await fill('retry');
  const { blobs } = api.runtime;
  const original = blobs.deletePrefix.bind(blobs);
  blobs.deletePrefix = async () => {
    throw new Error('blob store down');
  };
  try {
    expect((await api.request('DELETE', '/instance/retry')).status).toBe(500);
  } finally {
    blobs.deletePrefix = original;
  }
  expect((await api.request('GET', '/instance/retry')).status).toBe(200);
  expect(await blobSize(`media/${id}/out-1`)).toBeGreaterThan(0);
  expect((await api.request('DELETE', '/instance/retry')).status).toBe(200);
  expect(await rowsMentioning(id)).toEqual([]);
  expect(await blobSize(`media/${id}/out-1`)).toBeNull();
});
