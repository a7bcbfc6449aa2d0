import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PrivateRedis, startPrivateRedis } from '../../packages/shared/src/testing/redis-server.ts';
import { describeWith, testServices } from '../../packages/shared/src/testing/services.ts';
import { MiniBalancer } from './support/runbook-lb.ts';
import {
  baseEnv,
  createDatabase,
  createVhost,
  databaseUrl,
  deleteVhost,
  dropDatabase,
  freePort,
  http,
  Proc,
  psql,
  type Role,
  redisDbSize,
  removeDir,
  run,
  scriptsDir,
  sleep,
  startRole,
  startS3,
  startSimulator,
  tempDir,
  turbozapBin,
  waitFor,
  within,
} from './support/runbook-stack.ts';

/**
 * The operations runbook (docs/OPERATIONS.md) against a real distributed TurboZap: roles and
 * the WhatsApp simulator as child processes on PostgreSQL, RabbitMQ and Redis, driven over HTTP
 * and by running the shipped scripts (deploy/scripts/*.sh) with bash, as an operator would.
 */
const describeRunbook = await describeWith('postgres', 'redis', 'rabbitmq');

const id = `tz_rb_${process.pid}_${Date.now().toString(36)}`;
const adminKey = `rb-admin-${'a'.repeat(40)}`;
const sessionKey = 'be'.repeat(32);
const passphrase = `backup-pass-${Date.now()}`;
const contactPhone = '5511900000202';

