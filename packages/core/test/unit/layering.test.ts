import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The dependency rule inside core, checked on the sources: the domain knows nothing else, messages
 * and errors know the domain, ports know those, and only the application knows the ports' users.
 * Nothing outside core is imported at all (core has no runtime dependencies).
 */
const SRC = resolve(__dirname, '../../src');
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: ['domain'],
  errors: ['errors'],
  messages: ['messages', 'domain', 'errors'],
  ports: ['ports', 'messages', 'domain', 'errors'],
  application: ['application', 'ports', 'messages', 'domain', 'errors'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0] ?? '';

describe("core's layering", () => {
  const files = sourceFiles(SRC).filter((file) => layerOf(file) !== 'index.ts');

  it('covers every source folder', () => {
    expect([...new Set(files.map(layerOf))].sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it('lets each layer import only the layers beneath it, and nothing outside core', () => {
    const breaches: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gm)) {
        if (specifier === undefined) continue;
        const where = relative(SRC, file);
        if (!specifier.startsWith('.')) {
          breaches.push(`${where} imports ${specifier}`);
          continue;
        }
        const target = layerOf(resolve(dirname(file), specifier));
        if (!MAY_IMPORT[layerOf(file)]?.includes(target)) breaches.push(`${where} imports ${specifier}`);
      }
    }
    expect(breaches).toEqual([]);
  });
});
