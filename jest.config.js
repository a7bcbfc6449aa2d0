// Jest runs the TypeScript sources as native ES modules (Baileys is ESM-only); swc strips types.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'es6' } }];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/{packages,services}/*/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/deploy/**/*.test.ts'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
