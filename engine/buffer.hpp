// SPDX-License-Identifier: MIT
// Bounded memory primitives owned by one core (no locks): a fixed-size buffer pool and a bounded
// FIFO. Every queue in a machine is one of these, with its capacity from a config.hpp (STYLE §B.5).
// Also the byte copies of the bulk path (copy_bytes, append_bytes). Pure: no Asio.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "engine/bytes.hpp"

namespace pcp {

/// Copies of more than this many bytes that are not 64-byte co-aligned are made in pieces of this
/// size: below every glibc threshold for `rep movsb` (2048 × vector size / 16, or 2112 with FSRM).
inline constexpr std::size_t copy_piece = 2048;

namespace detail {
/// glibc's memcpy behind a pointer the optimiser cannot see through: with a size it can bound,
/// g++ expands the copy inline as `rep movsq`, which has the same slow case as `rep movsb`.
using memcpy_fn = void* (*)(void*, const void*, std::size_t);
inline volatile memcpy_fn memcpy_piece = [](void* d, const void* s, std::size_t n) { return std::memcpy(d, s, n); };
} // namespace detail

/// memcpy for the bulk path. On AMD Zen (FSRM) with glibc 2.36, a memcpy above ~2 KiB uses
/// `rep movsb` and runs at 1-2 GB/s instead of ~45 GB/s when the destination is a few bytes ahead
/// of the source modulo 64 — exactly the shift that the 2-byte Noise and 12-byte yamux headers put
/// on payload. Such copies go in copy_piece pieces, which glibc copies with its vector loop (~45
/// GB/s for every alignment, measured here); co-aligned copies stay one memcpy. No overlap.
inline void copy_bytes(std::byte* dst, const std::byte* src, std::size_t n) noexcept
{
    const auto skew = (reinterpret_cast<std::uintptr_t>(dst) - reinterpret_cast<std::uintptr_t>(src)) & 63;
    if (skew == 0) {
        std::memcpy(dst, src, n);
        return;
    }
    for (std::size_t done = 0; done < n; done += copy_piece) {
        detail::memcpy_piece(dst + done, src + done, std::min(copy_piece, n - done));
    }
}

/// append() through copy_bytes: appends `b` with one memcpy, or in pieces when that copy would be
/// slow (see copy_bytes).
inline void append_bytes(byte_buffer& out, bytes_view b)
{
    if (out.capacity() - out.size() < b.size()) {
        out.reserve(std::max(out.size() + b.size(), 2 * out.capacity())); // grow geometrically
    }
    const auto skew = (reinterpret_cast<std::uintptr_t>(out.data() + out.size()) -
                       reinterpret_cast<std::uintptr_t>(b.data())) & 63;
    if (skew == 0) {
        append(out, b);
        return;
    }
    const std::size_t at = out.size();
    out.resize(at + b.size()); // zero-fills first: cheaper than a slow copy
    copy_bytes(out.data() + at, b.data(), b.size());
}

class buffer_pool;

/// A buffer borrowed from a buffer_pool; returns itself on destruction. Move-only.
class pooled_buffer {
public:
    pooled_buffer() = default;
    pooled_buffer(pooled_buffer&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), index_(o.index_) {}
    pooled_buffer& operator=(pooled_buffer&& o) noexcept;
    pooled_buffer(const pooled_buffer&) = delete;
    pooled_buffer& operator=(const pooled_buffer&) = delete;
    ~pooled_buffer() { release(); }

    [[nodiscard]] std::span<std::byte> bytes() const noexcept;
    [[nodiscard]] std::size_t index() const noexcept { return index_; }
    [[nodiscard]] explicit operator bool() const noexcept { return pool_ != nullptr; }
    void release() noexcept;

private:
    friend class buffer_pool;
    pooled_buffer(buffer_pool* p, std::size_t i) : pool_(p), index_(i) {}
    buffer_pool* pool_ = nullptr;
    std::size_t index_ = 0;
};

/// `count` buffers of `size` bytes in one allocation (so they can be registered with the kernel
/// as one region). acquire() never allocates; it returns an empty pooled_buffer when exhausted.
class buffer_pool {
public:
    buffer_pool(std::size_t count, std::size_t size);
    buffer_pool(const buffer_pool&) = delete;
    buffer_pool& operator=(const buffer_pool&) = delete;
    ~buffer_pool() { assert(free_.size() == count_ && "buffers outlive their pool"); }

    [[nodiscard]] pooled_buffer acquire() noexcept;
    [[nodiscard]] std::size_t buffer_size() const noexcept { return size_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return count_; }
    [[nodiscard]] std::size_t available() const noexcept { return free_.size(); }
    /// The whole region, e.g. for asio::register_buffers.
    [[nodiscard]] std::span<std::byte> region() noexcept { return {storage_.get(), count_ * size_}; }
    [[nodiscard]] std::span<std::byte> at(std::size_t i) const noexcept { return {storage_.get() + i * size_, size_}; }

private:
    friend class pooled_buffer;
    void give_back(std::size_t i) noexcept { free_.push_back(i); }
    std::size_t count_;
    std::size_t size_;
    std::unique_ptr<std::byte[]> storage_;
    std::vector<std::size_t> free_;
};

inline pooled_buffer& pooled_buffer::operator=(pooled_buffer&& o) noexcept
{
    if (this != &o) {
        release();
        pool_ = std::exchange(o.pool_, nullptr);
        index_ = o.index_;
    }
    return *this;
}
inline std::span<std::byte> pooled_buffer::bytes() const noexcept
{
    return pool_ ? pool_->at(index_) : std::span<std::byte>{};
}
inline void pooled_buffer::release() noexcept
{
    if (pool_) {
        std::exchange(pool_, nullptr)->give_back(index_);
    }
}

/// A FIFO with a fixed capacity: push() refuses instead of growing.
template <class T>
class bounded_queue {
public:
    explicit bounded_queue(std::size_t capacity) : cap_(capacity), ring_(capacity) {}
    [[nodiscard]] bool push(T v)
    {
        if (size_ == cap_) {
            return false;
        }
        ring_[(head_ + size_) % cap_] = std::move(v);
        ++size_;
        return true;
    }
    [[nodiscard]] std::optional<T> pop()
    {
        if (size_ == 0) {
            return std::nullopt;
        }
        std::optional<T> v{std::move(ring_[head_])};
        head_ = (head_ + 1) % cap_;
        --size_;
        return v;
    }
    [[nodiscard]] T* front() noexcept { return size_ ? &ring_[head_] : nullptr; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] bool full() const noexcept { return size_ == cap_; }

private:
    std::size_t cap_;
    std::vector<T> ring_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace pcp
