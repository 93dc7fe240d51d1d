import { describe, expect, it } from 'vitest';
import {
  httpRoute,
  ipcChannel,
  isMethodName,
  methodNames,
  methods,
  PlanCreateInput,
  RestoreInput,
} from './contract';
import { eventNames, events } from './cairnEvents';

describe('the contract', () => {
  it('derives one route and one channel per method, all distinct and URL-safe', () => {
    expect(methodNames.length).toBeGreaterThan(25);
    const routes = methodNames.map(httpRoute);
    expect(new Set(routes).size).toBe(routes.length);
    for (const r of routes) expect(r).toMatch(/^\/api\/[a-zA-Z]+$/);
    expect(ipcChannel('runNow')).toBe('cairn:runNow');
    expect(isMethodName('runNow')).toBe(true);
    expect(isMethodName('toString')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
  });

  it('has an input and an output schema for every method and a schema for every event', () => {
    for (const m of methodNames) {
      expect(typeof methods[m].input.safeParse).toBe('function');
      expect(typeof methods[m].output.safeParse).toBe('function');
    }
    for (const e of eventNames) expect(typeof events[e].safeParse).toBe('function');
  });

  it('refuses inputs a user could get wrong, with a message', () => {
    expect(PlanCreateInput.safeParse({ name: 'home', dest: '/b', sources: [] }).success).toBe(false);
    expect(PlanCreateInput.safeParse({ name: '../x', dest: '/b', sources: ['/a'] }).success).toBe(false);
    expect(methods.status.input.safeParse({ extra: 1 }).success).toBe(false);
    const r = RestoreInput.safeParse({
      plan: 'home',
      stamp: 'latest',
      paths: [],
      target: { mode: 'to' },
      dryRun: true,
    });
    expect(r.success).toBe(false);
    expect(
      RestoreInput.safeParse({
        plan: 'home',
        stamp: 'latest',
        paths: [],
        target: { mode: 'in-place' },
        dryRun: true,
      }).success,
    ).toBe(true);
  });
});
