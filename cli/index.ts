// One entry point for every CLI command: `npm run -s cli -- <command> [options]`.
import { commands, taskCommands } from './commands/index.js';
import { parseTaskName } from '../src/core/tasks/index.js';

/** Whether rest[i] is part of a `--task NAME` / `--task=NAME` option. */
function isTaskArg(rest: string[], i: number): boolean {
  return rest[i] === '--task' || rest[i].startsWith('--task=') || (i > 0 && rest[i - 1] === '--task');
}

/** The --task option (qa when absent): every command takes it, and one entry point dispatches on it. */
function taskOf(rest: string[]): ReturnType<typeof parseTaskName> {
  const i = rest.findIndex((a) => a === '--task' || a.startsWith('--task='));
  if (i < 0) return 'qa';
  const v = rest[i].startsWith('--task=') ? rest[i].slice('--task='.length) : rest[i + 1];
  return parseTaskName(v);
}

function usage(): string {
  const lines = ['Usage: npm run -s cli -- <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'init, features, logits, train, predict and evaluate take --task qa|mrpc (qa, extractive question answering, by default;', 'mrpc: GLUE MRPC sentence-pair classification).');
  lines.push('Run `npm run -s cli -- <command> [--task mrpc] --help` for the options of one command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const task = taskOf(rest);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(task !== 'qa' && name !== 'init' ? (taskCommands[task]?.[name]?.help ?? `${name} has no --task ${task}`) : command.help);
    return 0;
  }
  if (task !== 'qa' && name !== 'init') {
    const byTask = taskCommands[task]?.[name];
    if (!byTask) throw new Error(`${name} has no --task ${task}; commands for ${task}: init, ${Object.keys(taskCommands[task] ?? {}).join(', ')}`);
    return (await byTask.load()).run(rest.filter((_, i) => !isTaskArg(rest, i)));
  }
  const mod = await command.load();
  return mod.run(task === 'qa' ? rest.filter((_, i) => !isTaskArg(rest, i)) : rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
