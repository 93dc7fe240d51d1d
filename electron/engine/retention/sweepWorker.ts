// A sweep thread (see sweep.ts): deletes the subtrees it is given. Bundled to dist/workers/sweep.cjs.
import { serveLanes } from '../backup/laneWorker';
import type { SweepJob } from './sweep';
import { unlinkTree } from '../format/unlinkTree';

serveLanes((j: SweepJob): null => {
  unlinkTree(j.raw ? Buffer.from(j.dir, 'latin1') : j.dir);
  return null;
});
