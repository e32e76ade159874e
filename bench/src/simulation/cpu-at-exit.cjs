// Preloaded (`node --require`) in front of `orders simulate` by bench/src/stages/measure-simulation.ts:
// when the process exits, writes its CPU time (process.cpuUsage(): user and system, µs, every
// thread of the process) to the file BENCH_CPU_FILE names, which the parent cannot read once it is gone.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.BENCH_CPU_FILE;
  if (file) writeFileSync(file, JSON.stringify(process.cpuUsage()));
});
