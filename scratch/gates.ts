import { OfflineEmbedder } from '../rewards/vlm/offline/offline_embedder.ts';
const e = OfflineEmbedder.load();
const ps = ['a wooden cart', 'a blue sky over a meadow', 'the hand reaches the blue marker', 'the stick stands vertical', 'a balanced pole on the cart', 'red box touching blue marker', 'the blue target has the red block on it', 'a robot arm', 'a table', 'a cart with a pole', 'the robot is happy'];
const t = e.embedTexts(ps);
const D = e.dim, k = 64;
ps.forEach((p, i) => {
  const nz = (o: number) => t.subarray(i * D + o, i * D + o + k).some((v) => v !== 0);
  console.log(JSON.stringify(p), 'scene', t[i * D], t[i * D + 1], 'arm', nz(3), 'cart', nz(3 + k));
});
