/** Hashed n-gram features: deterministic ids in range, words first then bigrams, word order matters. */
import { describe, expect, it } from 'vitest';
import { TextHasher, tokenize, unigramCount } from '../../../agents/text/features.ts';

describe('TextHasher', () => {
  it('tokenizes to lower-case alphanumeric words', () => {
    expect(tokenize('You arrive at Cabinet 1. On the cabinet-1, you see a apple 2!')).toEqual(
      ['you', 'arrive', 'at', 'cabinet', '1', 'on', 'the', 'cabinet', '1', 'you', 'see', 'a', 'apple', '2'],
    );
    expect(tokenize(' .,! ')).toEqual([]);
  });

  it('gives n word ids then n − 1 bigram ids, deterministic across instances, all in range', () => {
    const a = new TextHasher({ buckets: 1000 });
    const b = new TextHasher({ buckets: 1000 });
    const ids = a.features('take apple 1 from countertop 2');
    expect(ids.length).toBe(6 + 5);
    expect(unigramCount(ids)).toBe(6);
    expect(Array.from(b.features('take apple 1 from countertop 2'))).toEqual(Array.from(ids));
    for (const id of ids) expect(id >= 0 && id < 1000).toBe(true);
    // same word → same id wherever it occurs; the word ids of a text are those of its words alone
    expect(a.features('apple')[0]).toBe(ids[1]);
    expect(a.features('TAKE   apple')[0]).toBe(ids[0]);
    expect(a.features('')).toEqual(Int32Array.of(0));
  });

  it('bigrams carry word order', () => {
    const h = new TextHasher({ buckets: 1 << 20 });
    const x = h.features('go to');
    const y = h.features('to go');
    expect(x[0]).toBe(y[1]);
    expect(x[1]).toBe(y[0]);
    expect(x[2]).not.toBe(y[2]);
  });

  it('validates buckets and bounds its cache', () => {
    expect(() => new TextHasher({ buckets: 0 })).toThrow(/buckets must be a positive integer, got 0/);
    const h = new TextHasher({ buckets: 64, cacheLimit: 2 });
    const first = h.features('a b');
    h.features('c d');
    h.features('e f');
    expect(Array.from(h.features('a b'))).toEqual(Array.from(first));
  });
});
