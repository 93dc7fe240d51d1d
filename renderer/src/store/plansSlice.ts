// The plans and which one the views look at.
import type { StateCreator } from 'zustand';
import type { z } from 'zod';
import type { Plan } from '../../../shared/contract';
import type { AppState } from './store';

export type PlanValue = z.output<typeof Plan>;

export interface PlansSlice {
  /** Null until the first planList answered. */
  plans: PlanValue[] | null;
  plansError: string | null;
  selectedPlan: string | null;
  setPlans(plans: PlanValue[]): void;
  setPlansError(message: string | null): void;
  selectPlan(name: string | null): void;
}

/** Creates the plans slice; the selection follows the list (the first plan when the chosen one is gone). */
export const createPlansSlice: StateCreator<AppState, [], [], PlansSlice> = (set) => ({
  plans: null,
  plansError: null,
  selectedPlan: null,
  setPlans: (plans) =>
    set((s) => ({
      plans,
      plansError: null,
      selectedPlan:
        s.selectedPlan && plans.some((p) => p.name === s.selectedPlan)
          ? s.selectedPlan
          : (plans[0]?.name ?? null),
    })),
  setPlansError: (plansError) => set({ plansError }),
  selectPlan: (selectedPlan) => set({ selectedPlan }),
});
