import { useState } from 'react';

/** Copies the page's address (where a Playground writes what it last answered). */
export function CopyLink({ title }: { title: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const show = (s: 'copied' | 'failed') => {
    setState(s);
    setTimeout(() => setState('idle'), s === 'copied' ? 1500 : 4000);
  };
  return (
    <button
      className="btn"
      title={state === 'failed' ? 'The browser refused the clipboard: copy the address bar instead' : title}
      onClick={() => {
        // No clipboard (an insecure origin) or a refused permission: say so rather than fail silently.
        if (!navigator.clipboard) return show('failed');
        navigator.clipboard.writeText(location.href).then(
          () => show('copied'),
          () => show('failed'),
        );
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: use the address bar' : 'Copy link'}
    </button>
  );
}
