// SPDX-License-Identifier: MIT
// Bounded memory primitives owned by one core (no locks): a fixed-size buffer pool and a bounded
// FIFO. Every queue in a machine is one of these, with its capacity from a config.hpp (STYLE §B.5).
// Pure: no Asio.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace pcp {

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
