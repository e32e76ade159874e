import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TRACING_SDK_FILE as BUILT_TRACING_SDK_FILE } from '@orders/lambda-entry/bundle-settings';
import {
  BundleNotFoundError,
  BUNDLE_SOURCE_MAP_FILE,
  DEFAULT_BUNDLE_DIR,
  TRACING_SDK_FILE,
  TRACING_SDK_SOURCE_MAP_FILE,
} from '../src/bundle';
import { BUNDLE_FILE, type Synthesized, cleanUpSynth, only, requireBundle, synth } from './support';

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

interface AssetManifest {
  files: Record<
    string,
    { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }
  >;
}

/** The directory in the cloud assembly that becomes the function's zip (found via the template's S3Key). */
function functionAssetDir(synthesized: Synthesized): string {
  const s3Key = only(synthesized.json, 'AWS::Lambda::Function').props.Code.S3Key as string;
  const manifestFile = path.join(synthesized.assemblyDir, `${synthesized.stack.artifactId}.assets.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as AssetManifest;
  const entries = Object.values(manifest.files).filter((asset) =>
    Object.values(asset.destinations).some((d) => d.objectKey === s3Key),
  );
  expect(entries).toHaveLength(1);
  expect(entries[0]!.source.packaging).toBe('zip');
  return path.join(synthesized.assemblyDir, entries[0]!.source.path);
}

const tmpDirs: string[] = [];
const tmpDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-infra-bundle-'));
  tmpDirs.push(dir);
  return dir;
};

beforeAll(requireBundle);
afterAll(() => {
  cleanUpSynth();
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the deployed asset is the bundle `pnpm build` produced', () => {
  it('contains exactly index.mjs and tracing-sdk.mjs, byte for byte the files in packages/lambda-entry/dist', () => {
    const synthesized = synth();
    const dir = functionAssetDir(synthesized);
    // dist/ also holds tsc output (index.js, *.d.ts, .tsbuildinfo, the esbuild metafiles ...):
    // none of it is deployed, and neither are the source maps by default. The tracing SDK is, so
    // that the OTEL_* variables alone can turn tracing on (the bundle imports it only then).
    expect(BUILT_TRACING_SDK_FILE).toBe(TRACING_SDK_FILE);
    expect(fs.readdirSync(dir).sort()).toEqual(['index.mjs', 'tracing-sdk.mjs']);
    expect(sha256(path.join(dir, 'index.mjs'))).toBe(sha256(BUNDLE_FILE));
    expect(sha256(path.join(dir, 'tracing-sdk.mjs'))).toBe(sha256(path.join(DEFAULT_BUNDLE_DIR, TRACING_SDK_FILE)));
    // The handler the function is configured with is exported by that file.
    expect(only(synthesized.json, 'AWS::Lambda::Function').props.Handler).toBe('index.handler');
    expect(fs.readFileSync(BUNDLE_FILE, 'utf8')).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
  });

  it('adds the source map and --enable-source-maps only when asked to', () => {
    const mapFile = path.join(DEFAULT_BUNDLE_DIR, BUNDLE_SOURCE_MAP_FILE);
    if (!fs.existsSync(mapFile)) {
      throw new Error(
        `${mapFile} does not exist: \`pnpm build\` is expected to write the source map next to the bundle.`,
      );
    }
    const synthesized = synth({ sourceMaps: 'true' });
    const dir = functionAssetDir(synthesized);
    expect(fs.readdirSync(dir).sort()).toEqual([
      'index.mjs',
      'index.mjs.map',
      'tracing-sdk.mjs',
      'tracing-sdk.mjs.map',
    ]);
    expect(sha256(path.join(dir, 'index.mjs'))).toBe(sha256(BUNDLE_FILE));
    expect(sha256(path.join(dir, 'index.mjs.map'))).toBe(sha256(mapFile));
    expect(sha256(path.join(dir, 'tracing-sdk.mjs.map'))).toBe(
      sha256(path.join(DEFAULT_BUNDLE_DIR, TRACING_SDK_SOURCE_MAP_FILE)),
    );
    expect(only(synthesized.json, 'AWS::Lambda::Function').props.Environment.Variables.NODE_OPTIONS).toBe(
      '--enable-source-maps',
    );
  });
});

