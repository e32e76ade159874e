import { resolve } from 'node:path';
import { publicApiReports } from './packages/testkit/src/public-api/public-api-report';
const pkgs = process.argv.slice(2);
const r = publicApiReports(pkgs.map((p) => resolve(`packages/${p}/src/index.ts`)));
for (const [k, v] of r) {
  console.log(`## ${k.split('/').slice(-3)[0]} forgotten: ${v.forgotten.join(' ')}`);
}
