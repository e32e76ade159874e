import { join } from 'node:path';

/** bench/ (this file is bench/src/paths.ts). */
export const BENCH_DIR = join(__dirname, '..');
export const REPO_DIR = join(BENCH_DIR, '..');
/** Everything the bench writes: bundles, metafiles, profiles, the last report. Gitignored (`.bench/`). */
export const OUT_DIR = join(BENCH_DIR, '.bench');
export const BUNDLE_DIR = join(OUT_DIR, 'bundles');

export const LAMBDA_ENTRY_DIR = join(REPO_DIR, 'packages', 'lambda-entry');
/** Ours: the deployable bundle, as `pnpm build` writes it. */
export const OURS_BUNDLE = join(LAMBDA_ENTRY_DIR, 'dist', 'index.mjs');
export const OURS_METAFILE = join(LAMBDA_ENTRY_DIR, 'dist', 'index.meta.json');
export const OURS_BUNDLE_SCRIPT = join(LAMBDA_ENTRY_DIR, 'scripts', 'bundle.mjs');
export const REFERENCES_DIR = join(BENCH_DIR, 'src', 'references', 'entries');
