/**
 * Hashed n-gram features of text (the "hashing trick", Weinberger et al. 2009): lower-cased word tokens
 * (`[a-z0-9]+`) and their word bigrams, each hashed (FNV-1a, 32 bit) into one of `buckets` ids. A text
 * becomes the list of its feature ids (with repeats), which `DrrnScorer` averages embedding rows over.
 *
 * Unigrams carry the vocabulary ("apple", "fridge"), bigrams the entity identity and word order
 * ("apple 2", "to fridge"). Unigrams and bigrams are hashed from different seeds. Results are cached
 * per string (admissible commands repeat all the time); the cache is cleared past `cacheLimit` entries.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Lower-cased alphanumeric word tokens. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * Number of word (unigram) ids at the start of a `TextHasher.features` array: a text of n ≥ 1 words has
 * n unigram and n − 1 bigram ids.
 */
export function unigramCount(ids: Int32Array): number {
  return (ids.length + 1) >> 1;
}

export interface TextHasherOptions {
  /** Number of hash buckets (embedding rows), a positive integer. */
  readonly buckets: number;
  /** Strings cached before the cache is cleared (default 100 000). */
  readonly cacheLimit?: number;
}

export class TextHasher {
  readonly buckets: number;
  private readonly cacheLimit: number;
  private readonly cache = new Map<string, Int32Array>();

  constructor(opts: TextHasherOptions) {
    if (!Number.isInteger(opts.buckets) || opts.buckets < 1) throw new RangeError(`TextHasher: buckets must be a positive integer, got ${opts.buckets}`);
    this.buckets = opts.buckets;
    this.cacheLimit = opts.cacheLimit ?? 100_000;
  }

  /**
   * Feature ids of `text`: its n word ids in order, then its n − 1 bigram ids, each in [0, buckets).
   * Never empty: a text without words gets the single id 0.
   */
  features(text: string): Int32Array {
    const hit = this.cache.get(text);
    if (hit) return hit;
    const toks = tokenize(text);
    const n = toks.length + Math.max(0, toks.length - 1);
    const out = new Int32Array(Math.max(1, n));
    let k = 0;
    for (let i = 0; i < toks.length; i++) out[k++] = fnv(FNV_OFFSET, toks[i]) % this.buckets;
    for (let i = 0; i + 1 < toks.length; i++) out[k++] = fnv(fnv(fnv(0x1b873593, toks[i]), ' '), toks[i + 1]) % this.buckets;
    if (this.cache.size >= this.cacheLimit) this.cache.clear();
    this.cache.set(text, out);
    return out;
  }
}
