import { describe, expect, it } from 'vitest';
import { sampleBackups, samplePlan, samplePlanStatus, sampleRun, sampleStatus } from '../testing/samples';
import { createAppStore } from './store';
import { viewFromHash } from './uiSlice';

describe('the store slices', () => {
  it('keeps a run by plan until its runFinished, then remembers the outcome', () => {
    const s = createAppStore();
    s.getState().applyRunProgress(sampleRun({ files: 5 }));
    s.getState().applyRunProgress(sampleRun({ files: 9 }));
    expect(s.getState().runs.docs?.files).toBe(9);
    s.getState().applyRunFinished({
      runId: 'other',
      planName: 'docs',
      outcome: 'complete',
      backup: null,
      error: null,
    });
    expect(s.getState().runs.docs).toBeDefined();
    s.getState().applyRunFinished({
      runId: 'r1',
      planName: 'docs',
      outcome: 'failed',
      backup: null,
      error: { code: 'io', message: 'The disk is gone.' },
    });
    expect(s.getState().runs.docs).toBeUndefined();
    expect(s.getState().finished.docs?.error?.message).toBe('The disk is gone.');
    // The answer of runNow arriving late does not bring the finished run back.
    s.getState().applyRunProgress(sampleRun({ phase: 'queued' }));
    expect(s.getState().runs.docs).toBeUndefined();
    s.getState().applyRunProgress(sampleRun({ runId: 'r2' }));
    expect(s.getState().runs.docs?.runId).toBe('r2');
  });

  it('patches the status snapshot with statusChanged and changesCounted, and ignores them before it', () => {
    const s = createAppStore();
    s.getState().applyStatusChanged({ planName: 'docs', state: 'failing', previous: null, reasons: [] });
    expect(s.getState().status).toBeNull();
    s.getState().setStatus(sampleStatus([samplePlanStatus(), samplePlanStatus({ planName: 'photos' })]));
    s.getState().applyStatusChanged({
      planName: 'docs',
      state: 'failing',
      previous: 'healthy',
      reasons: ['The source folder is missing.'],
    });
    s.getState().applyChangesCounted({ planName: 'photos', changedFiles: 40 });
    const [docs, photos] = s.getState().status!.plans;
    expect(docs).toMatchObject({ state: 'failing', reasons: ['The source folder is missing.'] });
    expect(photos).toMatchObject({ state: 'healthy', changedFiles: 40 });
  });

  it('selects the first plan, keeps a chosen one while it exists, and moves on when it is removed', () => {
    const s = createAppStore();
    s.getState().setPlans([samplePlan('a'), samplePlan('b')]);
    expect(s.getState().selectedPlan).toBe('a');
    s.getState().selectPlan('b');
    s.getState().setPlans([samplePlan('a'), samplePlan('b'), samplePlan('c')]);
    expect(s.getState().selectedPlan).toBe('b');
    s.getState().setPlans([samplePlan('c')]);
    expect(s.getState().selectedPlan).toBe('c');
    s.getState().setPlans([]);
    expect(s.getState().selectedPlan).toBeNull();
  });

  it('stores backups per plan and bumps a version when they must be fetched again', () => {
    const s = createAppStore();
    s.getState().setBackups('docs', sampleBackups(3));
    s.getState().invalidateBackups();
    expect(s.getState().backups.docs).toHaveLength(3);
    expect(s.getState().backupsVersion).toBe(1);
  });

  it('reads the view from the address', () => {
    expect(viewFromHash('#/history')).toBe('history');
    expect(viewFromHash('#/restore?plan=docs')).toBe('browse');
    expect(viewFromHash('#/retention')).toBe('retention');
    expect(viewFromHash('#token=abc')).toBe('overview');
    expect(viewFromHash('')).toBe('overview');
  });
});
