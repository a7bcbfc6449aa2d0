// `npm run demo`: the WhatsApp simulator and TurboZap (all roles, embedded) wired together,
// for trying the whole lifecycle offline. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const simPort = process.env.SIM_PORT ?? '7780';
const apiPort = process.env.SERVER_PORT ?? '8080';
const dataDir = process.env.DATA_DIR ?? resolve(root, 'data-demo');

const run = (args: string[], env: Record<string, string>) =>
  spawn(resolve(root, 'turbozap'), args, { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });

const sim = run(['sim', '--port', simPort], {});
const wait = async (url: string) => {
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
};
await wait(`http://127.0.0.1:${simPort}/sim/info`);
const turbozap = run(['all'], {
  WHATSAPP_SIMULATOR_URL: `http://127.0.0.1:${simPort}`,
  SERVER_PORT: apiPort,
  DATA_DIR: dataDir,
  REDIS_RATE_LIMIT_RPM: '0',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
await wait(`http://127.0.0.1:${apiPort}/health`);

const api = `http://127.0.0.1:${apiPort}`;
const sim_ = `http://127.0.0.1:${simPort}`;
process.stdout.write(`
TurboZap demo is up: API ${api} (embedded, data in ${dataDir}), WhatsApp simulator ${sim_}.

  KEY=$(cat ${dataDir}/api-key)
  curl -s -X POST ${api}/instance/create -H "X-API-Key: $KEY" -H 'Content-Type: application/json' -d '{"name":"demo"}'
  curl -s -X POST ${api}/instance/demo/connect -H "X-API-Key: $KEY"
  QR=$(curl -s ${api}/instance/demo/qrcode -H "X-API-Key: $KEY" | jq -r .data.qrcode)
  curl -s -X POST ${sim_}/sim/scan -H 'Content-Type: application/json' -d "{\\"phone\\":\\"5511900000001\\",\\"qr\\":\\"$QR\\"}"
  curl -s ${api}/instance/demo/status -H "X-API-Key: $KEY" | jq .data.status          # "connected"
  curl -s -X POST ${sim_}/sim/accounts -H 'Content-Type: application/json' -d '{"phone":"5511900000002"}'
  curl -s -X POST ${api}/message/demo/text -H "X-API-Key: $KEY" -H 'Content-Type: application/json' -d '{"to":"5511900000002","text":"Olá do TurboZap"}'
  curl -s ${sim_}/sim/accounts/5511900000002/inbox | jq
  curl -s -X POST ${sim_}/sim/accounts/5511900000002/send -H 'Content-Type: application/json' -d '{"to":"5511900000001","text":"Oi!"}'
  curl -s "${api}/message/demo?limit=5" -H "X-API-Key: $KEY" | jq '.data[] | {direction, status, content}'
  curl -N ${api}/instance/demo/events -H "X-API-Key: $KEY"                           # live events (SSE)

Ctrl-C stops both.
`);

const stop = () => {
  turbozap.kill('SIGTERM');
  sim.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await Promise.all([new Promise((r) => turbozap.once('exit', r)), new Promise((r) => sim.once('exit', r))]);
