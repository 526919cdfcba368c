/**
 * `npm run reward -- <command>`: work with reward code in the restricted language.
 *
 *   check FILE --env ID [--seed S]   exit 0 only if FILE passes the checker and the pre-flight run on
 *                                    1000 random transitions of ID; otherwise print every error, exit 1
 *   generate --env ID --goal "…" [--out FILE] [--seed S]
 *                                    write reward code for the goal: with the chat endpoint configured by
 *                                    REWARDFORGE_LLM_URL/_MODEL/_API_KEY, else the built-in rule-based
 *                                    generator; says which one produced it
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { listEnvs } from '../envs/index.ts';
import { generateReward, loadCodeReward, readRewardFile } from './reward_spec.ts';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import { TrainArgsError } from './train_args.ts';

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let code = 0;
  const program = new Command('reward').exitOverride().configureOutput({ writeOut: out, writeErr: err }).description('Reward code in the restricted reward language.');
  program
    .command('check')
    .argument('<file>', 'reward code file')
    .requiredOption('--env <id>', 'env whose state the code reads')
    .option('--seed <n>', 'seed of the pre-flight rollouts', '0')
    .action((file: string, o: { env: string; seed: string }) => {
      if (!listEnvs().includes(o.env)) throw new TrainArgsError(`--env: unknown env id '${o.env}'. Registered ids: ${listEnvs().join(', ')}`);
      if (!/^\d+$/.test(o.seed)) throw new TrainArgsError(`--seed must be a non-negative integer, got '${o.seed}'`);
      const loaded = loadCodeReward(readRewardFile(file), o.env, `file:${file}`, Number(o.seed));
      const p = loaded.preflight;
      out(`ok: ${file} passes the checker and the pre-flight on ${p.samples} random transitions of ${o.env}\n` +
        `    reward range [${p.min.toPrecision(4)}, ${p.max.toPrecision(4)}], mean ${p.mean.toPrecision(4)}; terms: ${p.termNames.join(', ') || '(none)'}\n`);
    });
  program
    .command('generate')
    .requiredOption('--env <id>', 'env whose state the reward reads')
    .requiredOption('--goal <sentence>', 'what the agent should do')
    .option('--out <file>', 'write the code here (default: print it)')
    .option('--seed <n>', 'seed of the pre-flight rollouts', '0')
    .action(async (o: { env: string; goal: string; out?: string; seed: string }) => {
      if (!listEnvs().includes(o.env)) throw new TrainArgsError(`--env: unknown env id '${o.env}'. Registered ids: ${listEnvs().join(', ')}`);
      if (!/^\d+$/.test(o.seed)) throw new TrainArgsError(`--seed must be a non-negative integer, got '${o.seed}'`);
      const g = await generateReward(o.goal, o.env, Number(o.seed));
      // The same checks train:env applies, so a file written here trains.
      const loaded = loadCodeReward(g.code, o.env, `text2reward:${g.generator}`, Number(o.seed));
      if (o.out) {
        writeFileAtomic(o.out, `${g.code}\n`);
        out(`wrote ${o.out}\n`);
      } else out(`${g.code}\n`);
      err(`generator: ${g.generator}${g.generator === 'builtin' ? ' (rule-based, offline; set REWARDFORGE_LLM_URL to use a language model)' : ''}; passes the checker and the pre-flight on ${loaded.preflight.samples} transitions; terms: ${loaded.preflight.termNames.join(', ')}\n`);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return 0;
      return 2;
    }
    if (e instanceof TrainArgsError) {
      err(`reward: ${e.message.replace(/^--reward file:[^:]*: /, '')}\n`);
      return 1;
    }
    throw e;
  }
  return code;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((c) => {
    process.exitCode = c;
  });
}
