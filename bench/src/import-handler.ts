import { pathToFileURL } from 'node:url';
import type { BenchHandler } from './references/types';

export interface LatencyHandlerSpec {
  readonly label: string;
  readonly file: string;
  /** Set while this bundle is imported (module scope reads the environment), then restored. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Imports a handler bundle as a fresh module instance (the label goes in the URL's query, so the
 * same bundle can be loaded twice with different settings) under its own environment.
 */
export async function importHandler(spec: LatencyHandlerSpec): Promise<BenchHandler> {
  const saved = { ...process.env };
  Object.assign(process.env, spec.env);
  try {
    const module = (await import(`${pathToFileURL(spec.file).href}?${encodeURIComponent(spec.label)}`)) as {
      handler: BenchHandler;
    };
    return module.handler;
  } finally {
    for (const key of Object.keys(spec.env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}
