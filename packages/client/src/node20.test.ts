import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
/** Debian's Node, the oldest the client promises to run on (the project itself runs on 24). */
const node20 = '/usr/bin/node';
const major = existsSync(node20)
  ? Number((await run(node20, ['--version']).catch(() => ({ stdout: 'v0' }))).stdout.slice(1).split('.')[0])
  : 0;

(major === 20 ? test : test.skip)(
  'the JavaScript build (tsc -p tsconfig.build.json) runs on Node 20: no type stripping, no Node-only API',
  async () => {
    await run(resolve(root, '../../node_modules/.bin/tsc'), ['-p', resolve(root, 'tsconfig.build.json')]);
    const t = Math.floor(Date.now() / 1000);
    const header = `t=${t},v1=${createHmac('sha256', 'whsec_s').update(`${t}.`).update('{}').digest('hex')}`;
    const script = `
      const { verifyWebhook, createTurboZap, TurboZapError } = await import('./dist/index.js');
      const tz = createTurboZap({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' });
      console.log(JSON.stringify([
        await verifyWebhook('{}', ${JSON.stringify(header)}, 'whsec_s'),
        await verifyWebhook('{ }', ${JSON.stringify(header)}, 'whsec_s'),
        typeof tz.api.GET,
        new TurboZapError(404, 'instance_not_found', 'gone').code,
      ]));`;
    const { stdout } = await run(node20, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual([true, false, 'function', 'instance_not_found']);
  },
  60_000,
);
