import type { FilterForm } from '../filters';

interface FilterBarProps {
  form: FilterForm;
  onChange: (form: FilterForm) => void;
}

/** Each control applies at once (change event); the gallery re-queries images(filter). */
export const FilterBar = ({ form, onChange }: FilterBarProps) => {
  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => onChange({ ...form, [key]: value });
  return (
    <form class="filters" aria-label="Gallery filters" onSubmit={(event) => event.preventDefault()}>
      <div class="field">
        <label for="filter-animal">Animal</label>
        <select id="filter-animal" value={form.animal} onChange={(event) => set('animal', event.currentTarget.value as FilterForm['animal'])}>
          <option value="">Any</option>
          <option value="CAT">Cat</option>
          <option value="DOG">Dog</option>
          <option value="OTHER">Other</option>
        </select>
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value={form.status} onChange={(event) => set('status', event.currentTarget.value as FilterForm['status'])}>
          <option value="">Any</option>
          <option value="PENDING">Pending</option>
          <option value="PROCESSING">Processing</option>
          <option value="COMPLETED">Completed</option>
          <option value="FAILED">Failed</option>
        </select>
      </div>
      <div class="field">
        <label for="filter-uncertain">Uncertain</label>
        <select id="filter-uncertain" value={form.uncertain} onChange={(event) => set('uncertain', event.currentTarget.value as FilterForm['uncertain'])}>
          <option value="">Any</option>
          <option value="yes">Uncertain only</option>
          <option value="no">Certain only</option>
        </select>
      </div>
      <div class="field">
        <label for="filter-from">From</label>
        <input id="filter-from" type="date" value={form.from} max={form.to || undefined} onChange={(event) => set('from', event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="filter-to">To</label>
        <input id="filter-to" type="date" value={form.to} min={form.from || undefined} onChange={(event) => set('to', event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="filter-min-confidence">Min. confidence (%)</label>
        <input id="filter-min-confidence"
          type="number"
          inputMode="decimal"
          min={0}
          max={100}
          step={1}
          value={form.minConfidence}
          onChange={(event) => set('minConfidence', event.currentTarget.value)}
        />
      </div>
    </form>
  );
};
