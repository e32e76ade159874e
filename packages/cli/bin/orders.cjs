#!/usr/bin/env node
// The `orders` bin as pnpm links it. Committed rather than pointing at dist/bin.js, which does not
// exist yet when pnpm links bins during a fresh install (it warned "Failed to create bin" twice).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'bin.js');
if (!existsSync(built)) {
  process.stderr.write('orders: the CLI is not built yet; run `pnpm install` (which builds it) or `pnpm build`.\n');
  process.exit(1);
}
require(built);
