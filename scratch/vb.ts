import { benchVlm } from '../bench/vlm.ts';
const r = await benchVlm({ noPpo: true }) as any;
const f = (x: any) => (x.pooled === null ? 'const' : x.pooled.toFixed(2)) + ' (' + (x.expertPerEpisode === null ? '-' : x.expertPerEpisode.toFixed(2)) + ') sd ' + x.rewardStd.toFixed(3);
console.log(r.embedder);
for (const [env, c] of Object.entries<any>(r.correlation)) {
  console.log(env, 'task', f(c.task));
  for (const x of c.reworded) console.log('   rew', x.prompt, f(x));
  for (const x of c.control) console.log('   ctl', x.prompt, f(x));
  for (const x of c.alphaSweep) console.log('   a=' + x.alpha, f(x));
}
