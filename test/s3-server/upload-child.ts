// Uploads one file to the test S3 server in a process of its own, saving the multipart session to a file
// (as the catalog would), so a test can kill it (-9) mid-upload and resume from another process.
// Usage: node --import tsx upload-child.ts '{"endpoint","bucket","prefix","file","name","sessionFile"}'
import fs from 'node:fs';
import { createS3Remote } from '../../electron/engine/remotes/s3';
import { S3_CREDENTIALS } from './server';

const a = JSON.parse(process.argv[2] ?? '{}') as {
  endpoint: string;
  bucket: string;
  prefix: string;
  file: string;
  name: string;
  sessionFile: string;
};
const remote = createS3Remote({
  name: 'child',
  config: {
    bucket: a.bucket,
    prefix: a.prefix,
    endpoint: a.endpoint,
    region: 'us-east-1',
    pathStyle: true,
    storageClass: null,
  },
  credentials: { ...S3_CREDENTIALS },
});
const folder = await remote.ensureFolder(['up']);
await remote.upload({
  parentId: folder.id,
  name: a.name,
  source: { path: a.file },
  session: {
    uri: null,
    save: (uri) => fs.writeFileSync(a.sessionFile, uri),
    forget: () => fs.rmSync(a.sessionFile, { force: true }),
  },
});
process.stdout.write('done\n');
