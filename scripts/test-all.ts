// `npm test`'s runner: every tier runs (a red one does not hide the next), then one line per
// tier and the total, so a red run says at once which tier failed and which tests. The fault
// tier runs beside the others from the start (it restarts services of its own and mostly waits);
// its output is printed as one block when it is done.
import { type StdioOptions, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const jest = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js'];
const scratch = mkdtempSync(join(tmpdir(), 'tz-test-all-'));

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  /** Names of what failed (tests, suites that could not run, or the command). */
  failures: string[];
}

interface Tier {
  name: string;
  what: string;
  /** Runs from the start, beside the others, its output kept for the end. */
  beside?: boolean;
  /** `log`: a file for the output instead of this terminal. */
  run(log?: string): Promise<Tally>;
}

function exec(command: string, args: string[], env: Record<string, string> = {}, log?: string): Promise<number> {
  const fd = log === undefined ? undefined : openSync(log, 'w');
  return new Promise<number>((done) => {
    const stdio: StdioOptions = fd === undefined ? 'inherit' : ['ignore', fd, fd];
    const child = spawn(command, args, { cwd: root, stdio, env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
    child.on('error', () => done(127));
  }).finally(() => fd !== undefined && closeSync(fd));
}

/** A command that passes or fails as a whole (the type check, the linter). */
const command = (label: string, cmd: string, args: string[]) => async (): Promise<Tally> => {
  const ok = (await exec(cmd, args)) === 0;
  return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, failures: ok ? [] : [label] };
};

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ status: string; fullName: string }>;
  }>;
}

/** A Jest run, tallied from its JSON report; a run that wrote none failed before any test. */
const jestRun =
  (tier: string, cmd: string, args: string[], env: Record<string, string> = {}) =>
  async (log?: string) => {
    const out = join(scratch, `${tier}.json`);
    const code = await exec(cmd, [...args, '--json', `--outputFile=${out}`], env, log);
    let report: JestReport;
    try {
      report = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      return { passed: 0, failed: 1, skipped: 0, failures: [`${tier}: exited ${code} before Jest reported`] };
    }
    const failures: string[] = [];
    for (const suite of report.testResults) {
      const file = suite.name.slice(root.length + 1);
      const failed = suite.assertionResults.filter((a) => a.status === 'failed');
      for (const a of failed) failures.push(`${file} › ${a.fullName}`);
      if (suite.status === 'failed' && failed.length === 0) failures.push(`${file} (the suite did not run)`);
    }
    const suiteErrors = failures.length - report.numFailedTests;
    const failed = report.numFailedTests + suiteErrors + (code !== 0 && failures.length === 0 ? 1 : 0);
    if (code !== 0 && failures.length === 0) failures.push(`${tier}: Jest exited ${code}`);
    return {
      passed: report.numPassedTests,
      failed,
      skipped: report.numPendingTests + report.numTodoTests,
      failures,
    };
  };

const tiers: Tier[] = [
  { name: 'types', what: 'tsc', run: command('tsc --noEmit', 'tsc', ['-p', 'tsconfig.json', '--noEmit']) },
  {
    name: 'lint',
    what: 'biome, knip',
    run: command('biome check, knip', 'sh', [
      '-c',
      'biome check . && knip && knip --production --include files,exports,types',
    ]),
  },
  { name: 'jest', what: 'unit, integration and e2e', run: jestRun('jest', 'node', jest) },
  {
    name: 'fault',
    what: 'fault injection, serial, against its own Redis and RabbitMQ',
    beside: true,
    run: jestRun('fault', 'node', [...jest, '--passWithNoTests'], { TURBOZAP_FAULT_TESTS: '1' }),
  },
  { name: 'ops', what: 'promtool and deploy files', run: jestRun('ops', 'bash', ['deploy/test/run.sh']) },
];

type Result = { tier: Tier; tally: Tally; seconds: number };
const timed = async (tier: Tier, log?: string): Promise<Result> => {
  const t0 = Date.now();
  const tally = await tier.run(log);
  return { tier, tally, seconds: Math.round((Date.now() - t0) / 1000) };
};
const heading = (tier: Tier) => `\n── tier ${tier.name} (${tier.what}) ──`;

const besides = tiers
  .filter((t) => t.beside)
  .map((tier) => ({ tier, log: join(scratch, `${tier.name}.log`) }))
  .map((b) => ({ ...b, result: timed(b.tier, b.log) }));
for (const { tier } of besides)
  console.log(`\n── tier ${tier.name} started beside the others; its output follows theirs ──`);
const results: Result[] = [];
for (const tier of tiers.filter((t) => !t.beside)) {
  console.log(heading(tier));
  results.push(await timed(tier));
}
for (const { tier, log, result } of besides) {
  results.push(await result);
  console.log(heading(tier));
  process.stdout.write(readFileSync(log, 'utf8'));
}
results.sort((a, b) => tiers.indexOf(a.tier) - tiers.indexOf(b.tier));
rmSync(scratch, { recursive: true, force: true });

const counts = (t: Pick<Tally, 'passed' | 'failed' | 'skipped'>) =>
  `${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
console.log('\n── summary ──');
for (const { tier, tally, seconds } of results) {
  console.log(`${tally.failed ? 'FAILED' : 'ok    '} tier ${tier.name.padEnd(5)} ${counts(tally)} · ${seconds} s`);
  for (const f of tally.failures) console.log(`         ✕ ${f}`);
}
const total = results.reduce(
  (sum, { tally }) => ({
    passed: sum.passed + tally.passed,
    failed: sum.failed + tally.failed,
    skipped: sum.skipped + tally.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`total: ${counts(total)}`);
process.exit(total.failed ? 1 : 0);
