// SPDX-License-Identifier: MIT
#include "p2p/mdns/wire.hpp"

#include <algorithm>
#include <map>

namespace pcp::p2p::mdns {
namespace {

constexpr std::uint16_t class_top_bit = 0x8000;
constexpr std::size_t max_pointer_offset = 0x3FFF;

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// --- reading ---------------------------------------------------------------------------------

class reader {
public:
    explicit reader(bytes_view b) : b_(b) {}
    [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
    [[nodiscard]] std::size_t left() const noexcept { return b_.size() - pos_; }
    [[nodiscard]] bytes_view all() const noexcept { return b_; }
    void seek(std::size_t p) noexcept { pos_ = p; }
    [[nodiscard]] result<std::uint16_t> u16()
    {
        if (left() < 2) {
            return errc::truncated;
        }
        auto v = static_cast<std::uint16_t>((std::to_integer<unsigned>(b_[pos_]) << 8) | std::to_integer<unsigned>(b_[pos_ + 1]));
        pos_ += 2;
        return v;
    }
    [[nodiscard]] result<std::uint32_t> u32()
    {
        PCP_TRY(auto hi, u16());
        PCP_TRY(auto lo, u16());
        return (static_cast<std::uint32_t>(hi) << 16) | lo;
    }

private:
    bytes_view b_;
    std::size_t pos_ = 0;
};

// Read a (possibly compressed) name starting at r.pos(); leaves r after the name's in-place bytes.
// Loop protection: every pointer must point strictly before the previous pointer's target (the
// first one before itself), at most max_pointer_hops pointers, and the name stays ≤ 255 bytes.
result<std::string> read_name(reader& r)
{
    bytes_view b = r.all();
    std::size_t p = r.pos();
    std::size_t resume = 0;        // where the reader continues (after the first pointer)
    bool jumped = false;
    std::size_t limit = p;         // a pointer target must be < limit
    std::size_t hops = 0;
    std::size_t wire = 1;          // the root byte
    std::string out;
    for (;;) {
        if (p >= b.size()) {
            return errc::truncated;
        }
        auto len = std::to_integer<unsigned>(b[p]);
        if ((len & 0xC0) == 0xC0) {
            if (p + 1 >= b.size()) {
                return errc::truncated;
            }
            std::size_t target = ((len & 0x3F) << 8) | std::to_integer<unsigned>(b[p + 1]);
            if (++hops > max_pointer_hops) {
                return errc::limit_exceeded;
            }
            if (target >= std::min(limit, p)) {
                return errc::malformed;
            }
            if (!jumped) {
                resume = p + 2;
                jumped = true;
            }
            limit = target;
            p = target;
            continue;
        }
        if ((len & 0xC0) != 0) {
            return errc::malformed; // 0x40/0x80: extended label types (RFC 6891) unsupported
        }
        if (len == 0) {
            ++p;
            break;
        }
        wire += len + 1;
        if (wire > max_name_size) {
            return errc::bad_name;
        }
        if (p + 1 + len > b.size()) {
            return errc::truncated;
        }
        if (!out.empty()) {
            out.push_back('.');
        }
        out += escape_label(as_chars(b.subspan(p + 1, len)));
        p += 1 + len;
    }
    r.seek(jumped ? resume : p);
    return out;
}

result<record> read_record(reader& r, bool& supported)
{
    record rec;
    PCP_TRY(rec.name, read_name(r));
    PCP_TRY(rec.type, r.u16());
    PCP_TRY(auto cls, r.u16());
    rec.cache_flush = (cls & class_top_bit) != 0;
    rec.rclass = cls & static_cast<std::uint16_t>(~class_top_bit);
    PCP_TRY(rec.ttl, r.u32());
    PCP_TRY(auto rdlength, r.u16());
    if (r.left() < rdlength) {
        return errc::truncated;
    }
    const std::size_t start = r.pos();
    const std::size_t end = start + rdlength;
    bytes_view rdata = r.all().subspan(start, rdlength);
    supported = true;
    switch (rec.type) {
    case rr::a:
    case rr::aaaa: {
        const std::size_t want = rec.type == rr::a ? 4 : 16;
        if (rdlength != want) {
            return errc::malformed;
        }
        std::copy(rdata.begin(), rdata.end(), rec.address.begin());
        break;
    }
    case rr::ptr:
    case rr::srv: {
        if (rec.type == rr::srv) {
            if (rdlength < 7) {
                return errc::malformed;
            }
            PCP_TRY(rec.priority, r.u16());
            PCP_TRY(rec.weight, r.u16());
            PCP_TRY(rec.port, r.u16());
        }
        // The name must end exactly at the end of RDATA; read it from a view that stops there so a
        // label cannot run into the next record (pointers may still go back anywhere earlier).
        reader sub(r.all().first(end));
        sub.seek(r.pos());
        PCP_TRY(rec.target, read_name(sub));
        if (sub.pos() != end) {
            return errc::malformed;
        }
        break;
    }
    case rr::txt: {
        std::size_t p = 0;
        while (p < rdata.size()) {
            if (rec.txt.size() >= max_txt_strings) {
                return errc::limit_exceeded;
            }
            auto len = std::to_integer<std::size_t>(rdata[p]);
            if (p + 1 + len > rdata.size()) {
                return errc::malformed;
            }
            rec.txt.emplace_back(as_chars(rdata.subspan(p + 1, len)));
            p += 1 + len;
        }
        break;
    }
    default:
        supported = false;
        break;
    }
    r.seek(end);
    return rec;
}

// --- writing ---------------------------------------------------------------------------------

class writer {
public:
    explicit writer(byte_buffer& out) : out_(out) {}
    void u8(unsigned v) { out_.push_back(static_cast<std::byte>(v & 0xFF)); }
    void u16(std::uint16_t v)
    {
        u8(v >> 8);
        u8(v);
    }
    void u32(std::uint32_t v)
    {
        u16(static_cast<std::uint16_t>(v >> 16));
        u16(static_cast<std::uint16_t>(v));
    }
    [[nodiscard]] std::size_t size() const noexcept { return out_.size(); }
    void patch_u16(std::size_t at, std::uint16_t v)
    {
        out_[at] = static_cast<std::byte>(v >> 8);
        out_[at + 1] = static_cast<std::byte>(v & 0xFF);
    }

