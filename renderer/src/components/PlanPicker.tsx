// Which plan a view looks at (shared across views through the store).
import { useApp, appStore } from '../store/store';

/** A labelled select of the plans; hidden when there is only one. */
export function PlanPicker() {
  const plans = useApp((s) => s.plans);
  const selected = useApp((s) => s.selectedPlan);
  if (!plans || plans.length < 2) return null;
  return (
    <label>
      Plan
      <select value={selected ?? ''} onChange={(e) => appStore.getState().selectPlan(e.target.value)}>
        {plans.map((p) => (
          <option key={p.name}>{p.name}</option>
        ))}
      </select>
    </label>
  );
}
