// Jest runs the TypeScript sources as native ES modules (Baileys is ESM-only); swc strips types.
// Fault tests (`*.fault.test.ts`) restart services, so `test:fault` runs them serially, against its own.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'es6' } }];
const fault = process.env.TURBOZAP_FAULT_TESTS === '1';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/apps', '<rootDir>/test', '<rootDir>/deploy'],
  testMatch: fault ? ['**/*.fault.test.ts'] : ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(fault ? [] : ['\\.fault\\.test\\.ts$'])],
  testTimeout: 30_000,
  maxWorkers: fault ? 1 : 2,
  // The fault tier restarts a Redis and a RabbitMQ of its own, so it can run beside the others.
  ...(fault && {
    globalSetup: '<rootDir>/test/fault/global-setup.ts',
    globalTeardown: '<rootDir>/test/fault/global-teardown.ts',
  }),
};
