// Unit tests run everywhere in seconds; integration and browser tests start real emulators.
// ts-jest transpiles only (type checking is `npm run typecheck`), which keeps the suite fast.
const transform = {
  '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true, diagnostics: false, tsconfig: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', esModuleInterop: true, allowJs: true, resolveJsonModule: true } }],
};
// Test processes only: on this machine's Node 20 the AWS SDK prints its NodeVersionSupportWarning once per test
// file that builds a client, burying real output. The variable is the SDK's own switch for that one warning;
// every other warning still prints.
// Set here, before the workers start, so they and the processes the tests spawn inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'] };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
