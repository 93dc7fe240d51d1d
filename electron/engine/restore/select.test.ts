import { describe, expect, it } from 'vitest';
import { Selection } from './select';

describe('Selection', () => {
  it('takes chosen paths and what is under them, not names that merely start the same', () => {
    const s = new Selection(['/src/docs/', 'src/a.txt']);
    expect(s.includes('src/docs')).toBe(true);
    expect(s.includes('src/docs/x/y')).toBe(true);
    expect(s.includes('src/docs2')).toBe(false);
    expect(s.includes('src/a.txt')).toBe(true);
    expect(s.isAncestor('src')).toBe(true);
    expect(s.isAncestor('src/doc')).toBe(false);
    expect(() => s.checkAllFound('home/S')).not.toThrow();
    const t = new Selection(['src/nope']);
    expect(() => t.checkAllFound('home/S')).toThrow(/has no "src\/nope"/);
    expect(new Selection(undefined).includes('anything')).toBe(true);
  });
});
