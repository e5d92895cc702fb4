/**
 * The model (or run) of one Playground column: the stored choice while it still exists, else the
 * newest item.
 */
export function ColumnSelect({ items, chosen, onChange, label }: { items: { id: string; caption: string }[]; chosen: string | null; onChange(id: string): void; label: string }) {
  const value = chosen && items.some((i) => i.id === chosen) ? chosen : (items[items.length - 1]?.id ?? '');
  return (
    <select className="input pg-model" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {items.map((i) => (
        <option key={i.id} value={i.id}>
          {i.caption}
        </option>
      ))}
    </select>
  );
}
