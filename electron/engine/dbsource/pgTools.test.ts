import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { databaseOf, findPgTool, pgProblem, runPgTool, splitPassword, withDatabase } from './pgTools';

const url = 'postgresql://app@db.example:5433/shop';

describe('PostgreSQL connection URLs', () => {
  it('moves a password out of the URL, decoded', () => {
    expect(splitPassword('postgresql://app:p%40ss@db.example:5433/shop?sslmode=require')).toEqual({
      url: 'postgresql://app@db.example:5433/shop?sslmode=require',
      password: 'p@ss',
    });
    expect(splitPassword(url)).toEqual({ url, password: null });
  });

  it('names the database, switches to another one, and refuses what is not a URL', () => {
    expect(databaseOf(url)).toBe('shop');
    expect(withDatabase(url, 'scratch db')).toBe('postgresql://app@db.example:5433/scratch%20db');
    expect(() => databaseOf('postgresql://app@db.example:5433/')).toThrow(/names no database/);
    expect(() => splitPassword('host=db user=app password=secret')).toThrow(/not a connection URL/);
    expect(() => splitPassword('mysql://a:secret@b/c')).toThrow(/postgresql:\/\//);
  });
});

describe('PostgreSQL client errors', () => {
  const run = (stderr: string) => ({ code: 1, stdout: '', stderr });

  it('says what to do for a refused password, a missing one, a server that is down', () => {
    expect(
      pgProblem(
        'pg_dump',
        run(
          'pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "app"',
        ),
        url,
        'dumping shop',
      ),
    ).toBe(
      'PostgreSQL at db.example:5433 refused the password of app (dumping shop); set the right one with: cairn dbsource password PLAN LABEL --password-stdin.',
    );
    expect(pgProblem('pg_dump', run('fe_sendauth: no password supplied'), url, 'x')).toMatch(
      /asks for a password for app/,
    );
    expect(
      pgProblem(
        'pg_dump',
        run('connection to server at "db.example", port 5433 failed: Connection refused'),
        url,
        'x',
      ),
    ).toMatch(/server at db.example:5433 is not answering/);
    expect(pgProblem('pg_dump', run('FATAL:  database "shop" does not exist'), url, 'x')).toMatch(
      /The database shop does not exist/,
    );
  });

  it('finds the tools only in CAIRN_PG_BIN when set, and says how to install them when missing', async () => {
    const empty = tempDir();
    expect(findPgTool('pg_dump', { CAIRN_PG_BIN: empty })).toBeNull();
    const fake = path.join(empty, 'pg_dump');
    fs.writeFileSync(fake, '#!/bin/sh\necho "secret-pw leaked? $PGPASSWORD" >&2\nexit 3\n', { mode: 0o755 });
    expect(findPgTool('pg_dump', { CAIRN_PG_BIN: empty })).toBe(fake);
    const prev = process.env.CAIRN_PG_BIN;
    process.env.CAIRN_PG_BIN = empty;
    try {
      const r = await runPgTool('pg_dump', [], { url, password: 'secret-pw' });
      expect(r.code).toBe(3);
      expect(r.stderr).not.toContain('secret-pw');
      await expect(runPgTool('pg_restore', [], { url, password: null })).rejects.toThrow(
        /pg_restore was not found; install the PostgreSQL client tools/,
      );
    } finally {
      if (prev === undefined) delete process.env.CAIRN_PG_BIN;
      else process.env.CAIRN_PG_BIN = prev;
    }
  });
});