// Every test links an instance of its own (its own phone), so one failure stays one failure.
describeRunbook('operations runbook (deploy/scripts, docs/OPERATIONS.md)', () => {
  /** The instance of the running test and its phone (set by `linked`). */
  let name = '';
  let instancePhone = '';
  let instances = 0;
  let tmp: string;
  let dbA: string;
  let dbB: string;
  /** Its own Redis: db 0 serves the stack, db 1 stays empty for the restore. */
  let redis: PrivateRedis | undefined;
  let s3: Awaited<ReturnType<typeof startS3>>;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let common: Record<string, string>;
  let api: Role | undefined;
  let worker: Role | undefined;
  const extraRoles: Role[] = [];
  const procs: Proc[] = [];
  let vhostCreated = false;

  const roleEnv = (db: string, redisDb: number, extra: Record<string, string> = {}) =>
    baseEnv({ ...common, DATABASE_URL: databaseUrl(db), REDIS_URL: redis!.url(redisDb), ...extra });
  const callApi = (method: string, path: string, body?: unknown) =>
    http(api!.url, method, path, { key: adminKey, body });
  const status = async () =>
    (await callApi('GET', `/instance/${name}/status`)).body?.data?.status as string | undefined;
  const waitStatus = (want: string, timeoutMs = 30_000) =>
    waitFor(`instance ${name} ${want}`, async () => (await status()) === want, timeoutMs, 200);
  const sim$ = (method: string, path: string, body?: unknown) => http(sim.url, method, path, { body });
  const inbox = async (): Promise<Array<{ text?: string }>> => {
    const r = await sim$('GET', `/sim/accounts/${contactPhone}/inbox`);
    return Array.isArray(r.body) ? r.body : [];
  };
  const send = (text: string) => callApi('POST', `/message/${name}/text`, { to: contactPhone, text });

  /** This test's own instance, created and linked by QR to a phone of its own. */
  async function linked(label: string): Promise<void> {
    instances++;
    name = `rb-${label}`;
    instancePhone = `55119000001${String(instances).padStart(2, '0')}`;
    expect((await callApi('POST', '/instance/create', { name })).status).toBe(201);
    await linkWithQr();
  }

  /** Linking as a person does it: connect, read the QR from the API, scan it with the phone. */
  async function linkWithQr(): Promise<void> {
    expect((await callApi('POST', `/instance/${name}/connect`)).status).toBe(200);
    const qr = await waitFor(
      'a QR code',
      async () => (await callApi('GET', `/instance/${name}/qrcode`)).body?.data?.qrcode as string | null,
      30_000,
      200,
    );
    const scan = await sim$('POST', '/sim/scan', { phone: instancePhone, qr });
    expect(scan.status).toBe(200);
    await waitStatus('connected');
  }

  beforeAll(async () => {
    tmp = tempDir('tz-runbook-');
    dbA = `${id}_a`;
    dbB = `${id}_b`;
    await createDatabase(dbA);
    await createVhost(id);
    vhostCreated = true;
    redis = await startPrivateRedis('runbook');
    s3 = await startS3(tmp, 'runbook-media');
    procs.push(s3.proc);
    sim = await startSimulator(tmp);
    procs.push(sim.proc);
    common = {
      RABBITMQ_URL: `${testServices.rabbitmq.replace(/\/+$/, '')}/${id}`,
      API_KEY: adminKey,
      SESSION_ENCRYPTION_KEY: sessionKey,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      REDIS_RATE_LIMIT_RPM: '0',
      WHATSAPP_SIMULATOR_URL: sim.url,
      LOG_LEVEL: 'warn',
      LEASE_TTL: '6s',
    };
    const migrate = await run(turbozapBin, ['migrate'], { env: roleEnv(dbA, 0), cwd: tmp });
    expect(migrate.code).toBe(0);
    [api, worker] = await Promise.all([
      startRole('api', roleEnv(dbA, 0), tmp),
      startRole('worker', roleEnv(dbA, 0), tmp),
    ]);
    expect((await sim$('POST', '/sim/accounts', { phone: contactPhone })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api, worker, ...extraRoles].filter(Boolean).map((r) => r!.proc.stop(5_000)));
    await Promise.all(procs.map((p) => p.stop(5_000)));
    for (const db of [dbA, dbB]) if (db) await dropDatabase(db);
    if (vhostCreated) await deleteVhost(id);
    await redis?.stop();
    if (tmp) removeDir(tmp);
  }, 60_000);

  test('cancel-pending: messages queued while no worker runs are cancelled by the CLI and never sent', async () => {
    await linked('cancel');
    await worker!.stop();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await send(`cancel-me-${i}`);
      expect(r.status).toBe(202);
      ids.push(r.body.data.id);
    }

    const cancel = await run(turbozapBin, ['messages', 'cancel-pending', name, '--json'], {
      env: roleEnv(dbA, 0),
      cwd: tmp,
    });
    expect(cancel.stderr).toBe('');
    expect(cancel.code).toBe(0);
    const out = JSON.parse(cancel.stdout);
    expect(out).toMatchObject({ instance: name, cancelled: 5 });
    expect([...out.ids].sort()).toEqual([...ids].sort());

    worker = await startRole('worker', roleEnv(dbA, 0), tmp);
    // A message sent after the restart arrives: the pipeline works and the cancelled ones
    // (earlier in the same chat) neither went out nor hold it back.
    expect((await send('after-cancel')).status).toBe(202);
    await waitFor(
      'the control message in the contact inbox',
      async () => (await inbox()).some((m) => m.text === 'after-cancel'),
      45_000,
      250,
    );
    await sleep(1000);
    expect((await inbox()).filter((m) => m.text?.startsWith('cancel-me-'))).toEqual([]);
    for (const messageId of ids) {
      const row = await callApi('GET', `/message/${name}/${messageId}`);
      expect(row.body.data.status).toBe('cancelled');
    }
    expect(
      await psql(dbA, `select count(*) from messages where status = 'cancelled' and id in ('${ids.join("','")}')`),
    ).toBe('5');
  }, 120_000);

  test('reauth-instance.sh brings a logged-out instance back through a fresh QR', async () => {
    await linked('reauth');
    const removed = await sim$('POST', `/sim/accounts/${instancePhone}/remove-device`, {});
    expect(removed.status).toBe(200);
    await waitStatus('logged_out');

    const script = new Proc(
      'reauth-instance.sh',
      'bash',
      [join(scriptsDir, 'reauth-instance.sh'), name, '--raw'],
      baseEnv({ API_URL: api!.url, API_KEY: adminKey, QR_TIMEOUT: '30', CONNECT_TIMEOUT: '60' }),
      tmp,
    );
    procs.push(script);
    const [, qr] = await script.waitForOutput(/^QR: (\S+)$/m, 40_000);
    const scan = await sim$('POST', '/sim/scan', { phone: instancePhone, qr });
    expect(scan.status).toBe(200);
    const code = await within(script.exited, 60_000);
    expect({ code, output: script.output }).toEqual({
      code: 0,
      output: expect.stringContaining('Conectado com sucesso'),
    });
    expect(script.output).toContain('Status atual: logged_out');
    expect(await status()).toBe('connected');

    // The plan's version only worked with a hard-coded key; without API_KEY the script refuses.
    const noKey = await run('bash', [join(scriptsDir, 'reauth-instance.sh'), name], {
      env: baseEnv({ API_URL: api!.url }),
    });
    expect(noKey.code).toBe(2);
    // An instance that is connected needs nothing.
    const again = await run('bash', [join(scriptsDir, 'reauth-instance.sh'), name], {
      env: baseEnv({ API_URL: api!.url, API_KEY: adminKey }),
    });
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('já conectada') });
  }, 120_000);

  test('rotate-api-key.sh: two API replicas behind a balancer, a client at 20 req/s, no 401 at any time', async () => {
    name = 'rb-rotate';
    expect((await callApi('POST', '/instance/create', { name })).status).toBe(201);
    // The replicas read API_KEY from .env in their working directory, like docker compose's .env.
    const dir = tempDir('tz-runbook-rotate-');
    const oldKey = `rb-old-${'o'.repeat(40)}`;
    writeFileSync(join(dir, '.env'), `# TurboZap\nLOG_LEVEL=warn\nAPI_KEY=${oldKey}\n`, { mode: 0o600 });
    const { API_KEY: _fromEnvFile, ...envWithoutKey } = roleEnv(dbA, 0);
    const replicas = await Promise.all([startRole('api', envWithoutKey, dir), startRole('api', envWithoutKey, dir)]);
    extraRoles.push(...replicas);
    const lb = new MiniBalancer(replicas);
    await lb.start();

    let key = oldKey;
    const results: Array<{ status: number; key: string }> = [];
    let clientRunning = true;
    const client = (async () => {
      const inFlight: Promise<void>[] = [];
      while (clientRunning) {
        const used = key;
        inFlight.push(
          http(`http://127.0.0.1:${lb.port}`, 'GET', `/instance/${name}/status`, { key: used }).then(
            (r) => void results.push({ status: r.status, key: used === oldKey ? 'old' : 'new' }),
            () => void results.push({ status: 0, key: used === oldKey ? 'old' : 'new' }),
          ),
        );
        await sleep(50);
      }
      await Promise.all(inFlight);
    })();

    try {
      await sleep(500);
      const restartCmd = `curl -fsS -X POST http://127.0.0.1:${lb.controlPort}/restart-api`;
      const phase1 = await run(
        'bash',
        [join(scriptsDir, 'rotate-api-key.sh'), '--env-file', join(dir, '.env'), '--restart-cmd', restartCmd],
        {
          env: baseEnv(),
          timeoutMs: 90_000,
        },
      );
      expect({ code: phase1.code, stderr: phase1.stderr }).toMatchObject({ code: 0 });
      const newKey = /^NEW_API_KEY=([0-9a-f]{64})$/m.exec(phase1.stdout)?.[1];
      expect(newKey).toBeDefined();
      expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`API_KEY=${newKey},${oldKey}\n`);
      expect(lb.restarts).toBe(2);

      await sleep(500);
      key = newKey!; // the operator hands the new key to the client
      await sleep(500);

      const phase2 = await run(
        'bash',
        [
          join(scriptsDir, 'rotate-api-key.sh'),
          '--retire',
          '-',
          '--env-file',
          join(dir, '.env'),
          '--restart-cmd',
          restartCmd,
        ],
        {
          env: baseEnv(),
          input: `${oldKey}\n`,
          timeoutMs: 90_000,
        },
      );
      expect({ code: phase2.code, stderr: phase2.stderr }).toMatchObject({ code: 0 });
      expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(new RegExp(`^API_KEY=${newKey}$`, 'm'));
      expect(lb.restarts).toBe(4);
      await sleep(500);
    } finally {
      clientRunning = false;
      await client;
      await lb.close();
    }

    const seconds = results.length / 20;
    expect(seconds).toBeGreaterThan(5);
    expect(results.filter((r) => r.status === 401)).toEqual([]);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.some((r) => r.key === 'new')).toBe(true);
    // The old key is really retired; the new one works.
    expect((await http(replicas[0]!.url, 'GET', `/instance/${name}/status`, { key: oldKey })).status).toBe(401);
    expect((await http(replicas[1]!.url, 'GET', `/instance/${name}/status`, { key: key })).status).toBe(200);
    await Promise.all(replicas.map((r) => r.stop()));
    removeDir(dir);
  }, 150_000);

  test('backup.sh then restore.sh onto a fresh database and an empty Redis: the session comes back without a QR', async () => {
    await linked('backup');
    // The runbook keeps the session keyring in the secret store, never in the backup: here a
    // file like /etc/turbozap/keyring.env (mode 600); the backup passphrase beside it.
    const secrets = join(tmp, 'secrets');
    const backups = join(tmp, 'backups');
    await run('mkdir', ['-p', '-m', '700', secrets]);
    const keyringFile = join(secrets, 'keyring.env');
    writeFileSync(keyringFile, `SESSION_ENCRYPTION_KEY=${sessionKey}\n`, { mode: 0o600 });
    const passFile = join(secrets, 'backup.pass');
    writeFileSync(passFile, `${passphrase}\n`, { mode: 0o600 });
    const envFile = join(tmp, 'prod.env');
    writeFileSync(
      envFile,
      `API_KEY=${adminKey}\nSESSION_ENCRYPTION_KEY=${sessionKey}\nDATABASE_URL=postgres://turbozap:db-password-123@db:5432/turbozap\nS3_SECRET_KEY=s3-secret-456\nLOG_LEVEL=info\n`,
    );
    const scriptEnv = (db: string, extra: Record<string, string> = {}) =>
      baseEnv({
        DATABASE_URL: databaseUrl(db),
        BACKUP_PASSPHRASE_FILE: passFile,
        API_URL: api!.url,
        API_KEY: adminKey,
        ...extra,
      });

    const backup = await run('bash', [join(scriptsDir, 'backup.sh'), '--dir', backups, '--env-file', envFile], {
      env: scriptEnv(dbA),
    });
    expect({ code: backup.code, stderr: backup.stderr }).toEqual({ code: 0, stderr: '' });
    const backupFile = /^BACKUP_FILE=(.+)$/m.exec(backup.stdout)?.[1] ?? '';
    const bytes = readFileSync(backupFile);
    expect(Number(await psql(dbA, 'select count(*) from wa_auth_creds'))).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from('wa_auth_creds'))).toBe(false);
    expect(bytes.subarray(0, 19).toString('latin1')).toBe('TURBOZAP-BACKUP v2 '); // authenticated (backup-crypto.sh)
    const envCopy = readdirSync(backups).find((f) => f.startsWith('env_'));
    const envText = readFileSync(join(backups, envCopy!), 'utf8');
    for (const secret of [adminKey, sessionKey, 'db-password-123', 's3-secret-456'])
      expect(envText).not.toContain(secret);
    expect(envText).toContain('LOG_LEVEL=info');

    // Restore refuses while TurboZap answers on API_URL.
    const whileUp = await run(
      'bash',
      [join(scriptsDir, 'restore.sh'), backupFile, '--keyring-file', keyringFile, '--yes-stopped'],
      { env: scriptEnv(dbA) },
    );
    expect(whileUp.code).toBe(3);
    expect(whileUp.stderr).toContain('está no ar');

    const before = (await sim$('GET', '/sim/stats')).body as { pairings: number };
    await Promise.all([api!.stop(), worker!.stop()]);

    // A fresh, empty database; a wrong keyring is refused before the database is touched.
    await createDatabase(dbB);
    const wrongKeyring = join(tmp, 'wrong-keyring.env');
    writeFileSync(wrongKeyring, `SESSION_ENCRYPTION_KEY=${'0f'.repeat(32)}\n`);
    const wrong = await run(
      'bash',
      [join(scriptsDir, 'restore.sh'), backupFile, '--keyring-file', wrongKeyring, '--yes-stopped'],
      { env: scriptEnv(dbB) },
    );
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('chaveiro');
    expect(await psql(dbB, "select count(*) from information_schema.tables where table_schema = 'public'")).toBe('0');
    // Same key id, different key material: refused too (the restore test-decrypts a credential).
    const sameIdWrongKey = join(tmp, 'same-id-keyring.env');
    const { keyFingerprint } = await import('../../packages/shared/src/config/keyring.ts');
    const keyId = keyFingerprint(Buffer.from(sessionKey, 'hex'));
    writeFileSync(sameIdWrongKey, `SESSION_ENCRYPTION_KEYS=${keyId}:${'0f'.repeat(32)}\n`);
    const sameId = await run(
      'bash',
      [join(scriptsDir, 'restore.sh'), backupFile, '--keyring-file', sameIdWrongKey, '--yes-stopped'],
      { env: scriptEnv(dbB) },
    );
    expect(sameId.code).toBe(3);
    expect(await psql(dbB, "select count(*) from information_schema.tables where table_schema = 'public'")).toBe('0');

    // A backup changed by one byte is refused before anything is decrypted: database untouched.
    const tampered = join(backups, 'turbozap_db_tampered.dump.enc');
    const altered = Buffer.from(bytes);
    altered[altered.length >> 1]! ^= 1;
    writeFileSync(tampered, altered);
    const refused = await run(
      'bash',
      [join(scriptsDir, 'restore.sh'), tampered, '--keyring-file', keyringFile, '--yes-stopped'],
      { env: scriptEnv(dbB) },
    );
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 1,
      stderr: expect.stringContaining('backup recusado'),
    });
    expect(await psql(dbB, "select count(*) from information_schema.tables where table_schema = 'public'")).toBe('0');

    // The real restore, as the runbook runs it: it waits (--wait-api) for the operator to start
    // the roles, then runs the plan's `curl …/instance/list` check.
    const newApiPort = await freePort();
    const restore = new Proc(
      'restore.sh',
      'bash',
      [join(scriptsDir, 'restore.sh'), backupFile, '--keyring-file', keyringFile, '--yes-stopped', '--wait-api', '120'],
      scriptEnv(dbB, { API_URL: `http://127.0.0.1:${newApiPort}` }),
      tmp,
    );
    procs.push(restore);
    await restore.waitForOutput(/Agora inicie as funções/, 120_000);
    expect(restore.output).toContain('Chaveiro confere');
    expect(restore.output).toMatch(/database schema is up to date|: Success/);
    expect(await psql(dbB, 'select count(*) from kysely_migration')).not.toBe('0');
    expect(await psql(dbB, 'select count(*) from wa_auth_creds')).toBe(
      await psql(dbA, 'select count(*) from wa_auth_creds'),
    );

    // Start the roles on the restored database, with the keyring from the secret store and an EMPTY Redis.
    const keyring = Object.fromEntries(
      readFileSync(keyringFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(await redisDbSize(redis!.port, 1)).toBe(0);
    const { SESSION_ENCRYPTION_KEY: _notFromHere, ...withoutKeyring } = roleEnv(dbB, 1);
    const restoredEnv = { ...withoutKeyring, ...keyring };
    [api, worker] = await Promise.all([
      startRole('api', restoredEnv, tmp, newApiPort),
      startRole('worker', restoredEnv, tmp),
    ]);
    const restoreCode = await within(restore.exited, 60_000);
    expect({ code: restoreCode, output: restore.output }).toEqual({
      code: 0,
      // The plan's instance list, printed as soon as the API answers: the worker may still be connecting.
      output: expect.stringMatching(new RegExp(`${name}: (connected|connecting)`)),
    });
    expect(restore.output).toContain('Restore concluído');

    // The restored row still says `connected`: wait for this phone's device to be online again
    // (it went offline with the stopped roles) and a lease in the (empty) Redis, i.e. a worker
    // really owns the socket again, logged in with the restored credentials.
    await waitFor(
      'a login with the restored credentials',
      async () => {
        const st = (await callApi('GET', `/instance/${name}/status`)).body?.data;
        const account = (await sim$('GET', `/sim/accounts/${instancePhone}`)).body as {
          devices: { online: boolean }[];
        };
        return st?.status === 'connected' && st.owner && account.devices.some((d) => d.online);
      },
      60_000,
      250,
    );
    expect((await callApi('GET', `/instance/${name}/qrcode`)).body.data.qrcode).toBeNull();
    expect((await sim$('GET', '/sim/stats')).body.pairings).toBe(before.pairings); // no new link: no QR was scanned

    // The plan's check after a restore, and a message through the restored Signal session.
    const list = await callApi('GET', '/instance/list');
    expect(list.body.data.map((i: { name: string; status: string }) => [i.name, i.status])).toContainEqual([
      name,
      'connected',
    ]);
    expect((await send('after-restore')).status).toBe(202);
    await waitFor(
      'a message sent after the restore',
      async () => (await inbox()).some((m) => m.text === 'after-restore'),
      45_000,
      250,
    );
  }, 180_000);
});
