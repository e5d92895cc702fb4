import { useState } from 'react';

/** Copies the page's address (where a Playground writes what it last answered). */
export function CopyLink({ title, label = 'Copy link' }: { title: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      className="btn"
      title={title}
      onClick={() => {
        void navigator.clipboard?.writeText(location.href).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}
