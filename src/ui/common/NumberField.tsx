import { useEffect, useState } from 'react';

/**
 * A numeric setting: an emptied or unreadable field is NaN in the form (so the setup check names it),
 * and a half-typed number is kept as typed. `ariaLabel` tells apart fields of the same name in two forms.
 */
export function NumberField({
  label,
  value,
  onChange,
  step,
  min,
  title,
  testId,
  ariaLabel,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  step?: number | 'any';
  min?: number;
  title?: string;
  testId?: string;
  ariaLabel?: string;
}) {
  // Local text so a half-typed number ("0.", "3e-") is not clobbered on every keystroke.
  const [text, setText] = useState(String(value));
  useEffect(() => {
    setText((t) => (Number.isNaN(value) || (Number(t) === value && t.trim() !== '') ? t : String(value)));
  }, [value]);
  return (
    <label className="field" title={title}>
      {label}
      <input
        className="input"
        type="number"
        step={step ?? 'any'}
        min={min}
        aria-label={ariaLabel ?? label}
        data-testid={testId}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          // An emptied or unreadable field is NaN in the form, so the setup check names it and Start stays disabled.
          const v = e.target.value.trim() === '' ? Number.NaN : Number(e.target.value);
          onChange(Number.isFinite(v) ? v : Number.NaN);
        }}
      />
    </label>
  );
}
