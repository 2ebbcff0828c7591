// Injected randomness.  Cores draw every branch, tag, Call-ID, nonce, query id
// and SRV weight choice from a Random they are given, so a run is a pure
// function of its seed.  The generator is specified exactly (SplitMix64, and
// our own bounded draw) so results do not depend on the standard library.
#pragma once

#include <cstdint>
#include <string>

namespace siplab {

// The characters of tokens (tags, branches, Call-IDs): base-36 digits.
inline constexpr char kBase36Digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t next_u64() = 0;

  // Uniform in [0, bound); bound > 0.  Rejection sampling, no modulo bias.
  uint64_t below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do x = next_u64();
    while (x >= limit);
    return x % bound;
  }

  // `length` characters from [0-9a-z], for tags, branches and Call-IDs.
  std::string token(size_t length) {
    std::string out;
    append_token(out, length);
    return out;
  }
  // The same characters appended to `out` (no temporary string).  One draw
  // yields up to twelve characters (36^12 < 2^64) as the base-36 digits of
  // a value uniform below 36^n, so every character is uniform and
  // independent: about 2.3 draws for a 16-character branch instead of 16
  // (below() rejects 23% of draws for 36^12 to stay unbiased).
  void append_token(std::string& out, size_t length) {
    static constexpr uint64_t kPow36[13] = {1ULL,
                                            36ULL,
                                            1296ULL,
                                            46656ULL,
                                            1679616ULL,
                                            60466176ULL,
                                            2176782336ULL,
                                            78364164096ULL,
                                            2821109907456ULL,
                                            101559956668416ULL,
                                            3656158440062976ULL,
                                            131621703842267136ULL,
                                            4738381338321616896ULL};
    const size_t at = out.size();
    out.resize(at + length);
    char* p = out.data() + at;
    while (length > 0) {
      const size_t n = length < 12 ? length : 12;
      uint64_t x = below(kPow36[n]);
      for (size_t i = 0; i < n; ++i) {
        p[i] = kBase36Digits[x % 36];
        x /= 36;
      }
      p += n;
      length -= n;
    }
  }
};

// SplitMix64 (Steele, Lea, Flood 2014): tiny state, full period, good enough
// for protocol identifiers; not for cryptographic nonces outside simulation.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t next_u64() override {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace siplab
