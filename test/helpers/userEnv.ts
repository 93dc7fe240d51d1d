// The environment a new user starts Cairn with: no CAIRN_* variable, a fresh home (so the default data
// folder is a temp one, not the developer's), nothing else changed.
import fs from 'node:fs';
import path from 'node:path';

/** process.env without any CAIRN_* variable, with HOME (and XDG folders) in the given folder. */
export function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('CAIRN_') && !k.startsWith('XDG_')) env[k] = v;
  }
  fs.mkdirSync(home, { recursive: true });
  return { ...env, HOME: path.resolve(home) };
}
