// Which plan a view looks at (shared across views through the store).
import { navigate } from '../route';
import { useApp, appStore } from '../store/store';

/** Chooses a plan; a view whose address names a plan moves to the new one's address. */
function choose(name: string): void {
  appStore.getState().selectPlan(name);
  const { route } = appStore.getState();
  if (route.plan !== undefined && route.plan !== name) navigate({ view: route.view, plan: name });
}

/** A labelled select of the plans; hidden when there is only one. */
export function PlanPicker() {
  const plans = useApp((s) => s.plans);
  const selected = useApp((s) => s.selectedPlan);
  if (!plans || plans.length < 2) return null;
  return (
    <label>
      Plan
      <select value={selected ?? ''} onChange={(e) => choose(e.target.value)}>
        {plans.map((p) => (
          <option key={p.name}>{p.name}</option>
        ))}
      </select>
    </label>
  );
}
