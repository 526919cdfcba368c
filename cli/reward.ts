/**
 * `npm run reward -- <command>`: work with reward code in the restricted language.
 *
 *   check FILE --env ID [--seed S]   exit 0 only if FILE passes the checker and the pre-flight run on
 *                                    1000 random transitions of ID; otherwise print every error, exit 1
 *   generate --env ID --goal "…" [--out FILE] [--seed S]
 *                                    write reward code for the goal: with the chat endpoint configured by
 *                                    REWARDFORGE_LLM_URL/_MODEL/_API_KEY, else the built-in rule-based
 *                                    generator; says which one produced it
 *   compare A B --env ID [--gamma G]  EPIC and STARC-style distances between two reward files on
 *                                    coverage transitions of ID (0 = same up to shaping and scale)
 *   refine --run DIR --feedback "…"  improve a run's generated reward from what the agent did (its
 *                                    summary.json) and your feedback; needs the chat endpoint. Writes
 *                                    DIR/reward/refined-K.js (+ its transcript) for --reward file:…
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { listEnvs, make } from '../envs/index.ts';
import { sampleTransitions } from '../rewards/lang/preflight.ts';
import { epicDistance, starcDistance } from '../rewards/compare/epic.ts';
import { ChatError, chatClientFromEnv } from '../rewards/text2reward/client.ts';
import { GenerationFailed, generateWithRepair } from '../rewards/text2reward/generate.ts';
import { buildMessages, feedbackMessages } from '../rewards/text2reward/prompt.ts';
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
  program
    .command('compare')
    .argument('<a>', 'reward code file')
    .argument('<b>', 'reward code file')
    .requiredOption('--env <id>', 'env whose transitions are the coverage set')
    .option('--gamma <g>', 'discount of the canonicalisation', '0.99')
    .option('--samples <n>', 'coverage transitions from random rollouts', '2000')
    .action((a: string, b: string, o: { env: string; gamma: string; samples: string }) => {
      if (!listEnvs().includes(o.env)) throw new TrainArgsError(`--env: unknown env id '${o.env}'. Registered ids: ${listEnvs().join(', ')}`);
      const gamma = Number(o.gamma);
      if (!(gamma >= 0 && gamma <= 1)) throw new TrainArgsError(`--gamma must be in [0, 1], got '${o.gamma}'`);
      const n = Number(o.samples);
      if (!Number.isInteger(n) || n < 10) throw new TrainArgsError(`--samples must be an integer ≥ 10, got '${o.samples}'`);
      const ra = loadCodeReward(readRewardFile(a), o.env, `file:${a}`, 0).reward;
      const rb = loadCodeReward(readRewardFile(b), o.env, `file:${b}`, 0).reward;
      const samples = sampleTransitions(make(o.env), n, 1);
      const cov = { transitions: samples.map((t) => ({ s: t.state, a: t.action, s2: t.next })), states: samples.map((t) => t.state), actions: samples.map((t) => t.action) };
      const fa = (s: unknown, act: unknown, s2: unknown) => ra.compute(s, act, s2, {});
      const fb = (s: unknown, act: unknown, s2: unknown) => rb.compute(s, act, s2, {});
      out(`${JSON.stringify({ env: o.env, a, b, gamma, samples: n, epic: epicDistance(fa, fb, cov, gamma), starc: starcDistance(fa, fb, cov, gamma) })}\n`);
    });
  program
    .command('refine')
    .requiredOption('--run <dir>', 'a train:env run directory trained with --reward text2reward:…')
    .requiredOption('--feedback <text>', 'what should change')
    .option('--max-rounds <n>', 'repair rounds', '4')
    .action(async (o: { run: string; feedback: string; maxRounds: string }) => {
      const dir = path.resolve(o.run);
      const cfgPath = path.join(dir, 'config.json');
      if (!fs.existsSync(cfgPath)) throw new TrainArgsError(`--run: '${o.run}' holds no config.json; is it a run directory?`);
      const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as { env: string; seed: number; reward: { kind: string; goal?: string } };
      if (cfg.reward.kind !== 'text2reward' && cfg.reward.kind !== 'file') throw new TrainArgsError(`--run: the run used reward '${cfg.reward.kind}'; refine needs a run trained with generated reward code`);
      const client = chatClientFromEnv();
      if (!client) {
        throw new TrainArgsError('refine needs a language model: set REWARDFORGE_LLM_URL and REWARDFORGE_LLM_MODEL (the built-in generator is rule-based and cannot take feedback)');
      }
      const previous = fs.readFileSync(path.join(dir, 'reward', 'reward.js'), 'utf8');
      const summaryPath = path.join(dir, 'summary.json');
      const summary = fs.existsSync(summaryPath) ? (JSON.parse(fs.readFileSync(summaryPath, 'utf8')) as { eval?: { episodes: number; meanReturn: number; successRate: number; meanLength: number }; steps?: number }) : undefined;
      const behaviour = summary?.eval
        ? `after ${summary.steps} training steps, over ${summary.eval.episodes} evaluation episodes the agent succeeded in ${(summary.eval.successRate * 100).toFixed(0)}% with mean return ${summary.eval.meanReturn.toFixed(2)} and mean length ${summary.eval.meanLength.toFixed(0)} steps`
        : 'the run has no evaluation summary yet';
      const probe = make(cfg.env);
      try {
        probe.reset({ seed: cfg.seed });
        const base = buildMessages({ instruction: cfg.reward.goal ?? 'the same task', abstraction: probe.abstraction() });
        const ctx = { sampleState: probe.state(), transitions: sampleTransitions(probe, 1000, cfg.seed) };
        let r;
        try {
          r = await generateWithRepair(client, feedbackMessages(base, previous, behaviour, o.feedback), ctx, Number(o.maxRounds));
        } catch (e) {
          if (e instanceof GenerationFailed || e instanceof ChatError) throw new TrainArgsError(e.message);
          throw e;
        }
        let k = 1;
        while (fs.existsSync(path.join(dir, 'reward', `refined-${k}.js`))) k++;
        const file = path.join(dir, 'reward', `refined-${k}.js`);
        writeFileAtomic(file, `${r.code}\n`);
        writeFileAtomic(path.join(dir, 'reward', `refined-${k}.json`), `${JSON.stringify({ generator: r.generator, feedback: o.feedback, behaviour, messages: r.messages, rounds: r.rounds }, null, 2)}\n`);
        out(`wrote ${file} (generator: ${r.generator}, ${r.rounds.length} round(s))\ntrain with it: npm run train:env -- --env ${cfg.env} --reward file:${file}\n`);
      } finally {
        probe.close();
      }
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
