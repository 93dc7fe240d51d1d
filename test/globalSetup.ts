import { execFileSync } from 'node:child_process';

/** Builds the bundles the tests spawn (dist/cli.mjs), unless `npm test` has just built them. */
export default function setup(): void {
  if (process.env.CAIRN_BUILT === '1') return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