    // Names with compression: a suffix already written (byte for byte, so case survives the
    // round trip) becomes a pointer.
    [[nodiscard]] result<void> name(std::string_view text)
    {
        PCP_TRY(auto labels, split_name(text));
        for (std::size_t i = 0; i < labels.size(); ++i) {
            std::string key;
            for (std::size_t j = i; j < labels.size(); ++j) {
                key.push_back(static_cast<char>(labels[j].size()));
                key += labels[j];
            }
            if (auto it = suffixes_.find(key); it != suffixes_.end()) {
                u16(static_cast<std::uint16_t>(0xC000 | it->second));
                return ok();
            }
            if (size() <= max_pointer_offset) {
                suffixes_.emplace(std::move(key), size());
            }
            u8(static_cast<unsigned>(labels[i].size()));
            append(out_, labels[i]);
        }
        u8(0);
        return ok();
    }

private:
    byte_buffer& out_;
    std::map<std::string, std::size_t> suffixes_;
};

result<void> write_record(writer& w, const record& rec)
{
    PCP_TRY(w.name(rec.name));
    w.u16(rec.type);
    w.u16(static_cast<std::uint16_t>((rec.rclass & ~class_top_bit) | (rec.cache_flush ? class_top_bit : 0)));
    w.u32(rec.ttl);
    const std::size_t len_at = w.size();
    w.u16(0);
    switch (rec.type) {
    case rr::a:
        for (std::size_t i = 0; i < 4; ++i) {
            w.u8(std::to_integer<unsigned>(rec.address[i]));
        }
        break;
    case rr::aaaa:
        for (auto b : rec.address) {
            w.u8(std::to_integer<unsigned>(b));
        }
        break;
    case rr::srv: {
        w.u16(rec.priority);
        w.u16(rec.weight);
        w.u16(rec.port);
        PCP_TRY(w.name(rec.target));
        break;
    }
    case rr::ptr: {
        PCP_TRY(w.name(rec.target));
        break;
    }
    case rr::txt:
        if (rec.txt.size() > max_txt_strings) {
            return errc::limit_exceeded;
        }
        if (rec.txt.empty()) {
            w.u8(0); // RFC 6763 §6.1: an empty TXT record holds one empty string
        }
        for (const auto& s : rec.txt) {
            if (s.size() > max_txt_string_size) {
                return errc::limit_exceeded;
            }
            w.u8(static_cast<unsigned>(s.size()));
            for (char c : s) {
                w.u8(static_cast<unsigned char>(c));
            }
        }
        break;
    default:
        return errc::malformed; // only the supported types can be encoded
    }
    const std::size_t rdlength = w.size() - len_at - 2;
    if (rdlength > 0xFFFF) {
        return errc::too_large;
    }
    w.patch_u16(len_at, static_cast<std::uint16_t>(rdlength));
    return ok();
}

} // namespace

bool same_name(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string escape_label(std::string_view label)
{
    std::string out;
    out.reserve(label.size());
    for (char c : label) {
        if (c == '.' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    return out;
}

result<std::vector<std::string>> split_name(std::string_view name)
{
    std::vector<std::string> labels;
    if (name.empty() || name == ".") {
        return labels;
    }
    std::string cur;
    std::size_t wire = 1;
    bool ended_with_dot = false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        ended_with_dot = false;
        if (c == '\\') {
            if (i + 1 >= name.size() || (name[i + 1] != '.' && name[i + 1] != '\\')) {
                return errc::bad_name;
            }
            cur.push_back(name[++i]);
        } else if (c == '.') {
            if (cur.empty()) {
                return errc::bad_name;
            }
            wire += cur.size() + 1;
            labels.push_back(std::move(cur));
            cur.clear();
            ended_with_dot = true;
        } else {
            cur.push_back(c);
        }
        if (cur.size() > max_label_size) {
            return errc::bad_name;
        }
    }
    if (!ended_with_dot) {
        if (cur.empty()) {
            return errc::bad_name;
        }
        wire += cur.size() + 1;
        labels.push_back(std::move(cur));
    }
    if (wire > max_name_size) {
        return errc::bad_name;
    }
    return labels;
}

result<message> decode(bytes_view packet)
{
    if (packet.size() > max_packet_size) {
        return errc::too_large;
    }
    reader r(packet);
    message m;
    PCP_TRY(m.id, r.u16());
    PCP_TRY(m.flags, r.u16());
    PCP_TRY(auto qd, r.u16());
    PCP_TRY(auto an, r.u16());
    PCP_TRY(auto ns, r.u16());
    PCP_TRY(auto ar, r.u16());
    if (qd > max_questions || std::size_t{an} + ns + ar > max_records) {
        return errc::limit_exceeded;
    }
    for (std::size_t i = 0; i < qd; ++i) {
        question q;
        PCP_TRY(q.name, read_name(r));
        PCP_TRY(q.type, r.u16());
        PCP_TRY(auto cls, r.u16());
        q.unicast_response = (cls & class_top_bit) != 0;
        q.qclass = cls & static_cast<std::uint16_t>(~class_top_bit);
        m.questions.push_back(std::move(q));
    }
    const std::uint16_t counts[3] = {an, ns, ar};
    std::vector<record>* sections[3] = {&m.answers, &m.authorities, &m.additionals};
    for (int s = 0; s < 3; ++s) {
        for (std::size_t i = 0; i < counts[s]; ++i) {
            bool supported = false;
            PCP_TRY(auto rec, read_record(r, supported));
            if (supported) {
                sections[s]->push_back(std::move(rec));
            } else {
                ++m.skipped;
            }
        }
    }
    if (r.left() != 0) {
        return errc::malformed;
    }
    return m;
}

result<byte_buffer> encode(const message& m)
{
    if (m.questions.size() > max_questions ||
        m.answers.size() + m.authorities.size() + m.additionals.size() > max_records) {
        return errc::limit_exceeded;
    }
    byte_buffer out;
    out.reserve(512);
    writer w(out);
    w.u16(m.id);
    w.u16(m.flags);
    w.u16(static_cast<std::uint16_t>(m.questions.size()));
    w.u16(static_cast<std::uint16_t>(m.answers.size()));
    w.u16(static_cast<std::uint16_t>(m.authorities.size()));
    w.u16(static_cast<std::uint16_t>(m.additionals.size()));
    for (const auto& q : m.questions) {
        PCP_TRY(w.name(q.name));
        w.u16(q.type);
        w.u16(static_cast<std::uint16_t>((q.qclass & ~class_top_bit) | (q.unicast_response ? class_top_bit : 0)));
    }
    for (const auto* section : {&m.answers, &m.authorities, &m.additionals}) {
        for (const auto& rec : *section) {
            PCP_TRY(write_record(w, rec));
            if (out.size() > max_packet_size) {
                return errc::too_large;
            }
        }
    }
    if (out.size() > max_packet_size) {
        return errc::too_large;
    }
    return out;
}

record make_ptr(std::string name, std::string target, std::uint32_t ttl)
{
    record r;
    r.name = std::move(name);
    r.type = rr::ptr;
    r.target = std::move(target);
    r.ttl = ttl;
    return r;
}

record make_txt(std::string name, std::vector<std::string> strings, std::uint32_t ttl)
{
    record r;
    r.name = std::move(name);
    r.type = rr::txt;
    r.txt = std::move(strings);
    r.ttl = ttl;
    return r;
}

record make_srv(std::string name, std::string target, std::uint16_t port, std::uint32_t ttl)
{
    record r;
    r.name = std::move(name);
    r.type = rr::srv;
    r.target = std::move(target);
    r.port = port;
    r.ttl = ttl;
    return r;
}

record make_a(std::string name, std::array<std::byte, 4> ip, std::uint32_t ttl)
{
    record r;
    r.name = std::move(name);
    r.type = rr::a;
    std::copy(ip.begin(), ip.end(), r.address.begin());
    r.ttl = ttl;
    return r;
}

record make_aaaa(std::string name, std::array<std::byte, 16> ip, std::uint32_t ttl)
{
    record r;
    r.name = std::move(name);
    r.type = rr::aaaa;
    r.address = ip;
    r.ttl = ttl;
    return r;
}

} // namespace pcp::p2p::mdns
