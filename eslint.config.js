import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Each outside system has one folder that owns its library; nothing else imports it.
const owners = [
  { name: 'bullmq', allowed: ['src/queue/**', 'workers/**'] },
  { name: 'undici', allowed: ['src/upstox/**', 'src/simulator/**'] },
  { name: 'pg', allowed: ['src/stores/postgres/**'] },
  { name: '@questdb/nodejs-client', allowed: ['src/stores/questdb/**'] },
  { name: 'ioredis', allowed: ['src/queue/**', 'src/rate-budget/**', 'workers/**'] },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.services/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read configuration through src/config/env.ts' },
      ],
    },
  },
  ...owners.map((owner) => ({
    files: ['src/**/*.ts', 'jobs/**/*.ts', 'workers/**/*.ts'],
    ignores: owner.allowed,
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: owner.name, message: `only ${owner.allowed.join(', ')} may import ${owner.name}` }] }],
    },
  })),
  {
    files: ['jobs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['bullmq', 'ioredis', 'pg', 'undici', '@questdb/nodejs-client'] }] },
  },
  {
    files: ['src/config/env.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
