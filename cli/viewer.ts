/**
 * `npm run viewer -- --run DIR [--host H] [--port P] [--token T]` — serve the viewer page for a
 * finished run: its curves from `metrics.jsonl` (every scalar, in step order), its summary, and its
 * recorded evaluation episode (`episodes/eval-0.jsonl`: poses or transcript, replayed in a loop). The
 * server stays up until Ctrl-C. Live runs stream through `npm run train:env -- --viewer` instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { readMetrics } from '../sim/io/metrics.ts';
import { CLIENT_DIR, VENDOR } from '../viewer/host.ts';
import { type RecordedLine, readRecording } from '../viewer/recorder.ts';
import { ViewerServer, isLoopbackHost } from '../viewer/server.ts';

export class ViewerArgsError extends Error {}

export interface ReplayOptions {
  readonly run: string;
  readonly host: string;
  readonly port: number;
  readonly token?: string;
}

export function parseViewerArgs(argv: string[]): ReplayOptions | 'help' {
  const program = new Command('viewer')
    .description("Serve the live viewer page for a finished run's metrics")
    .exitOverride()
    .requiredOption('--run <dir>', 'a run directory written by train:env or derl')
    .option('--host <host>', 'interface to listen on (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '8765')
    .option('--token <secret>', 'access token (required off loopback)');
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed') return 'help';
      throw new ViewerArgsError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  const o = program.opts<{ run: string; host: string; port: string; token?: string }>();
  if (!/^\d+$/.test(o.port) || Number(o.port) > 65535) throw new ViewerArgsError(`--port must be an integer in [0, 65535], got '${o.port}'`);
  if (!fs.existsSync(path.join(o.run, 'metrics.jsonl'))) throw new ViewerArgsError(`--run: '${o.run}' holds no metrics.jsonl; is it a run directory?`);
  if (!isLoopbackHost(o.host) && !o.token) throw new ViewerArgsError(`--host ${o.host}: exposing the viewer beyond this machine needs --token`);
  return { run: o.run, host: o.host, port: Number(o.port), token: o.token };
}

/** Start a server holding the run's recorded metrics as a finished run; returns it (caller closes). */
export async function replayRun(opts: ReplayOptions): Promise<ViewerServer> {
  const dir = path.resolve(opts.run);
  const cfgPath = path.join(dir, 'config.json');
  const cfg = fs.existsSync(cfgPath) ? (JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as { env?: string; agent?: string; derl?: { env?: string } }) : {};
  const env = cfg.env ?? cfg.derl?.env ?? 'unknown';
  const server = await ViewerServer.start({ host: opts.host, port: opts.port, token: opts.token, staticDir: CLIENT_DIR, extraStatic: VENDOR });
  const summaryPath = path.join(dir, 'summary.json');
  const summary = fs.existsSync(summaryPath) ? JSON.parse(fs.readFileSync(summaryPath, 'utf8')) : undefined;
  const episodeFile = path.join(dir, 'episodes', 'eval-0.jsonl');
  const episode = fs.existsSync(episodeFile) ? readRecording(episodeFile) : [];
  const meta = episode.find((l) => l.kind === 'meta') as Extract<RecordedLine, { kind: 'meta' }> | undefined;
  const run = server.openRun({ runId: path.basename(dir), env, family: env.split('/')[0], agent: cfg.agent ?? (cfg.derl ? 'derl' : undefined), numEnvs: 1, scene: meta?.scene, replay: true, summary });
  const records = readMetrics(path.join(dir, 'metrics.jsonl')).sort((a, b) => a.step - b.step);
  let i = 0;
  while (i < records.length) {
    const step = records[i].step;
    const scalars: Record<string, number> = {};
    for (; i < records.length && records[i].step === step; i++) scalars[records[i].tag] = records[i].value;
    run.metrics(step, scalars);
  }
  if (episode.length <= 1) {
    run.close();
    return server;
  }
  // Replay the recorded evaluation episode in a loop, 30 steps per second, 1 s between repeats.
  const steps = episode.filter((l) => l.kind !== 'meta');
  let k = 0;
  let wait = 0;
  const timer = setInterval(() => {
    if (wait > 0) {
      wait--;
      return;
    }
    const l = steps[k];
    if (l.kind === 'poses') run.poses(0, l.step, Float32Array.from(l.data));
    else if (l.kind === 'transcript') run.transcript(0, l.entry);
    else if (l.kind === 'episodeEnd') {
      run.episodeEnd(0, l.stats);
      wait = 30;
    }
    k = (k + 1) % steps.length;
  }, 33);
  const close = server.close.bind(server);
  server.close = () => {
    clearInterval(timer);
    return close();
  };
  return server;
}

export async function main(argv: string[]): Promise<number> {
  let opts: ReplayOptions | 'help';
  try {
    opts = parseViewerArgs(argv);
  } catch (e) {
    process.stderr.write(`viewer: ${(e as Error).message}\n`);
    return 2;
  }
  if (opts === 'help') return 0;
  const server = await replayRun(opts);
  process.stderr.write(`viewer: ${opts.run} at ${server.url}${opts.token ? `?token=${encodeURIComponent(opts.token)}` : ''} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
