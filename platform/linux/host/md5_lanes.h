// MD5 of many independent messages at once, one message per SIMD lane (RFC 1321).
//
// One MD5 is a chain of 64 dependent steps per block, so a core hashes one message at about
// 0.5 to 1 GB/s however wide its vectors are. The package verification hashes thousands of files,
// which are independent: here each 32-bit element of a vector register carries the state of a
// different file, so one pass of the 64 steps advances 4 (SSE2, NEON), 8 (AVX2) or 16
// (AVX-512) files by a block each. A lane whose file ends takes the next one.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guestprep::os_linux {

using Md5Digest = std::array<std::uint8_t, 16>;

/// The MD5 of each of `messages` into the same index of `digests` (which must be as long).
/// `lanes` 0 picks the widest vectors this CPU runs; 4, 8 or 16 force a width (for tests and
/// benchmarks; a width the CPU cannot run throws std::invalid_argument).
void md5Many(std::span<const std::string_view> messages, std::span<Md5Digest> digests,
             unsigned lanes = 0);

/// One message for md5Stream: `id` comes back with its digest; `data` must stay valid until then.
struct Md5Job {
  std::size_t id = 0;
  std::string_view data;
};

/// What md5Stream's source gives: a message in the job, nothing yet (ask again once a message in
/// flight is done: for a source waiting for memory those hold), or no more messages.
enum class Md5Next { kMessage, kWait, kEnd };

/// The MD5 of every message `next` gives, each handed to `done` as soon as it is hashed. A lane
/// whose message ends asks `next` for another, so the lanes stay busy until the source ends.
/// `next` may answer kWait only while a message it gave is not yet done (std::logic_error
/// otherwise). `lanes` as for md5Many.
void md5Stream(const std::function<Md5Next(Md5Job&)>& next,
               const std::function<void(std::size_t id, const Md5Digest&)>& done,
               unsigned lanes = 0);

/// The lane widths this CPU runs, narrowest first (4 always).
std::vector<unsigned> md5LaneWidths();

/// Lower-case hex of a digest.
std::string md5ToHex(const Md5Digest& digest);

}  // namespace guestprep::os_linux
