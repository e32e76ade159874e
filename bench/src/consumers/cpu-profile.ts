/**
 * Where a consumer process spends its CPU: a V8 CPU profile (`node --cpu-prof`) reduced to self time
 * by area (the AWS SDK, node's HTTP and streams, timers, ours, GC…), by package and by file, over a
 * window (the drain: from the first receive to the delete that emptied the queue) so that start-up
 * does not blur the per-message figures.
 */

/** The parts of V8's `.cpuprofile` JSON this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }[];
  /** µs, the monotonic clock. */
  readonly startTime: number;
  readonly endTime: number;
  /** The node sampled, per sample. */
  readonly samples: readonly number[];
  /** µs since the previous sample (the first: since startTime). */
  readonly timeDeltas: readonly number[];
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  /** Of the samples in the window (idle left out). */
  readonly share: number;
}

export interface ProfileSummary {
  /** CPU time over the window (ms): as measured, or estimated from the samples. */
  readonly cpuMs: number;
  /** Samples in the window, idle left out. */
  readonly samples: number;
  /** Whether the window was applied (false: the profile did not cover it, so the whole profile was used). */
  readonly windowed: boolean;
  readonly byArea: readonly Share[];
  readonly byPackage: readonly Share[];
  readonly byFile: readonly Share[];
  readonly byFunction: readonly Share[];
}

/** Where a frame's code lives. */
interface Place {
  readonly area: string;
  readonly packageName: string;
  readonly file: string;
}

const NODE_MODULES = 'node_modules/';
const SOCKETS = 'node: HTTP, sockets, streams';
const MODULE_LOADING = 'node: module loading';
/** Native functions (no script) that belong to an area of their own. */
const NATIVE_AREAS: Readonly<Record<string, string>> = {
  writev: SOCKETS,
  writeBuffer: SOCKETS,
  writeUtf8String: SOCKETS,
  writeLatin1String: SOCKETS,
  utf8Slice: SOCKETS,
  latin1Slice: SOCKETS,
  runMicrotasks: 'V8: promise jobs (runMicrotasks)',
  parse: 'V8: JSON',
  stringify: 'V8: JSON',
  readFileUtf8: MODULE_LOADING,
  internalModuleStat: MODULE_LOADING,
  compileFunction: MODULE_LOADING,
  readPackageJSON: MODULE_LOADING,
  getNearestParentPackageJSON: MODULE_LOADING,
};

/** The package and file of a frame, from its script URL. */
export function placeOf(functionName: string, url: string): Place {
  if (url === '') {
    if (functionName === '(garbage collector)') return { area: 'GC', packageName: '(GC)', file: '(GC)' };
    if (functionName === '(program)') {
      return { area: 'V8 / native (unattributed)', packageName: '(program)', file: '(program)' };
    }
    return {
      area: NATIVE_AREAS[functionName] ?? 'V8 / native (unattributed)',
      packageName: '(native)',
      file: `(native) ${functionName}`,
    };
  }
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith('node:')) {
    const parts = path.slice('node:'.length).split('/');
    const module = parts[0] === 'internal' && parts.length >= 2 ? `internal/${parts[1]}` : (parts[0] ?? '');
    return { area: nodeArea(path), packageName: `node:${module}`, file: path };
  }
  const at = path.lastIndexOf(NODE_MODULES);
  if (at >= 0) {
    const rest = path.slice(at + NODE_MODULES.length).split('/');
    const packageName = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? path);
    const file = `${packageName}/${rest.slice(packageName.split('/').length).join('/')}`;
    return { area: packageArea(packageName), packageName, file };
  }
  const workspace = /\/packages\/([^/]+)\/(.*)$/.exec(path);
  if (workspace) {
    const packageName = `@orders/${workspace[1]}`;
    return { area: packageArea(packageName), packageName, file: `${packageName}/${workspace[2]}` };
  }
  const bench = /\/bench\/(.*)$/.exec(path);
  if (bench) return { area: 'the reference harness', packageName: '@orders/bench', file: `bench/${bench[1]}` };
  return { area: 'other', packageName: path, file: path };
}

function nodeArea(path: string): string {
  if (/timers/.test(path)) return 'node: timers';
  if (/internal\/(modules|bootstrap)|^node:(path|vm|fs)$/.test(path)) return MODULE_LOADING;
  if (/http|net|stream|tcp|dns|socket|url|buffer|encoding/.test(path)) return SOCKETS;
  if (/crypto/.test(path)) return 'node: crypto';
  if (/events|event_target|task_queues|async_hooks/.test(path)) return 'node: events, nextTick, async hooks';
  return 'node: other';
}

function packageArea(packageName: string): string {
  if (
    packageName.startsWith('@aws-sdk/') ||
    packageName.startsWith('@smithy/') ||
    packageName.startsWith('@aws-crypto/')
  ) {
    return 'AWS SDK (@aws-sdk, @smithy, @aws-crypto)';
  }
  if (
    packageName === 'fast-xml-parser' ||
    packageName === 'strnum' ||
    packageName === 'tslib' ||
    packageName === 'uuid'
  ) {
    return 'AWS SDK (@aws-sdk, @smithy, @aws-crypto)';
  }
  if (packageName === 'sqs-consumer') return 'sqs-consumer';
  if (packageName.startsWith('@aws-lambda-powertools/')) return 'logging (Powertools)';
  if (packageName.startsWith('@orders/')) return `ours: ${packageName}`;
  return `other packages (${packageName})`;
}

/**
 * Self time per area, package, file and function, by sample count: on a shared machine a sample
 * that comes late (the process was not running) would, weighted by the time since the previous one,
 * charge that wait to whatever ran when it resumed. The shares are of the samples (idle left out);
 * their times are those shares of `cpuMs` — the CPU the process used over the window, as /proc
 * measured it — or, without it, of the samples' count × their median interval. Samples outside
 * `window` (µs, the profile's clock) are left out, unless the window does not overlap the profile.
 */
export function summarizeProfile(
  profile: CpuProfile,
  options: { readonly window?: { readonly from: number; readonly to: number }; readonly cpuMs?: number } = {},
  top = 12,
): ProfileSummary {
  const { window } = options;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const windowed = window !== undefined && window.from < profile.endTime && window.to > profile.startTime;
  const byArea = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string): void => {
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  let at = profile.startTime;
  let counted = 0;
  const intervals: number[] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (windowed && (at < window.from || at > window.to)) continue;
    const frame = frames.get(profile.samples[i] ?? -1);
    if (frame === undefined || frame.functionName === '(idle)' || frame.functionName === '(root)') continue;
    const place = placeOf(frame.functionName, frame.url);
    counted++;
    intervals.push(delta);
    add(byArea, place.area);
    add(byPackage, place.packageName);
    add(byFile, place.file);
    add(
      byFunction,
      place.file.startsWith('(')
        ? place.file
        : `${frame.functionName || '(anonymous)'} ${place.file}:${frame.lineNumber + 1}`,
    );
  }
  intervals.sort((a, b) => a - b);
  const cpuMs = options.cpuMs ?? (counted * (intervals[Math.floor(intervals.length / 2)] ?? 0)) / 1000;
  const shares = (map: Map<string, number>, limit: number): Share[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, samples]) => {
        const share = counted > 0 ? samples / counted : 0;
        return { name, ms: share * cpuMs, share };
      });
  return {
    cpuMs,
    samples: counted,
    windowed,
    byArea: shares(byArea, Number.POSITIVE_INFINITY),
    byPackage: shares(byPackage, top),
    byFile: shares(byFile, top),
    byFunction: shares(byFunction, top),
  };
}
