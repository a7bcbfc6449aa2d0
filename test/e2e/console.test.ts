import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import jsQRModule from 'jsqr';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { type Child, freePort, healthy, repoRoot, spawnTurbozap, waitFor } from './support/processes.ts';

/**
 * The console at /manager in a real browser (Debian's Chromium through playwright-core)
 * against `./turbozap all` and the simulator, used as an operator would: no API call of the
 * test's own except the simulator's (the phone that scans, the contact that replies) and the
 * instances created in bulk for the long list.
 */
const chromiumPath = '/usr/bin/chromium';
const adminKey = `admin-${'c'.repeat(40)}`;
const instancePhone = '5511955550001';
const contactPhone = '5511955550002';
const pairingPhone = '5511955550003';
/** Screenshots of every page in both languages, kept after the run (README links them). */
const screenshots = join(repoRoot, 'artifacts/console');
const present = existsSync(chromiumPath);
// A CommonJS module whose exports are the function and also carry it as `default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;
if (!present && process.env.CI === 'true')
  throw new Error(`${chromiumPath} is missing: .ci/run installs Debian's chromium`);
if (!present) console.warn(`console tests skipped: no ${chromiumPath} (apt-get install chromium)`);

(present ? describe : describe.skip)('the console at /manager, in Chromium', () => {
  const children: Child[] = [];
  let dir: string;
  let base: string;
  let sim: string;
  let browser: Browser;
  /** Anything the page logged as an error (a CSP violation, an exception) fails the suite. */
  const pageErrors: string[] = [];

  const simCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sim ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tz-console-'));
    const simPort = await freePort();
    children.push(spawnTurbozap(['sim', '--port', String(simPort)], {}));
    sim = `http://127.0.0.1:${simPort}`;
    await waitFor('the simulator', () => fetch(`${sim}/sim/stats`).then((r) => r.ok), 60_000);
    const port = await freePort();
    const all = spawnTurbozap(['all'], {
      DATA_DIR: dir,
      SERVER_PORT: String(port),
      API_KEY: adminKey,
      WHATSAPP_SIMULATOR_URL: sim,
      REDIS_RATE_LIMIT_RPM: '0',
      API_CHECK_RESPONSES: 'true',
      // The test's webhook receiver is on loopback; one retry, so a failing receiver fails fast.
      ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
      WEBHOOK_RETRY_COUNT: '1',
    });
    children.push(all);
    base = `http://127.0.0.1:${port}`;
    await waitFor('turbozap all', healthy(port), 90_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${all.output().slice(-3000)}`);
    });
    await simCall('POST', '/sim/accounts', { phone: contactPhone, pushName: 'Cliente' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    receiver?.close();
    await browser?.close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(lang: 'pt-BR' | 'en' = 'pt-BR'): Promise<Page> {
    const context = await browser.newContext({ locale: lang });
    const page = await context.newPage();
    // A 4xx the page handles (a webhook not set yet is a 404) is logged by the browser too: not an error of the page.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/manager`);
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.getByLabel('Chave da API').fill(key);
    await page.getByRole('button', { name: 'Entrar' }).click();
  }

  /** The QR as the page drew it: decoded from the rendered pixels, as a phone's camera would. */
  async function qrOnScreen(page: Page): Promise<string> {
    const shot = PNG.sync.read(await page.getByTestId('qr').screenshot());
    const found = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
    if (!found) throw new Error('no QR code in the rendered page');
    return found.data;
  }

  let instanceKey = '';
  let receiver: Server | undefined;

  test('admin: create an instance, link it by the QR on screen, send, see the reply arrive', async () => {
    const page = await open();
    // Reported, not asserted (timings are the benches' business): the first paint of the sign-in page.
    const paint = await page
      .waitForFunction(
        "performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime",
        undefined,
        { timeout: 5_000 },
      )
      .then((handle) => handle.jsonValue())
      .catch(() => Number.NaN);
    console.info(`console: first contentful paint ${Math.round(Number(paint))} ms`);
    await signIn(page, adminKey);
    await page.getByLabel('Nova instância').fill('loja');
    await page.getByRole('button', { name: 'Criar' }).click();
    instanceKey = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(instanceKey).toMatch(/^tzk_/);
    await page.getByRole('link', { name: 'Abrir loja' }).click();
    await page.getByRole('button', { name: 'Conectar', exact: true }).click();

    await page.getByTestId('qr').waitFor({ timeout: 30_000 });
    await simCall('POST', '/sim/scan', { phone: instancePhone, qr: await qrOnScreen(page) });
    // No reload: the page follows the instance's event stream.
    await page.getByTestId('status').filter({ hasText: 'conectada' }).waitFor({ timeout: 30_000 });

    await page.getByLabel('Para (número com DDI)').fill(contactPhone);
    await page.getByLabel('Texto', { exact: true }).fill('Olá do console');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await waitFor(
      'the text in the contact’s inbox',
      async () =>
        ((await simCall('GET', `/sim/accounts/${contactPhone}/inbox`)) as { text?: string }[]).some(
          (m) => m.text === 'Olá do console',
        ),
      30_000,
    );
    const sent = page.getByTestId('message').filter({ hasText: 'Olá do console' });
    // Its status in words of the page's language.
    await sent
      .getByTestId('message-status')
      .filter({ hasText: /^(entregue|lida)$/ })
      .waitFor({ timeout: 30_000 });

    await simCall('POST', `/sim/accounts/${contactPhone}/send`, { to: instancePhone, text: 'Resposta do cliente' });
    await page.getByTestId('message').filter({ hasText: 'Resposta do cliente' }).waitFor({ timeout: 30_000 });

    // A file from the composer, the text as its caption: the contact receives the image.
    const png = PNG.sync.write(new PNG({ width: 2, height: 2 }));
    await page.getByLabel('Texto', { exact: true }).fill('foto do console');
    await page.getByLabel(/^Arquivo/).setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'Enviar' }).click();
    const image = await waitFor(
      'the image in the contact’s inbox',
      async () =>
        (
          (await simCall('GET', `/sim/accounts/${contactPhone}/inbox`)) as {
            type: string;
            text?: string;
            media?: { size: number };
          }[]
        ).find((m) => m.type === 'image'),
      30_000,
    );
    expect([image.text, image.media?.size]).toEqual(['foto do console', png.length]);

    // Messages of one contact: another number shows none, this one its conversation.
    await page.getByLabel('Contato (número)').fill('5511900000000');
    await page.getByText('Nenhuma mensagem.').waitFor();
    await page.getByLabel('Contato (número)').fill(contactPhone);
    await page.getByTestId('message').filter({ hasText: 'Resposta do cliente' }).waitFor();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  test('pairing code: the code the page shows, entered on the phone, links the instance', async () => {
    const page = await open();
    await signIn(page, adminKey);
    await page.getByLabel('Nova instância').fill('parear');
    await page.getByRole('button', { name: 'Criar' }).click();
    await page.getByRole('link', { name: 'Abrir parear' }).click();
    await page.getByLabel('Ou conecte com um código: número com DDI').fill(pairingPhone);
    await page.getByRole('button', { name: 'Gerar código' }).click();
    const code = (await page.getByTestId('pairing-code').textContent({ timeout: 30_000 })) ?? '';
    expect(code).toMatch(/^[A-Z0-9-]{8,9}$/);
    await simCall('POST', '/sim/pairing-code', { phone: pairingPhone, code });
    await page.getByTestId('status').filter({ hasText: 'conectada' }).waitFor({ timeout: 30_000 });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  test('the instance list follows status changes live: the phone unlinks, the row turns without a reload', async () => {
    const page = await open();
    await signIn(page, adminKey);
    const row = page.getByRole('row').filter({ hasText: 'parear' });
    await row.getByText('conectada').waitFor();
    // Search and the status filter narrow the list.
    await page.getByLabel('Buscar').fill('pare');
    expect(await page.getByRole('row').count()).toBe(2); // the header and parear
    await page.getByLabel('Buscar').fill('');
    await page.getByLabel('Status').selectOption('criada');
    expect(await page.getByRole('row').count()).toBe(1); // none is only created any more
    await page.getByLabel('Status').selectOption('');
    await simCall('POST', `/sim/accounts/${pairingPhone}/remove-device`, {});
    await row.getByText('deslogada').waitFor({ timeout: 30_000 });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  test('webhook: set it, see a failing receiver’s attempts in the log, replay once it answers 200', async () => {
    let answer = 500;
    const received: string[] = [];
    receiver = createServer((req, res) => {
      req.resume();
      received.push(String(req.headers['x-turbozap-event']));
      res.writeHead(answer).end();
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as { port: number };

    const page = await open();
    await signIn(page, adminKey);
    await page.getByRole('link', { name: 'loja' }).click();
    await page.getByRole('tab', { name: 'Webhook' }).click();
    await page.getByLabel('URL').fill(`http://127.0.0.1:${port}/hook`);
    await page.getByLabel('message.received').check();
    await page.getByRole('button', { name: 'Salvar' }).click();
    expect(await page.getByTestId('secret').textContent()).toMatch(/^whsec_/);

    await simCall('POST', `/sim/accounts/${contactPhone}/send`, { to: instancePhone, text: 'para o webhook' });
    // One delivery, failed after its two attempts (the first and one retry), each logged with the 500.
    const delivery = page.getByTestId('delivery').first();
    await waitFor(
      'the delivery failed twice',
      async () => {
        await page.getByRole('button', { name: 'Atualizar' }).click();
        return (await delivery.getByTestId('delivery-status').getAttribute('data-status')) === 'failed';
      },
      60_000,
      500,
    );
    expect(await delivery.getByTestId('delivery-status').textContent()).toBe('falhou');
    expect(await delivery.getByTestId('attempt').allTextContents()).toEqual([
      expect.stringMatching(/^Tentativa 1: 500/),
      expect.stringMatching(/^Tentativa 2: 500/),
    ]);

    answer = 200;
    await delivery.getByRole('button', { name: 'Reenviar' }).click();
    await waitFor(
      'the replayed delivery delivered',
      async () => {
        await page.getByRole('button', { name: 'Atualizar' }).click();
        return (await delivery.getByTestId('delivery-status').getAttribute('data-status')) === 'delivered';
      },
      30_000,
      500,
    );
    expect(received).toEqual(['message.received', 'message.received', 'message.received']);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  test('an instance key sees only its instance: no list, no delete, and the admin routes refuse it', async () => {
    const page = await open('en');
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByLabel('API key').fill(instanceKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('status').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('heading', { name: /loja/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Back/ }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    const list = await page.evaluate(
      async (key) => (await fetch('/api/instance/list', { headers: { 'X-API-Key': key } })).status,
      instanceKey,
    );
    expect(list).toBe(403);
    // The key is in this tab's sessionStorage only, and signing out forgets it.
    expect(await page.evaluate('[localStorage.length, document.cookie]')).toEqual([1, '']);
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  }, 60_000);

  test('keys: an admin makes a key for an instance, it signs in; revoked, it is refused within 10 s', async () => {
    const admin = await open();
    await signIn(admin, adminKey);
    await admin.getByRole('link', { name: 'Chaves' }).click();
    await admin.getByLabel('Instância').selectOption('loja');
    await admin.getByLabel('Rótulo').fill('crm');
    await admin.getByRole('button', { name: 'Nova chave' }).click();
    const key = (await admin.getByTestId('made-key').textContent()) ?? '';
    expect(key).toMatch(/^tzk_/);

    const user = await open();
    await signIn(user, key);
    await user.getByRole('heading', { name: /loja/ }).waitFor();

    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByTestId('key-row').filter({ hasText: 'crm' }).getByRole('button', { name: 'Revogar' }).click();
    await admin
      .getByTestId('key-row')
      .filter({ hasText: 'crm' })
      .getByText(/revogada/)
      .waitFor();
    await waitFor(
      'the revoked key refused',
      async () => {
        const again = await open();
        await signIn(again, key);
        const refused = await again
          .getByText('Chave inválida.')
          .isVisible({ timeout: 2_000 })
          .catch(() => false);
        await again.context().close();
        return refused;
      },
      20_000,
      1_000,
    );
    // The tab that was signed in with it: its next load finds the key refused and asks for another.
    await user.reload();
    await user.getByLabel('Chave da API').waitFor();
    expect(await user.evaluate(() => sessionStorage.length)).toBe(0);
    await user.context().close();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  test('cluster: instances connected now and the session-worker holding them, as status tells them', async () => {
    const page = await open();
    await signIn(page, adminKey);
    await page.getByRole('link', { name: 'Cluster' }).click();
    // loja is linked; parear was unlinked from the phone.
    expect(await page.getByTestId('connected').textContent()).toBe('1');
    const workers = page.getByTestId('worker');
    expect(await workers.count()).toBe(1);
    // It holds loja, and parear too while it waits to be linked again.
    expect(Number(await workers.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(1);
    // What the cluster did per minute: loja sent a text and an image, and received replies.
    const sum = async (tally: string) =>
      (await page.locator(`[data-testid=minute] [data-tally=${tally}]`).allTextContents()).reduce(
        (n, v) => n + Number(v),
        0,
      );
    await waitFor(
      'the sends and replies counted',
      async () => {
        await page.getByRole('button', { name: 'Atualizar' }).click();
        return (await sum('messages_sent')) >= 2 && (await sum('messages_received')) >= 2;
      },
      20_000,
      1_000,
    );
    expect(await page.getByTestId('minute').count()).toBe(6);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  test('instance page: the status timeline, a message’s status history, the live event tail', async () => {
    const page = await open();
    await signIn(page, adminKey);
    await page.getByRole('link', { name: 'loja' }).click();

    // The message sent from the composer went through every status, each with when.
    const sent = page.getByTestId('message').filter({ hasText: 'Olá do console' });
    await sent.getByText('Histórico').click();
    const history = sent.getByTestId('message-history').locator('li');
    const statuses = await history.evaluateAll((steps) => steps.map((step) => step.getAttribute('data-status')));
    expect(statuses).toEqual(expect.arrayContaining(['queued', 'sent', 'delivered']));
    expect(await history.allTextContents()).toContainEqual(expect.stringMatching(/^entregue \d/));

    // The timeline holds the linking: created → … → connected.
    await page.getByRole('tab', { name: 'Histórico de status' }).click();
    const timeline = page.getByTestId('timeline');
    await timeline
      .locator('li')
      .filter({ hasText: /→ conectada/ })
      .first()
      .waitFor();

    // The tail shows events as they happen: a reply arrives as message.received.
    await page.getByRole('tab', { name: 'Eventos ao vivo' }).click();
    await simCall('POST', `/sim/accounts/${contactPhone}/send`, { to: instancePhone, text: 'para a cauda' });
    const tail = page.getByTestId('event-tail');
    await tail.locator('li').filter({ hasText: 'message.received' }).first().waitFor({ timeout: 30_000 });
    expect(await tail.textContent()).not.toContain('para a cauda'); // the tail names events, never a message's text

    // A restart shows in the timeline without a reload.
    const before = await timeline
      .locator('li')
      .count()
      .catch(() => 0);
    await page.getByRole('button', { name: 'Reiniciar' }).click();
    await page.getByRole('tab', { name: 'Histórico de status' }).click();
    await waitFor(
      'the restart in the timeline',
      async () => (await timeline.locator('li').count()) > before,
      30_000,
      250,
    );
    await page.getByTestId('status').filter({ hasText: 'conectada' }).waitFor({ timeout: 30_000 });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  // One test per language: axe's pass over a page takes seconds of CPU, so two languages in one
  // test would need a bound twice as loose for a loaded machine.
  test.each([
    ['pt-BR', 'Entrar'],
    ['en', 'Sign in'],
  ] as const)(
    'accessibility (axe), %s: no serious or critical violation on any page (screenshots kept)',
    async (lang, signInLabel) => {
      const problems: string[] = [];
      mkdirSync(screenshots, { recursive: true });
      const check = async (page: Page, where: string) => {
        await page.screenshot({ path: join(screenshots, `${where.replace(/\s+/g, '-')}.png`), fullPage: true });
        const { violations } = await new AxeBuilder({ page }).analyze();
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
          problems.push(`${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      };
      const page = await open(lang);
      if (lang === 'en') await page.getByLabel('Idioma').selectOption('en');
      await check(page, `${lang} sign-in`);
      await page.getByLabel(lang === 'en' ? 'API key' : 'Chave da API').fill(adminKey);
      await page.getByRole('button', { name: signInLabel }).click();
      await page.getByRole('link', { name: 'loja' }).waitFor();
      await check(page, `${lang} instances`);
      await page.getByRole('link', { name: 'loja' }).click();
      await page.getByTestId('message').first().waitFor();
      await check(page, `${lang} instance`);
      await page.getByRole('tab', { name: lang === 'en' ? 'Status history' : 'Histórico de status' }).click();
      await page.getByTestId('timeline').locator('li').first().waitFor();
      await check(page, `${lang} timeline`);
      await page.getByRole('tab', { name: lang === 'en' ? 'Live events' : 'Eventos ao vivo' }).click();
      await check(page, `${lang} events`);
      await page.getByRole('tab', { name: 'Webhook' }).click();
      await page.getByTestId('delivery').first().waitFor();
      await check(page, `${lang} webhook`);
      await page.goto(`${base}/manager#/keys`);
      await page.getByTestId('key-row').first().waitFor();
      await check(page, `${lang} keys`);
      await page.goto(`${base}/manager#/cluster`);
      await page.getByTestId('worker').first().waitFor();
      await check(page, `${lang} cluster`);
      await page.context().close();
      expect(problems).toEqual([]);
    },
    150_000,
  );

  test('the instance list with hundreds of instances renders only the rows in view, and finds any of them', async () => {
    const bulk = 300;
    const names = Array.from({ length: bulk }, (_, i) => `massa-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 20)
      await Promise.all(
        names.slice(i, i + 20).map(async (name) => {
          const res = await fetch(`${base}/api/instance/create`, {
            method: 'POST',
            headers: { 'X-API-Key': adminKey, 'Content-Type': 'application/json' },
            body: JSON.stringify({ name }),
          });
          if (res.status !== 201) throw new Error(`create ${name}: ${res.status}`);
        }),
      );
    const page = await open();
    await signIn(page, adminKey);
    const count = page.getByTestId('instance-count');
    await count.filter({ hasText: new RegExp(`^${bulk + 2} de ${bulk + 2}$`) }).waitFor();
    const rendered = await page.getByTestId('instance-row').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    // The last one is reachable by scrolling, and by search.
    await page.getByTestId('instance-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.getByRole('link', { name: 'massa-0299' }).waitFor();
    await page.getByTestId('instance-scroller').evaluate((el) => el.scrollTo(0, 0));
    await page.getByLabel('Buscar').fill('massa-0150');
    await count.filter({ hasText: `1 de ${bulk + 2}` }).waitFor();
    expect(await page.getByTestId('instance-row').allTextContents()).toEqual([expect.stringContaining('massa-0150')]);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  test('the page is served with a strict Content-Security-Policy and long-cached hashed assets', async () => {
    const res = await fetch(`${base}/manager`);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'.*connect-src 'self'/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    const asset = /src="(\/manager\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const js = await fetch(`${base}${asset}`);
    expect([js.status, js.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
  });
});
