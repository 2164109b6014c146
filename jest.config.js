/** Each Jest worker loads libtorch (~hundreds of MB): keep the worker count low on 2-core machines. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  moduleNameMapper: { '^torchts$': '<rootDir>/lib/index.ts', '^torchts/vision$': '<rootDir>/lib/vision/index.ts' },
  maxWorkers: 2,
  testTimeout: 120000,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
};