describe('the asset is cut from the bundle directory', () => {
  const fakeDist = (): string => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'index.mjs'), 'export const handler = async () => ({ batchItemFailures: [] });\n');
    fs.writeFileSync(path.join(dir, 'index.mjs.map'), '{"version":3,"sources":[],"mappings":""}\n');
    fs.writeFileSync(path.join(dir, 'tracing-sdk.mjs'), 'export const createTracingSdk = () => undefined;\n');
    fs.writeFileSync(path.join(dir, 'index.js'), 'tsc output\n');
    fs.writeFileSync(path.join(dir, 'index.d.ts'), 'export {};\n');
    fs.writeFileSync(path.join(dir, '.tsbuildinfo'), '{}\n');
    fs.mkdirSync(path.join(dir, 'composition'));
    fs.writeFileSync(path.join(dir, 'composition', 'index.mjs'), 'not the bundle\n');
    return dir;
  };

  it('keeps only the top-level index.mjs and tracing-sdk.mjs, not nested files of the same name', () => {
    const dir = functionAssetDir(synth({}, fakeDist()));
    expect(fs.readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(['index.mjs', 'tracing-sdk.mjs']);
  });

  it('changes the asset (and so the deployed code) when, and only when, the bundle changes', () => {
    const dist = fakeDist();
    const key = () => only(synth({}, dist).json, 'AWS::Lambda::Function').props.Code.S3Key as string;
    const first = key();
    fs.writeFileSync(path.join(dist, 'index.js'), 'other tsc output\n');
    expect(key()).toBe(first);
    fs.appendFileSync(path.join(dist, 'index.mjs'), '// changed\n');
    expect(key()).not.toBe(first);
  });

  it('fails the synth with a clear message when the bundle is missing', () => {
    const empty = tmpDir();
    expect(() => synth({}, empty)).toThrow(BundleNotFoundError);
    expect(() => synth({}, empty)).toThrow(/index\.mjs does not exist .*Run `pnpm build` at the repository root first/);
  });

  it('fails the synth when the tracing SDK is missing: tracing could not be turned on by its variables', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'index.mjs'), 'export const handler = async () => ({});\n');
    expect(() => synth({}, dir)).toThrow(
      /tracing-sdk\.mjs does not exist .*Run `pnpm build` at the repository root first/,
    );
  });

  it('fails when source maps are requested and the map is missing', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'index.mjs'), 'export const handler = async () => ({});\n');
    fs.writeFileSync(path.join(dir, 'tracing-sdk.mjs'), 'export const createTracingSdk = () => undefined;\n');
    expect(() => synth({ sourceMaps: 'true' }, dir)).toThrow(/index\.mjs\.map does not exist/);
  });
});

/** The synchronous cases below cannot be cut by jest's timeout: the child's own timeout is the bound. */
const SYNTH_PROCESS_TIMEOUT_MS = 300_000;

describe('src/main.ts (what `pnpm synth` runs)', () => {
  const infraDir = path.resolve(__dirname, '..');
  const run = (args: string[]) => {
    const outdir = tmpDir();
    // With CDK_OUTDIR set (as the cdk CLI does) main.ts writes there and leaves infra/cdk.out alone.
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: infraDir,
      env: { ...process.env, CDK_OUTDIR: outdir },
      encoding: 'utf8',
      // A hang guard: tsx and a full synth take ~10 s idle, and were measured past 60 s on a busy
      // 2-core machine, where the old 60 s bound killed a synth that was merely slow.
      timeout: SYNTH_PROCESS_TIMEOUT_MS,
    });
    return { ...result, outdir };
  };

  it(
    'writes the template offline and takes -c key=value context',
    () => {
      const { status, stderr, outdir } = run(['--', '-c', 'namePrefix=ci-', '-c', 'maxReceiveCount=4']);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      const template = JSON.parse(fs.readFileSync(path.join(outdir, 'ci-OrderProcessing.template.json'), 'utf8'));
      expect(JSON.stringify(template)).toContain('"maxReceiveCount":4');
    },
    SYNTH_PROCESS_TIMEOUT_MS,
  );

  it(
    'exits non-zero with a one-line message on a bad parameter',
    () => {
      const { status, stderr } = run(['-c', 'batchsize=20']);
      expect(status).toBe(1);
      expect(stderr.trim()).toMatch(/^Error: Unknown context key 'batchsize'\. Known keys: .*batchSize/);
    },
    SYNTH_PROCESS_TIMEOUT_MS,
  );
});
