import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { round } from './stats';

/** The machine a run took its figures on: shared machines vary, so every report says which and how busy. */
export interface MachineAtStart {
  readonly cpus: number;
  readonly nproc: string;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly loadavgStart: readonly number[];
}

export function describeMachine(): MachineAtStart {
  return {
    cpus: cpus().length,
    nproc: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadavgStart: currentLoadAverage(),
  };
}

export const currentLoadAverage = (): number[] => loadavg().map((load) => round(load, 2));
