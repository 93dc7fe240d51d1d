// A CairnService over a fresh catalog in a temp folder, for the tests of the service and its handlers.
import path from 'node:path';
import { afterEach } from 'vitest';
import { openCatalog, type Db } from '../../electron/engine/catalog/db';
import { CairnService } from '../../electron/engine/app/service/service';
import { FileSecretStore } from '../../electron/engine/secrets/store';
import { tempDir } from './tmp';
import { writeTree, type TreeSpec } from './tree';

/** The value of an API reply; a failed reply throws with its code and message. */
export function value<T>(
  r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/**
 * Call at the top of a test file. The function it returns writes `files` to <root>/<source> and starts a
 * service over a catalog in <root>/data (closed after each test); the plan's destination is <root>/dest.
 */
export function serviceKit() {
  let db: Db | null = null;
  afterEach(() => {
    db?.close();
    db = null;
  });
  return (files: TreeSpec, source = 'src') => {
    const root = tempDir();
    const src = path.join(root, source);
    writeTree(src, files);
    db = openCatalog(path.join(root, 'data'));
    const secrets = new FileSecretStore(path.join(root, 'data'));
    const service = new CairnService({ db, actor: 'test', secrets });
    return { root, src, dest: path.join(root, 'dest'), db, service, api: service.api(), secrets };
  };
}
