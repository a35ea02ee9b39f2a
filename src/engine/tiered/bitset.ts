/** Fixed-size bitset over endpoint indices (0-based). */
export class Bitset {
  readonly words: Uint32Array;
  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  has(i: number): boolean {
    return ((this.words[i >>> 5] ?? 0) >>> (i & 31)) & 1 ? true : false;
  }

  add(i: number): void {
    const w = i >>> 5;
    this.words[w] = (this.words[w] ?? 0) | (1 << (i & 31));
  }

  /** this |= other */
  or(other: Bitset): void {
    for (let w = 0; w < this.words.length; w++) this.words[w] = (this.words[w] ?? 0) | (other.words[w] ?? 0);
  }

  /** Indices of set bits, ascending. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w] ?? 0;
      while (word !== 0) {
        const low = word & -word;
        const bit = 31 - Math.clz32(low);
        yield (w << 5) + bit;
        word ^= low;
      }
    }
  }

  isEmpty(): boolean {
    return this.words.every((w) => w === 0);
  }
}
