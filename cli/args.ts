/** Minimal `--name value` / `--flag` parser shared by the CLI commands. */
export interface ParsedArgs {
  values: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

export function parseArgs(args: string[], booleanFlags: string[] = []): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) values.set(a.slice(2, eq), a.slice(eq + 1));
      else if (booleanFlags.includes(a.slice(2))) flags.add(a.slice(2));
      else if (i + 1 < args.length) values.set(a.slice(2), args[++i]);
      else throw new Error(`option ${a} needs a value`);
    } else positional.push(a);
  }
  return { values, flags, positional };
}

export function required(p: ParsedArgs, name: string): string {
  const v = p.values.get(name);
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

export function intOption(p: ParsedArgs, name: string, fallback: number): number {
  const v = p.values.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got "${v}"`);
  return n;
}
