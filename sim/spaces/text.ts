/**
 * Text({maxLength, minLength = 1, charset}): strings of `minLength..maxLength` characters (Unicode code
 * points) drawn from `charset`, by default Gymnasium's alphanumeric set in sorted order (digits, A–Z, a–z).
 *
 * `sample()` draws the length uniformly in [minLength, maxLength], then each character uniformly.
 * `sample({mask: [length, charMask]})`, as Gymnasium: `length` fixes the length (or undefined), `charMask`
 * is a 0/1 `Int8Array` over the charset (or undefined); an all-zero `charMask` gives `''` when
 * `minLength` is 0 and throws otherwise. `sample({probability: [length, charProbability]})` draws the
 * characters from the given distribution over the charset instead.
 *
 * Flattening: `flatDim = maxLength`; slot i holds the charset index of character i, or -1 past the end.
 */
import { Space, type SampleOptions, type SpaceSpec, describeValue } from './space.ts';
import { checkVector } from './discrete.ts';

/** Gymnasium's default charset (`alphanumeric`), in the sorted order its repr prints. */
export const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface TextOptions {
  readonly maxLength: number;
  /** Default 1, as in Gymnasium. */
  readonly minLength?: number;
  /** A string of distinct characters or an iterable of single characters. Default `ALPHANUMERIC`. */
  readonly charset?: string | Iterable<string>;
  readonly seed?: number;
}

export class Text extends Space<string> {
  readonly shape: undefined = undefined;
  readonly flatDim: number;
  readonly maxLength: number;
  readonly minLength: number;
  /** The charset in index order (flatten and masks use these indices). */
  readonly characters: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  constructor(opts: TextOptions) {
    super(opts.seed);
    const { maxLength, minLength = 1 } = opts;
    if (!Number.isInteger(maxLength) || maxLength < 0) {
      throw new RangeError(`Text maxLength must be a non-negative integer, got ${maxLength}`);
    }
    if (!Number.isInteger(minLength) || minLength < 0 || minLength > maxLength) {
      throw new RangeError(`Text minLength must be an integer in [0, maxLength = ${maxLength}], got ${minLength}`);
    }
    const charset = opts.charset ?? ALPHANUMERIC;
    const characters = typeof charset === 'string' ? Array.from(charset) : [...charset];
    if (characters.length === 0) throw new RangeError('Text charset must not be empty');
    const index = new Map<string, number>();
    characters.forEach((c, i) => {
      if (typeof c !== 'string' || Array.from(c).length !== 1) {
        throw new TypeError(`Text charset[${i}] must be a single character, got ${describeValue(c)}`);
      }
      if (index.has(c)) throw new RangeError(`Text charset has '${c}' twice (at ${index.get(c)} and ${i})`);
      index.set(c, i);
    });
    this.maxLength = maxLength;
    this.minLength = minLength;
    this.flatDim = maxLength;
    this.characters = Object.freeze(characters);
    this.index = index;
  }

  /** The charset as one string. */
  get charset(): string {
    return this.characters.join('');
  }

  sample(options: SampleOptions = {}): string {
    const { mask, probability } = options;
    if (mask !== undefined && probability !== undefined) {
      throw new TypeError('Text.sample: pass either mask or probability, not both');
    }
    const [length, charMask] = mask === undefined ? [undefined, undefined] : this.pair(mask, 'mask');
    const [pLength, charProb] = probability === undefined ? [undefined, undefined] : this.pair(probability, 'probability');
    const fixed = length ?? pLength;
    let n: number;
    if (fixed === undefined) {
      n = this.rng.integers(this.minLength, this.maxLength);
    } else if (typeof fixed === 'number' && Number.isInteger(fixed) && fixed >= this.minLength && fixed <= this.maxLength) {
      n = fixed;
    } else {
      throw new RangeError(`Text sample length = ${String(fixed)} must be an integer in [${this.minLength}, ${this.maxLength}]`);
    }
    const k = this.characters.length;
    let out = '';
    if (charMask !== undefined) {
      const m = checkVector(charMask, k, 'Text character mask');
      const valid: number[] = [];
      for (let i = 0; i < k; i++) {
        if (m[i] !== 0 && m[i] !== 1) throw new RangeError(`Text character mask values must be 0 or 1, got mask[${i}] = ${m[i]}`);
        if (m[i] === 1) valid.push(i);
      }
      if (valid.length === 0) {
        if (this.minLength === 0) return '';
        throw new RangeError(
          `Text character mask is all zero, so no character can be sampled, but minLength = ${this.minLength} > 0`,
        );
      }
      for (let i = 0; i < n; i++) out += this.characters[valid[this.rng.int(valid.length)]];
      return out;
    }
    if (charProb !== undefined) {
      const p = checkVector(charProb, k, 'Text character probability');
      let total = 0;
      for (let i = 0; i < k; i++) {
        if (!(p[i] >= 0 && p[i] <= 1)) throw new RangeError(`Text character probability[${i}] = ${p[i]} is outside [0, 1]`);
        total += p[i];
      }
      if (Math.abs(total - 1) > 1e-5) throw new RangeError(`Text character probability must sum to 1, sums to ${total}`);
      for (let i = 0; i < n; i++) out += this.characters[this.rng.categorical(p)];
      return out;
    }
    for (let i = 0; i < n; i++) out += this.characters[this.rng.int(k)];
    return out;
  }

  contains(x: unknown): boolean {
    if (typeof x !== 'string') return false;
    const chars = Array.from(x);
    if (chars.length < this.minLength || chars.length > this.maxLength) return false;
    return chars.every((c) => this.index.has(c));
  }

  flatten(x: string, out = new Float32Array(this.flatDim), offset = 0): Float32Array {
    const chars = Array.from(x);
    if (chars.length > this.maxLength) {
      throw new RangeError(`Text.flatten: value has ${chars.length} characters, more than maxLength = ${this.maxLength}`);
    }
    for (let i = 0; i < this.maxLength; i++) {
      if (i >= chars.length) {
        out[offset + i] = -1;
        continue;
      }
      const j = this.index.get(chars[i]);
      if (j === undefined) throw new RangeError(`Text.flatten: character '${chars[i]}' at ${i} is not in the charset`);
      out[offset + i] = j;
    }
    return out;
  }

  unflatten(flat: ArrayLike<number>, offset = 0): string {
    let out = '';
    for (let i = 0; i < this.maxLength; i++) {
      const j = Math.round(flat[offset + i]);
      if (j < 0) break;
      if (j >= this.characters.length) throw new RangeError(`Text.unflatten: slot ${i} holds ${j}, not a charset index`);
      out += this.characters[j];
    }
    return out;
  }

  toJSON(): SpaceSpec {
    return { type: 'Text', maxLength: this.maxLength, minLength: this.minLength, charset: this.charset };
  }

  toString(): string {
    return `Text(${this.minLength}, ${this.maxLength}, charset=${this.charset})`;
  }

  /** A `[length, perCharacter]` pair as Gymnasium's Text mask/probability tuples. */
  private pair(v: unknown, field: string): [unknown, unknown] {
    if (!Array.isArray(v) || v.length !== 2) {
      throw new TypeError(`Text ${field} must be a pair [length | undefined, per-character vector | undefined], got ${describeValue(v)}`);
    }
    return [v[0], v[1]];
  }
}
