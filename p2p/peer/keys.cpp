// SPDX-License-Identifier: MIT
// libp2p keys (peer-ids/peer-ids.md "Keys", "How Keys are Encoded and Messages Signed").
#include "p2p/peer/keys.hpp"

#include <cstring>
#include <utility>

#include "crypto/ed25519.hpp"
#include "crypto/key_verify.hpp"
#include "p2p/peer/errc.hpp"
#include "p2p/peer/multihash.hpp"
#include "p2p/peer/protobuf.hpp"

namespace pcp::p2p::peer {
namespace {

static_assert(max_rsa_key_data_size == crypto::max_rsa_der_size);
static_assert(max_ecdsa_key_data_size == crypto::max_ecdsa_der_size);
static_assert(secp256k1_key_size == crypto::secp256k1_compressed_size);

constexpr std::uint32_t field_type = 1;
constexpr std::uint32_t field_data = 2;

/// Read a {Type, Data} key protobuf strictly (shared by PublicKey and PrivateKey).
result<std::pair<key_type, bytes_view>> read_key_message(bytes_view pb)
{
    if (pb.size() > max_public_key_protobuf_size) {
        return errc::too_long;
    }
    pb::reader r(pb);
    std::optional<std::uint64_t> type;
    std::optional<bytes_view> data;
    while (auto f = r.next()) {
        if (f->number == field_type && f->type == pb::varint_type && !type) {
            type = f->value;
        } else if (f->number == field_data && f->type == pb::len_type && !data) {
            data = f->bytes;
        } else {
            return errc::bad_key; // duplicate, wrong wire type or unknown field
        }
    }
    if (r.failed() || !type || !data) {
        return errc::bad_key;
    }
    if (*type > static_cast<std::uint64_t>(key_type::ecdsa)) {
        return errc::unsupported_key_type;
    }
    return std::pair{static_cast<key_type>(*type), *data};
}

} // namespace

result<public_key> public_key::from_raw(key_type type, bytes_view data)
{
    bool ok = false;
    switch (type) {
    case key_type::ed25519: ok = data.size() == ed25519_key_size; break;
    case key_type::secp256k1:
        ok = data.size() == secp256k1_key_size && crypto::secp256k1_public_key_valid(data);
        break;
    case key_type::rsa:
        if (data.size() > max_rsa_key_data_size) {
            return errc::too_long;
        }
        ok = crypto::rsa_public_key_valid(data);
        break;
    case key_type::ecdsa:
        if (data.size() > max_ecdsa_key_data_size) {
            return errc::too_long;
        }
        ok = crypto::ecdsa_public_key_valid(data);
        break;
    default: return errc::unsupported_key_type;
    }
    if (!ok) {
        return errc::bad_key;
    }
    public_key k;
    k.type = type;
    k.data.assign(data.begin(), data.end());
    return k;
}

result<public_key> public_key::from_protobuf(bytes_view pb)
{
    PCP_TRY(auto msg, read_key_message(pb));
    return from_raw(msg.first, msg.second);
}

byte_buffer public_key::to_protobuf() const
{
    byte_buffer out;
    out.reserve(data.size() + 8);
    pb::put_varint(field_type, static_cast<std::uint64_t>(type), out);
    pb::put_bytes(field_data, data, out);
    return out;
}

bool public_key::verify(bytes_view msg, bytes_view sig) const
{
    switch (type) {
    case key_type::ed25519: return crypto::ed25519_verify(data, msg, sig);
    case key_type::rsa: return crypto::rsa_verify_sha256(data, msg, sig);
    case key_type::secp256k1: return crypto::secp256k1_verify_sha256(data, msg, sig);
    case key_type::ecdsa: return crypto::ecdsa_verify_sha256(data, msg, sig);
    }
    return false;
}

peer_id public_key::to_peer_id() const
{
    auto pb = to_protobuf();
    auto mh = pb.size() <= max_identity_peer_id_key_size ? identity_multihash(pb) : sha256_multihash(pb);
    auto id = peer_id::from_bytes(mh);
    return id ? std::move(id).value() : peer_id{};
}

result<public_key> extract_public_key(const peer_id& id)
{
    auto mh = decode_multihash(id.bytes());
    if (!mh || mh.value().code != multihash_identity) {
        return errc::bad_peer_id;
    }
    return public_key::from_protobuf(mh.value().digest);
}

// ---- ed25519_keypair ----

ed25519_keypair ed25519_keypair::generate()
{
    ed25519_keypair k;
    crypto::ed25519_secret secret{};
    (void)crypto::ed25519_generate(secret);
    k.secret_ = secret;
    crypto::secure_zero(secret);
    return k;
}

ed25519_keypair ed25519_keypair::from_seed(std::span<const std::byte, 32> seed)
{
    ed25519_keypair k;
    crypto::ed25519_secret secret{};
    (void)crypto::ed25519_from_seed(seed, secret);
    k.secret_ = secret;
    crypto::secure_zero(secret);
    return k;
}

result<ed25519_keypair> ed25519_keypair::from_private_protobuf(bytes_view pb)
{
    PCP_TRY(auto msg, read_key_message(pb));
    if (msg.first != key_type::ed25519) {
        return errc::unsupported_key_type;
    }
    bytes_view d = msg.second;
    if (d.size() == 96) {
        if (std::memcmp(d.data() + 32, d.data() + 64, 32) != 0) {
            return errc::bad_key;
        }
        d = d.first(64);
    }
    if (d.size() != 64) {
        return errc::bad_key;
    }
    auto k = from_seed(std::span<const std::byte, 32>(d.data(), 32));
    if (std::memcmp(k.secret_.data() + 32, d.data() + 32, 32) != 0) {
        return errc::bad_key; // the stored public half does not belong to the seed
    }
    return k;
}

byte_buffer ed25519_keypair::to_private_protobuf() const
{
    byte_buffer out;
    out.reserve(4 + secret_.size());
    pb::put_varint(field_type, static_cast<std::uint64_t>(key_type::ed25519), out);
    pb::put_bytes(field_data, secret_, out);
    return out;
}

ed25519_keypair::ed25519_keypair(ed25519_keypair&& other) noexcept : secret_(other.secret_)
{
    crypto::secure_zero(other.secret_);
}

ed25519_keypair& ed25519_keypair::operator=(ed25519_keypair&& other) noexcept
{
    if (this != &other) {
        secret_ = other.secret_;
        crypto::secure_zero(other.secret_);
    }
    return *this;
}

ed25519_keypair::~ed25519_keypair() { crypto::secure_zero(secret_); }

std::span<const std::byte, 32> ed25519_keypair::public_bytes() const noexcept
{
    return std::span<const std::byte, 32>(secret_.data() + 32, 32);
}

struct public_key ed25519_keypair::public_key() const
{
    struct public_key k;
    k.type = key_type::ed25519;
    k.data.assign(secret_.begin() + 32, secret_.end());
    return k;
}

peer_id ed25519_keypair::id() const { return public_key().to_peer_id(); }

std::array<std::byte, 64> ed25519_keypair::sign(bytes_view msg) const
{
    return crypto::ed25519_sign(secret_, msg);
}

} // namespace pcp::p2p::peer
