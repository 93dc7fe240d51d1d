// How the bench finds restic: its version, or an apt install when root, or a reason to leave its rows out.
import { describe, expect, it } from 'vitest';
import { findRestic, resticVersion, type Runner } from './restic';

/** A runner that answers from a script of results, recording each command line. */
function scripted(answers: Record<string, { status: number | null; stdout: string }[]>) {
  const calls: string[] = [];
  const run: Runner = (argv) => {
    const line = argv.join(' ');
    calls.push(line);
    return answers[line]?.shift() ?? { status: 0, stdout: '' };
  };
  return { run, calls };
}

const RESTIC = { status: 0, stdout: 'restic 0.14.0 compiled with go1.19.8 on linux/amd64\n' };
const MISSING = { status: null, stdout: '' };

describe('restic for the bench', () => {
  it('reads the version line', () => {
    expect(resticVersion(RESTIC.stdout)).toBe('0.14.0');
    expect(resticVersion('restic 0.17.3-dev (compiled manually) compiled with go1.22')).toBe('0.17.3-dev');
    expect(resticVersion('bash: restic: command not found')).toBeNull();
  });

  it('uses restic when it is there, installing nothing', () => {
    const s = scripted({ 'restic version': [RESTIC] });
    expect(findRestic(s.run, true)).toEqual({ version: '0.14.0' });
    expect(s.calls).toEqual(['restic version']);
  });

  it('installs it with apt when root, updating the lists when the first install fails', () => {
    const s = scripted({
      'restic version': [MISSING, RESTIC],
      'apt-get install -y restic': [
        { status: 100, stdout: '' },
        { status: 0, stdout: '' },
      ],
    });
    expect(findRestic(s.run, true)).toEqual({ version: '0.14.0' });
    expect(s.calls).toEqual([
      'restic version',
      'apt-get install -y restic',
      'apt-get update',
      'apt-get install -y restic',
      'restic version',
    ]);
  });

  it('says why its rows are left out when not root or when apt fails', () => {
    const notRoot = scripted({ 'restic version': [MISSING] });
    expect(findRestic(notRoot.run, false)).toEqual({ missing: expect.stringContaining('not root') });
    expect(notRoot.calls).toEqual(['restic version']);
    const failing = scripted({
      'restic version': [MISSING, MISSING],
      'apt-get install -y restic': [
        { status: 100, stdout: '' },
        { status: 100, stdout: '' },
      ],
    });
    expect(findRestic(failing.run, true)).toEqual({ missing: expect.stringContaining('failed') });
  });
});
