export interface CommandModule {
  /** Runs the command with its own arguments; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

export interface Command {
  summary: string;
  help: string;
  load(): Promise<CommandModule>;
}

/** Each command lives in its own file and is loaded only when called. */
export const commands: Record<string, Command> = {
  validate: { summary: 'Check a SQuAD JSON file and report counts and problems', help: 'validate FILE [--show N]\n  Streams FILE through the import parser, prints counts and the first N problems (default 20).\n  Last stdout line: JSON summary. Exit 0 when the file is valid, 1 otherwise.', load: () => import('./validate.js') },
  evaluate: { summary: 'SQuAD v1.1 exact match and F1 of a predictions file', help: 'evaluate --data DATA.json --predictions PREDICTIONS.json [--output SCORES.json]\n  Official v1.1 metric; predictions are {"question id": "answer"}. Last stdout line:\n  {"exact_match": x, "f1": y, ...} on a 0-100 scale. --output writes per-question scores.', load: () => import('./evaluate.js') },
};
