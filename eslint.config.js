// Lint: typescript-eslint's recommended rules plus the folder boundaries of STYLE.md habit 1.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'stream',
  'zlib',
  'events',
  'url',
  'util',
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The engine, CLI and server run in plain Node: never Electron.
    files: ['electron/engine/**', 'electron/cli/**', 'electron/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' },
          ],
        },
      ],
    },
  },
  {
    // The contract is shared by Node and the browser: no Electron, no Node built-ins, no DOM.
    files: ['shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ is used by every process; no electron.' }],
          patterns: [
            { group: NODE_BUILTINS, message: 'shared/ runs in the browser too; no Node built-ins.' },
            {
              group: ['../electron/*', '../renderer/*', '**/electron/**', '**/renderer/**'],
              message: 'shared/ imports nothing of the app.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer talks only through the contract: shared/ and itself.
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches Electron only through the preload API.' },
          ],
          patterns: [
            { group: NODE_BUILTINS, message: 'The renderer runs in a sandboxed browser; no Node built-ins.' },
            {
              group: ['**/electron/**', '../electron/*', '../../electron/*'],
              message: 'The renderer imports only shared/ and itself.',
            },
          ],
        },
      ],
    },
  },
);
