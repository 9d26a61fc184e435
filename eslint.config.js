import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Each outside system has one folder that owns its library; nothing else imports it.
const owners = [
  { name: 'bullmq', allowed: ['src/queue/**', 'workers/**'] },
  { name: 'undici', allowed: ['src/upstox/**', 'src/simulator/**'] },
  { name: 'pg', allowed: ['src/stores/postgres/**'] },
  { name: '@questdb/nodejs-client', allowed: ['src/stores/questdb/**'] },
  { name: 'ioredis', allowed: ['src/queue/**', 'src/rate-budget/**', 'workers/**'] },
  { name: 'express', allowed: ['src/queue/**'] },
];

// ESLint keeps only the last setting of a rule for a file, so each folder gets one rule
// listing every library it may not import, rather than one rule per library.
const restrictionsFor = (allowedHere) =>
  owners
    .filter((owner) => !allowedHere.includes(owner.name))
    .map((owner) => ({ name: owner.name, message: `only ${owner.allowed.join(', ')} may import ${owner.name}` }));
const ownerFolders = [...new Set(owners.flatMap((owner) => owner.allowed))];
const boundaries = [
  { files: ['src/**/*.ts', 'jobs/**/*.ts', 'workers/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: restrictionsFor([]) }] } },
  ...ownerFolders.map((folder) => ({
    files: [`${folder}/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: restrictionsFor(owners.filter((owner) => owner.allowed.includes(folder)).map((owner) => owner.name)) }] },
  })),
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
  ...boundaries,
  {
    files: ['src/config/env.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
