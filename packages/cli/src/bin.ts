#!/usr/bin/env node
// The `orders` command (packages/cli/dist/bin.js; `./orders` at the repository root runs it). The
// Node check comes first, before any module that needs a newer Node is loaded.
import './entry/require-node';
import { join } from 'node:path';
import { staleBuildWarning } from './entry/stale-build-warning';
import { runOrders } from './main';

const stale = staleBuildWarning(join(__dirname, '..', '..'));
if (stale !== undefined) process.stderr.write(`${stale}\n`);
runOrders(process.argv);
