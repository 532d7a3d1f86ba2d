"""Reference for test/unit/random.test.ts: the engine's seeded generator and samplers, in plain Python.

Usage (via test/unit/helpers/python.ts): random_ref.py <workdir>; params.json lists the cases.
Written from the published algorithms, not from our TypeScript:
  - xoshiro128** 1.1: Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"
    (the reference C code, xoshiro128starstar.c, at prng.di.unimi.it), on Python's unbounded ints
    masked to 32 bits;
  - the seeding: a SplitMix-style sequence x += golden ratio (0x9e3779b9) finalised by MurmurHash3's
    fmix32 (Steele, Lea & Flood 2014), four outputs for the four state words;
  - the samplers: Fisher-Yates in Durstenfeld's in-place form (Knuth, TAOCP 2, 3.4.2, Algorithm P),
    a uniform integer in [0, n) as next_u32 mod n.
Standard library only.
"""
import json
import math
import os
import sys

MASK = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK


def seed_words(seed):
    x = seed & MASK
    words = []
    for _ in range(4):
        x = (x + 0x9E3779B9) & MASK
        z = x
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK
        words.append(z ^ (z >> 16))
    if not any(words):
        words[0] = 1
    return words


class Xoshiro128StarStar:
    def __init__(self, state):
        self.s = list(state)

    def next_u32(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 9) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def uniform(self):
        return self.next_u32() / 2.0**32

    def below(self, n):
        return self.next_u32() % n

    def normal(self):
        u = 0.0
        while u == 0.0:
            u = self.uniform()
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * self.uniform())


def generator(seed):
    return Xoshiro128StarStar(seed_words(seed))


def sample(pool, m, seed):
    a = list(pool)
    if m >= len(a):
        return sorted(a)
    g = generator(seed)
    for i in range(max(0, m)):
        j = i + g.below(len(a) - i)
        a[i], a[j] = a[j], a[i]
    return sorted(a[: max(0, m)])


def shuffle(a, seed):
    a = list(a)
    g = generator(seed)
    for i in range(len(a) - 1, 0, -1):
        j = g.below(i + 1)
        a[i], a[j] = a[j], a[i]
    return a


def main():
    p = json.load(open(os.path.join(sys.argv[1], "params.json")))
    # The generator itself against the reference C code's output from the state {1, 2, 3, 4}
    # (the first three worked by hand from the paper's update: 1280·9, rotl(0)·9, rotl(5145, 7)·9).
    g = Xoshiro128StarStar([1, 2, 3, 4])
    first = [g.next_u32() for _ in range(3)]
    assert first == [11520, 0, 5927040], first
    out = {"streams": {}, "uniform": {}, "below": {}, "normal": {}, "samples": [], "shuffles": []}
    for seed in p["seeds"]:
        g = generator(seed)
        out["streams"][str(seed)] = [g.next_u32() for _ in range(p["count"])]
        g = generator(seed)
        out["uniform"][str(seed)] = [g.uniform() for _ in range(100)]
        g = generator(seed)
        out["below"][str(seed)] = [g.below(n) for n in range(1, 101)]
        g = generator(seed)
        out["normal"][str(seed)] = [g.normal() for _ in range(100)]
    for case in p["samples"]:
        pool = range(case["n"]) if "pool" not in case else case["pool"]
        out["samples"].append(sample(pool, case["m"], case["seed"]))
    for case in p["shuffles"]:
        out["shuffles"].append(shuffle(range(case["n"]), case["seed"]))
    print(json.dumps(out))


main()
