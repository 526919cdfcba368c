import fs from 'node:fs';
import { decodeSafetensors } from '../sim/io/safetensors.ts';
const a = decodeSafetensors(fs.readFileSync(process.argv[2])).tensors, b = decodeSafetensors(fs.readFileSync(process.argv[3])).tensors;
let same = 0, diff = 0;
for (const k of Object.keys(a)) {
  if (!(k in b)) { console.log('only in a:', k); continue; }
  const x = a[k].data, y = b[k].data;
  let eq = x.length === y.length;
  for (let i = 0; eq && i < x.length; i++) if (x[i] !== y[i]) eq = false;
  if (eq) same++; else { diff++; console.log('differs:', k); }
}
for (const k of Object.keys(b)) if (!(k in a)) console.log('only in b:', k);
console.log({ same, diff });
