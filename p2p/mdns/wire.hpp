// SPDX-License-Identifier: MIT
// DNS message codec for multicast DNS (RFC 1035 §4, RFC 6762 §18; libp2p-digest §10): header,
// questions and resource records with name compression. Record types A, AAAA, PTR, TXT and SRV
// are decoded; any other type is skipped and counted. The top bit of a question's class is the
// unicast-response (QU) bit, of a record's class the cache-flush bit (RFC 6762 §5.4, §10.2).
//
// Names are text: labels joined by '.', no trailing dot, the root is "". A '.' or '\' inside a
// label is escaped as "\." / "\\" (other bytes are kept as they are), so every wire name has
// exactly one text form and encode(decode(x)) keeps the labels. Comparison is ASCII
// case-insensitive (same_name). Decoding is total and bounded by the limits below. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/mdns/errc.hpp"

namespace pcp::p2p::mdns {

/// Largest packet decoded or encoded (RFC 6762 §17: 9000 bytes including IP/UDP headers).
inline constexpr std::size_t max_packet_size = 9000;
/// Longest name in wire form (length bytes + labels + the root byte), RFC 1035 §2.3.4.
inline constexpr std::size_t max_name_size = 255;
/// Longest label.
inline constexpr std::size_t max_label_size = 63;
/// Most questions in one message.
inline constexpr std::size_t max_questions = 64;
/// Most resource records (answers + authorities + additionals, skipped ones included).
inline constexpr std::size_t max_records = 256;
/// Most compression pointers followed while reading one name.
inline constexpr std::size_t max_pointer_hops = 32;
/// Most character-strings in one TXT record.
inline constexpr std::size_t max_txt_strings = 64;
/// Longest TXT character-string (one length byte).
inline constexpr std::size_t max_txt_string_size = 255;
/// DNS header size.
inline constexpr std::size_t header_size = 12;

/// Record types (RFC 1035, 3596, 2782).
namespace rr {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t ptr = 12;
inline constexpr std::uint16_t txt = 16;
inline constexpr std::uint16_t aaaa = 28;
inline constexpr std::uint16_t srv = 33;
inline constexpr std::uint16_t any = 255; ///< question type only
} // namespace rr

/// Class IN.
inline constexpr std::uint16_t class_in = 1;
/// Header flag bits.
inline constexpr std::uint16_t flag_response = 0x8000;
inline constexpr std::uint16_t flag_authoritative = 0x0400;
inline constexpr std::uint16_t flag_truncated = 0x0200;

/// One question.
struct question {
    std::string name;
    std::uint16_t type = rr::ptr;
    std::uint16_t qclass = class_in; ///< without the QU bit
    bool unicast_response = false;   ///< the QU bit (top bit of the class field)

    friend bool operator==(const question&, const question&) = default;
};

/// One resource record of a supported type; the fields that apply depend on `type`.
struct record {
    std::string name;
    std::uint16_t type = rr::txt;
    std::uint16_t rclass = class_in; ///< without the cache-flush bit
    bool cache_flush = false;        ///< top bit of the class field
    std::uint32_t ttl = 0;
    std::array<std::byte, 16> address{}; ///< A: the first 4 bytes; AAAA: all 16 (network order)
    std::string target;                  ///< PTR: the pointed-to name; SRV: the target host
    std::uint16_t priority = 0;          ///< SRV
    std::uint16_t weight = 0;            ///< SRV
    std::uint16_t port = 0;              ///< SRV
    std::vector<std::string> txt;        ///< TXT character-strings (raw bytes, each ≤ 255)

    friend bool operator==(const record&, const record&) = default;
};

/// A DNS message.
struct message {
    std::uint16_t id = 0;
    std::uint16_t flags = 0; ///< QR, opcode, AA, TC, RD, RA, Z, RCODE as on the wire
    std::vector<question> questions;
    std::vector<record> answers;
    std::vector<record> authorities;
    std::vector<record> additionals;
    std::size_t skipped = 0; ///< decoded records of other types (not stored)

    [[nodiscard]] bool is_response() const noexcept { return (flags & flag_response) != 0; }
    friend bool operator==(const message&, const message&) = default;
};

/// Decode one UDP payload. Errors: too_large, truncated, malformed, limit_exceeded, bad_name.
[[nodiscard]] result<message> decode(bytes_view packet);
/// Encode with name compression (owner names and PTR/SRV targets). `skipped` is ignored.
/// Errors: bad_name, limit_exceeded (counts, TXT strings), too_large (> max_packet_size).
[[nodiscard]] result<byte_buffer> encode(const message& m);

/// ASCII case-insensitive name equality (RFC 1035 §2.3.3).
[[nodiscard]] bool same_name(std::string_view a, std::string_view b) noexcept;
/// The labels of a text name (escapes resolved); a single trailing '.' is accepted.
/// Errors: bad_name (empty or > 63-byte label, bad escape, > 255 bytes in wire form).
[[nodiscard]] result<std::vector<std::string>> split_name(std::string_view name);
/// Escape one label for the text form ('.' → "\.", '\' → "\\").
[[nodiscard]] std::string escape_label(std::string_view label);

/// Record builders (class IN, the given TTL).
[[nodiscard]] record make_ptr(std::string name, std::string target, std::uint32_t ttl);
[[nodiscard]] record make_txt(std::string name, std::vector<std::string> strings, std::uint32_t ttl);
[[nodiscard]] record make_srv(std::string name, std::string target, std::uint16_t port, std::uint32_t ttl);
[[nodiscard]] record make_a(std::string name, std::array<std::byte, 4> ip, std::uint32_t ttl);
[[nodiscard]] record make_aaaa(std::string name, std::array<std::byte, 16> ip, std::uint32_t ttl);

} // namespace pcp::p2p::mdns
