// MD5 of many independent messages at once, one message per lane of GCC's generic vectors.
// The same step code is compiled three times: 16 lanes for AVX-512, 8 for AVX2 (both chosen at
// run time), and 4 for the baseline (SSE2 on x86-64, NEON on arm64, scalar code elsewhere).
#include "host/md5_lanes.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>
#include <stdexcept>

namespace guestprep::os_linux {

namespace {

typedef std::uint32_t V4 __attribute__((vector_size(16)));
typedef std::uint32_t V8 __attribute__((vector_size(32)));
typedef std::uint32_t V16 __attribute__((vector_size(64)));

constexpr std::size_t kMaxLanes = 16;

// RFC 1321: T[i] = floor(2^32 * abs(sin(i + 1))), and the per-step rotations.
constexpr std::uint32_t kT[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
constexpr int kShift[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
constexpr std::uint32_t kInit[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};

// The state of every lane, word-major: word w of lane l is words[w][l].
struct alignas(64) LaneState {
  std::uint32_t words[4][kMaxLanes];
};

// `blocks` 64-byte blocks of every lane into `state`. Lane l reads from `data[l]`, advancing by
// `stride[l]` bytes a block (0 for an idle lane, which hashes the same block again).
template <typename V>
[[gnu::always_inline]] inline void compress(LaneState& state, const std::uint8_t* const* data,
                                            const std::size_t* stride, std::size_t blocks) {
  constexpr std::size_t kLanes = sizeof(V) / sizeof(std::uint32_t);
  V a, b, c, d;
  std::memcpy(&a, state.words[0], sizeof(V));
  std::memcpy(&b, state.words[1], sizeof(V));
  std::memcpy(&c, state.words[2], sizeof(V));
  std::memcpy(&d, state.words[3], sizeof(V));
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    // Transpose: word w of every lane's block into one vector.
    alignas(64) std::uint32_t m[16][kLanes];
    for (std::size_t l = 0; l < kLanes; ++l) {
      const std::uint8_t* p = data[l] + blk * stride[l];
      for (std::size_t w = 0; w < 16; ++w) {
        std::uint32_t x;
        std::memcpy(&x, p + 4 * w, 4);
        if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap32(x);
        m[w][l] = x;
      }
    }
    V msg[16];
    for (std::size_t w = 0; w < 16; ++w) std::memcpy(&msg[w], m[w], sizeof(V));
    const V a0 = a, b0 = b, c0 = c, d0 = d;
#pragma GCC unroll 64
    for (int i = 0; i < 64; ++i) {
      V f;
      int g;
      if (i < 16) {
        f = d ^ (b & (c ^ d));
        g = i;
      } else if (i < 32) {
        f = c ^ (d & (b ^ c));
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const int s = kShift[i / 16][i % 4];
      const V t = a + f + msg[g] + kT[i];
      a = d;
      d = c;
      c = b;
      b = b + ((t << s) | (t >> (32 - s)));
    }
    a += a0;
    b += b0;
    c += c0;
    d += d0;
  }
  std::memcpy(state.words[0], &a, sizeof(V));
  std::memcpy(state.words[1], &b, sizeof(V));
  std::memcpy(state.words[2], &c, sizeof(V));
  std::memcpy(state.words[3], &d, sizeof(V));
}

using Compress = void (*)(LaneState&, const std::uint8_t* const*, const std::size_t*, std::size_t);

void compress4(LaneState& s, const std::uint8_t* const* data, const std::size_t* stride,
               std::size_t blocks) {
  compress<V4>(s, data, stride, blocks);
}

#if defined(__x86_64__) || defined(__i386__)
#define GUESTPREP_MD5_X86 1
[[gnu::target("avx2")]] void compress8(LaneState& s, const std::uint8_t* const* data,
                                       const std::size_t* stride, std::size_t blocks) {
  compress<V8>(s, data, stride, blocks);
}
[[gnu::target("avx512f")]] void compress16(LaneState& s, const std::uint8_t* const* data,
                                           const std::size_t* stride, std::size_t blocks) {
  compress<V16>(s, data, stride, blocks);
}
#endif

// One lane's message: its whole blocks in place, then one or two padded blocks in `tail`.
struct Lane {
  std::size_t id = 0;
  bool busy = false;
  bool in_tail = false;
  const std::uint8_t* next = nullptr;
  std::size_t blocks_left = 0;
  std::size_t tail_blocks = 0;
  alignas(64) std::uint8_t tail[128];
};

void start(Lane& lane, const Md5Job& job, LaneState& state, std::size_t l) {
  const std::string_view msg = job.data;
  lane.id = job.id;
  lane.busy = true;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(msg.data());
  const std::size_t whole = msg.size() / 64;
  const std::size_t rest = msg.size() % 64;
  std::memset(lane.tail, 0, sizeof lane.tail);
  if (rest > 0) std::memcpy(lane.tail, bytes + whole * 64, rest);
  lane.tail[rest] = 0x80;
  lane.tail_blocks = rest < 56 ? 1 : 2;
  std::uint64_t bits = static_cast<std::uint64_t>(msg.size()) * 8;
  for (int i = 0; i < 8; ++i) {
    lane.tail[lane.tail_blocks * 64 - 8 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
  }
  lane.in_tail = whole == 0;
  lane.next = whole == 0 ? lane.tail : bytes;
  lane.blocks_left = whole == 0 ? lane.tail_blocks : whole;
  for (int w = 0; w < 4; ++w) state.words[w][l] = kInit[w];
}

void run(const std::function<Md5Next(Md5Job&)>& source,
         const std::function<void(std::size_t, const Md5Digest&)>& done, std::size_t lanes,
         Compress kernel) {
  static const std::uint8_t kIdle[64] = {};
  LaneState state{};
  std::vector<Lane> lane(lanes);
  const std::uint8_t* data[kMaxLanes];
  std::size_t stride[kMaxLanes];
  bool ended = false;
  for (;;) {
    // Idle lanes take the next messages, until the source ends or has to wait.
    bool waiting = false;
    std::size_t busy = 0;
    for (std::size_t l = 0; l < lanes; ++l) {
      if (!lane[l].busy && !ended && !waiting) {
        Md5Job job;
        switch (source(job)) {
          case Md5Next::kMessage:
            start(lane[l], job, state, l);
            break;
          case Md5Next::kWait:
            waiting = true;
            break;
          case Md5Next::kEnd:
            ended = true;
            break;
        }
      }
      busy += lane[l].busy ? 1 : 0;
    }
    if (busy == 0) {
      if (ended) return;
      throw std::logic_error("md5Stream: the source waits with no message in flight");
    }
    std::size_t run_blocks = SIZE_MAX;
    for (std::size_t l = 0; l < lanes; ++l) {
      if (lane[l].busy) {
        run_blocks = std::min(run_blocks, lane[l].blocks_left);
        data[l] = lane[l].next;
        stride[l] = 64;
      } else {
        data[l] = kIdle;
        stride[l] = 0;
      }
    }
    kernel(state, data, stride, run_blocks);
    for (std::size_t l = 0; l < lanes; ++l) {
      Lane& ln = lane[l];
      if (!ln.busy) continue;
      ln.next += run_blocks * 64;
      ln.blocks_left -= run_blocks;
      if (ln.blocks_left > 0) continue;
      if (!ln.in_tail) {
        ln.in_tail = true;
        ln.next = ln.tail;
        ln.blocks_left = ln.tail_blocks;
        continue;
      }
      Md5Digest out;
      for (int w = 0; w < 4; ++w) {
        for (int i = 0; i < 4; ++i) {
          out[4 * w + i] = static_cast<std::uint8_t>(state.words[w][l] >> (8 * i));
        }
      }
      ln.busy = false;
      done(ln.id, out);
    }
  }
}

bool cpuRuns(unsigned lanes) {
  if (lanes == 4) return true;
#ifdef GUESTPREP_MD5_X86
  if (lanes == 8) return __builtin_cpu_supports("avx2");
  if (lanes == 16) return __builtin_cpu_supports("avx512f");
#endif
  return false;
}

}  // namespace

std::vector<unsigned> md5LaneWidths() {
  std::vector<unsigned> out;
  for (unsigned w : {4U, 8U, 16U}) {
    if (cpuRuns(w)) out.push_back(w);
  }
  return out;
}

void md5Stream(const std::function<Md5Next(Md5Job&)>& next,
               const std::function<void(std::size_t id, const Md5Digest&)>& done, unsigned lanes) {
  if (lanes == 0) lanes = md5LaneWidths().back();
  if (!cpuRuns(lanes)) {
    throw std::invalid_argument("md5: this CPU does not run " + std::to_string(lanes) + " lanes");
  }
  Compress kernel = compress4;
#ifdef GUESTPREP_MD5_X86
  if (lanes == 8) kernel = compress8;
  if (lanes == 16) kernel = compress16;
#endif
  run(next, done, lanes, kernel);
}

void md5Many(std::span<const std::string_view> messages, std::span<Md5Digest> digests,
             unsigned lanes) {
  if (digests.size() != messages.size()) {
    throw std::invalid_argument("md5Many: as many digests as messages are needed");
  }
  // Longest first, so that the lanes run out of work together rather than one long message
  // hashing alone at the end.
  std::vector<std::size_t> order(messages.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return messages[x].size() > messages[y].size();
  });
  std::size_t taken = 0;
  md5Stream(
      [&](Md5Job& job) {
        if (taken == order.size()) return Md5Next::kEnd;
        job = {order[taken], messages[order[taken]]};
        ++taken;
        return Md5Next::kMessage;
      },
      [&](std::size_t id, const Md5Digest& d) { digests[id] = d; }, lanes);
}

std::string md5ToHex(const Md5Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (std::uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

}  // namespace guestprep::os_linux
