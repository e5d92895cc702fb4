import { create } from 'zustand';

const KEY = 'bert-studio.hub-token';

function stored(): string {
  try {
    return typeof localStorage === 'undefined' ? '' : (localStorage.getItem(KEY) ?? '');
  } catch {
    return '';
  }
}

interface HubState {
  /** Held in memory for this page; written to localStorage only when `remember` is set. */
  token: string;
  remember: boolean;
  setToken(token: string): void;
  setRemember(remember: boolean): void;
}

export const useHub = create<HubState>((set, get) => ({
  token: stored(),
  remember: stored() !== '',
  setToken(token) {
    set({ token });
    if (get().remember) localStorage.setItem(KEY, token);
  },
  setRemember(remember) {
    set({ remember });
    if (remember) localStorage.setItem(KEY, get().token);
    else localStorage.removeItem(KEY);
  },
}));
