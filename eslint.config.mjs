// typescript-eslint everywhere; AppSync's own rules on everything that runs in APPSYNC_JS.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import appsync from '@aws-appsync/eslint-plugin';
import globals from 'globals';

// Every file a resolver bundle may contain (a test checks each bundle's inputs against this list).
const appsyncJsFiles = ['resolvers/**/*.ts', 'functions/core/record-mapping.ts', 'functions/core/table-design.ts', 'functions/core/caller-scope.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', '.local/', 'console/dist/', 'graphql/types.ts', 'test-artifacts/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: appsyncJsFiles,
    ...appsync.configs.recommended,
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
);
