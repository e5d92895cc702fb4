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
export const commands: Record<string, Command> = {};
