import { stripPnpmSeparator } from '../../src/runtime/strip-pnpm-separator';

describe('stripPnpmSeparator', () => {
  it('drops the `--` pnpm forwards, wherever it lands after the program name', () => {
    expect(stripPnpmSeparator(['node', 'main.ts', 'demo', '--', '--orders', '5'])).toEqual([
      'node',
      'main.ts',
      'demo',
      '--orders',
      '5',
    ]);
    expect(stripPnpmSeparator(['node', 'main.ts', '--', 'demo'])).toEqual(['node', 'main.ts', 'demo']);
  });

  it('leaves arguments without a separator alone, and drops only the first one', () => {
    expect(stripPnpmSeparator(['node', 'main.ts', 'demo', '--orders', '5'])).toEqual([
      'node',
      'main.ts',
      'demo',
      '--orders',
      '5',
    ]);
    expect(stripPnpmSeparator(['node', 'main.ts', 'demo', '--', '--'])).toEqual(['node', 'main.ts', 'demo', '--']);
  });
});
