import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@turbozap/shared/config';
import { parseKeyMaterial } from '@turbozap/shared/config/keyring';
import { generateKey } from '@turbozap/shared/db/repositories/api-keys';

/**
 * One `turbozap all` per data directory: a second one would open the same embedded
 * database. A lock left by a process that died (kill -9) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'turbozap.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `data directory ${dataDir} is in use by another TurboZap (pid ${holder}); stop it or set DATA_DIR`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`cannot lock data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a secret kept in the data directory, creating it (mode 0600) on first use. */
function keptSecret(dataDir: string, file: string, make: () => string): { value: string; created: boolean } {
  const path = join(dataDir, file);
  try {
    return { value: readFileSync(path, 'utf8').trim(), created: false };
  } catch {
    const value = make();
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  }
}

/**
 * Embedded mode fills in what a single-node install should not have to configure: an admin
 * API key (printed once, when generated) and a session encryption key, both kept in the
 * data directory.
 */
export function embeddedSecrets(config: Config, print: (line: string) => void): Config {
  let { adminKeys } = config.api;
  if (adminKeys.length === 0) {
    const apiKey = keptSecret(config.dataDir, 'api-key', () => generateKey('tza'));
    adminKeys = [apiKey.value];
    if (apiKey.created) {
      print(`Generated an admin API key (kept in ${join(config.dataDir, 'api-key')}; shown only now):`);
      print(`  ${apiKey.value}`);
    }
  }
  let { keyring } = config.session;
  if (keyring.length === 0) {
    const key = keptSecret(config.dataDir, 'session-key', () => randomBytes(32).toString('hex'));
    const material = parseKeyMaterial(key.value);
    if (!material) throw new Error(`${join(config.dataDir, 'session-key')} does not hold a 32-byte key`);
    keyring = [{ id: 'local', key: material }];
  }
  return { ...config, api: { ...config.api, adminKeys }, session: { ...config.session, keyring } };
}
