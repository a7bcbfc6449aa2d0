// The compose files and the load balancer's config checked by the real tools: Debian's
// docker-compose 1.29 (the plan's `docker-compose …` commands; `config` needs no Docker engine)
// and haproxy. deploy/test/run.sh installs both; REQUIRE_COMPOSE_TOOLS=1 makes them mandatory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeVariables } from './compose-env.ts';
import { generatedEnv } from './gen-env.ts';
import { read, root } from './known.ts';

const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const tools = { compose: have('docker-compose'), haproxy: have('haproxy') };
for (const [name, present] of Object.entries(tools))
  if (!present) {
    if (process.env.REQUIRE_COMPOSE_TOOLS === '1')
      throw new Error(`${name} is required (REQUIRE_COMPOSE_TOOLS=1) but missing`);
    console.warn(`SKIPPING the ${name} checks: it is missing (bash deploy/test/run.sh installs it)`);
  }

const composeVars = [
  ...new Set([
    ...composeVariables(read('docker-compose.yml')).all,
    ...composeVariables(read('docker-compose.scale.yml')).all,
  ]),
];

/** `docker-compose -f … config -q` with exactly `env` (an env file, and none of it in the process). */
function composeConfig(files: string[], env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'turbozap-compose-'));
  try {
    const envFile = join(dir, 'compose.env');
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const processEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !composeVars.includes(k)));
    const args = ['--env-file', envFile, ...files.flatMap((f) => ['-f', join(root, f)]), 'config', '-q'];
    return spawnSync('docker-compose', args, { cwd: dir, env: processEnv, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

(tools.compose ? describe : describe.skip)('docker-compose 1.x (Debian) accepts the compose files', () => {
  const env = generatedEnv();

  test.each([[['docker-compose.yml']], [['docker-compose.yml', 'docker-compose.scale.yml']]])(
    'config -q %j with the .env of scripts/gen-env.sh',
    (files) => {
      const result = composeConfig(files, env);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    },
  );

  test('a missing password stops it with a message naming the variable', () => {
    const { POSTGRES_PASSWORD: _unset, ...withoutPassword } = env;
    const result = composeConfig(['docker-compose.yml'], withoutPassword);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set POSTGRES_PASSWORD in .env');
  });
});

(tools.haproxy ? test : test.skip)('haproxy -c accepts the load balancer config', () => {
  const result = spawnSync('haproxy', ['-c', '-f', join(root, 'deploy/haproxy/haproxy.cfg')], { encoding: 'utf8' });
  expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({
    status: 0,
    output: expect.stringContaining('Configuration file is valid'),
  });
});
