import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/** The layers, bottom up: db/ ← lib/ ← components/ ← app/. Nothing imports from a layer above it. */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ group: forbidden.flatMap((dir) => [`@/${dir}/*`, `**/${dir}/*`]), message }] },
    ],
  },
});

const config = [
  ...nextVitals,
  ...nextTs,
  layer(
    ['db/**/*.ts'],
    ['lib', 'components', 'app'],
    'db/ is the bottom layer: it imports nothing from lib/, components/ or app/.',
  ),
  layer(
    ['lib/**/*.ts', 'lib/**/*.tsx'],
    ['components', 'app'],
    'lib/ is the domain core: it imports nothing from components/ or app/.',
  ),
  layer(
    ['components/**/*.tsx', 'components/**/*.ts'],
    ['app'],
    'components/ take server actions as props: they import nothing from app/.',
  ),
  {
    ignores: [
      '.next/**',
      '.data/**',
      'node_modules/**',
      'db/migrations/**',
      'playwright-report/**',
      'test-results/**',
      'next-env.d.ts',
    ],
  },
];

export default config;
