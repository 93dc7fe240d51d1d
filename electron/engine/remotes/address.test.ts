import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEndpoint, parseS3Url, rcloneConfig, s3Config } from './address';

describe('remote addresses', () => {
  it('splits s3:// URLs into a bucket and a prefix that is empty or ends in /', () => {
    expect(parseS3Url('s3://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Url('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Url('s3://my.bucket/a/b')).toEqual({ bucket: 'my.bucket', prefix: 'a/b/' });
    expect(parseS3Url('S3://abc/office/laptop/')).toEqual({ bucket: 'abc', prefix: 'office/laptop/' });
  });

  it.each([
    ['https://bucket/x', /not an S3 address/],
    ['s3://', /3 to 63 characters/],
    ['s3://ab', /3 to 63 characters/],
    ['s3://My_Bucket', /lowercase letters/],
    ['s3://-bucket', /lowercase letters/],
    ['s3://a..b', /two dots/],
    ['s3://192.168.1.10', /IP address/],
    ['s3://bucket/a//b', /empty, "\." or "\.\." part/],
    ['s3://bucket/a/../b', /empty, "\." or "\.\." part/],
  ])('refuses %s', (url, why) => {
    expect(() => parseS3Url(url)).toThrow(why);
  });

  it('checks the endpoint, region and storage class', () => {
    expect(parseEndpoint('http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000');
    expect(() => parseEndpoint('minio:9000')).toThrow(/must start with https:\/\//);
    expect(() => parseEndpoint('not a url')).toThrow(/is not a URL/);
    expect(() => parseEndpoint('https://key:secret@host')).toThrow(/credentials out of the endpoint/);
    expect(() => parseEndpoint('https://host/?x=1')).toThrow(/query/);
    const c = s3Config({ url: 's3://b-1/p', storageClass: 'standard_ia', pathStyle: true, env: {} });
    expect(c).toEqual({
      bucket: 'b-1',
      prefix: 'p/',
      endpoint: null,
      region: 'us-east-1',
      pathStyle: true,
      storageClass: 'STANDARD_IA',
    });
    expect(s3Config({ url: 's3://b-1', env: { AWS_REGION: 'eu-west-3' } }).region).toBe('eu-west-3');
    expect(() => s3Config({ url: 's3://b-1', region: 'EU West' })).toThrow(/not a region/);
    expect(() => s3Config({ url: 's3://b-1', storageClass: 'cold storage' })).toThrow(/storage class/);
  });

  it('reads rclone REMOTE:PATH targets and finds the config file', () => {
    expect(rcloneConfig({ target: 'nas:backups/cairn/' })).toEqual({
      remote: 'nas:backups/cairn',
      configFile: null,
    });
    expect(rcloneConfig({ target: 'gdrive:' }).remote).toBe('gdrive:');
    expect(rcloneConfig({ target: 'here:/' }).remote).toBe('here:/');
    expect(rcloneConfig({ target: ':local:/srv/x' }).remote).toBe(':local:/srv/x');
    expect(() => rcloneConfig({ target: '/srv/backups' })).toThrow(/REMOTE:PATH/);
    expect(() => rcloneConfig({ target: ':nothing' })).toThrow(/REMOTE:PATH/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-rc-'));
    fs.writeFileSync(path.join(dir, 'rclone.conf'), '[here]\ntype = local\n');
    expect(rcloneConfig({ target: 'here:x', configFile: 'rclone.conf', cwd: dir }).configFile).toBe(
      path.join(dir, 'rclone.conf'),
    );
    expect(() => rcloneConfig({ target: 'here:x', configFile: path.join(dir, 'nope.conf') })).toThrow(
      /does not exist/,
    );
    fs.rmSync(dir, { recursive: true });
  });
});
