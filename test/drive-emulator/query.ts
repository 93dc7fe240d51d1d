import { errors } from './protocol';

/** The fields of a stored file that a `q` expression can test. */
export interface Queryable {
  name: string;
  mimeType: string;
  trashed: boolean;
  parents: string[];
  appProperties: Record<string, string>;
}

/** A compiled `q` expression. */
export type Predicate = (f: Queryable) => boolean;

type Token = { t: 'str'; v: string } | { t: 'word'; v: string } | { t: 'op'; v: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= q.length) throw bad(q);
        const d = q[i++]!;
        if (d === '\\') v += q[i++] ?? '';
        else if (d === "'") break;
        else v += d;
      }
      out.push({ t: 'str', v });
    } else if (c === '!' && q[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
    } else if ('=(){}'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      const m = /^[A-Za-z_][\w.]*/.exec(q.slice(i));
      if (!m) throw bad(q);
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

function bad(q: string) {
  return errors.invalid(`Invalid Value: the query ${JSON.stringify(q)} is not supported.`, 'q');
}

/**
 * Compiles the subset of Drive's query language Cairn uses: `name = 'x'`, `name contains 'x'`,
 * `mimeType = 'x'` (and `!=`), `'id' in parents`, `trashed = false`,
 * `appProperties has { key='k' and value='v' }`, joined by `and`/`or`, `not` and parentheses.
 */
export function compileQuery(q: string): Predicate {
  const toks = tokenize(q);
  let p = 0;
  const peek = () => toks[p];
  const take = () => {
    const t = toks[p++];
    if (!t) throw bad(q);
    return t;
  };
  const expect = (v: string) => {
    const t = take();
    if (t.v.toLowerCase() !== v) throw bad(q);
  };
  const str = () => {
    const t = take();
    if (t.t !== 'str') throw bad(q);
    return t.v;
  };

  const term = (): Predicate => {
    const t = peek();
    if (!t) throw bad(q);
    if (t.t === 'op' && t.v === '(') {
      p++;
      const e = expr();
      expect(')');
      return e;
    }
    if (t.t === 'word' && t.v.toLowerCase() === 'not') {
      p++;
      const e = term();
      return (f) => !e(f);
    }
    if (t.t === 'str') {
      p++;
      expect('in');
      const field = take();
      if (field.v !== 'parents') throw bad(q);
      return (f) => f.parents.includes(t.v);
    }
    const field = take().v;
    if (field === 'appProperties' || field === 'properties') {
      expect('has');
      expect('{');
      expect('key');
      expect('=');
      const key = str();
      expect('and');
      expect('value');
      expect('=');
      const value = str();
      expect('}');
      if (field === 'properties') return () => false;
      return (f) => f.appProperties[key] === value;
    }
    const op = take().v.toLowerCase();
    if (field === 'trashed') {
      const v = take().v.toLowerCase();
      if (op !== '=' && op !== '!=') throw bad(q);
      const want = (v === 'true') === (op === '=');
      return (f) => f.trashed === want;
    }
    if (field !== 'name' && field !== 'mimeType') throw bad(q);
    const value = str();
    const get = (f: Queryable) => (field === 'name' ? f.name : f.mimeType);
    if (op === '=') return (f) => get(f) === value;
    if (op === '!=') return (f) => get(f) !== value;
    if (op === 'contains' && field === 'name') return (f) => f.name.includes(value);
    throw bad(q);
  };

  const conj = (): Predicate => {
    let left = term();
    while (peek()?.t === 'word' && peek()!.v.toLowerCase() === 'and') {
      p++;
      const a = left;
      const b = term();
      left = (f) => a(f) && b(f);
    }
    return left;
  };

  const expr = (): Predicate => {
    let left = conj();
    while (peek()?.t === 'word' && peek()!.v.toLowerCase() === 'or') {
      p++;
      const a = left;
      const b = conj();
      left = (f) => a(f) || b(f);
    }
    return left;
  };

  const e = expr();
  if (p !== toks.length) throw bad(q);
  return e;
}
