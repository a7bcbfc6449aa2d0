import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { type Child, freePort, healthy, spawnTurbozap, waitFor } from './support/processes.ts';

/**
 * The console at /manager in a real browser (Debian's Chromium through playwright-core)
 * against `./turbozap all` and the simulator, used as an operator would: no API call of the
 * test's own except the simulator's (the phone that scans, the contact that replies).
 */
const chromiumPath = '/usr/bin/chromium';
const adminKey = `admin-${'c'.repeat(40)}`;
const instancePhone = '5511955550001';
const contactPhone = '5511955550002';
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
  /** Anything the page logged as an error (a CSP violation, a failed script) fails the suite. */
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
    await browser?.close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(lang: 'pt-BR' | 'en' = 'pt-BR'): Promise<Page> {
    const context = await browser.newContext({ locale: lang });
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
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

  test('admin: create an instance, link it by the QR on screen, send, see the reply arrive', async () => {
    const page = await open();
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
    await page.getByLabel('Texto').fill('Olá do console');
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
    await sent
      .getByTestId('message-status')
      .filter({ hasText: /delivered|read/ })
      .waitFor({ timeout: 30_000 });

    await simCall('POST', `/sim/accounts/${contactPhone}/send`, { to: instancePhone, text: 'Resposta do cliente' });
    await page.getByTestId('message').filter({ hasText: 'Resposta do cliente' }).waitFor({ timeout: 30_000 });
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
