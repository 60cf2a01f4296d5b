// SPDX-License-Identifier: MIT
// Memory that is wiped (sodium_memzero) before it is freed: an allocator for std containers and a
// move-only string for passwords and code phrases (DESIGN §5: secrets are zeroised after use). Pure.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "engine/bytes.hpp"

namespace pcp::cli::words {

/// Overwrite `size` bytes at `p` with zeros in a way the compiler may not elide (sodium_memzero).
void wipe(void* p, std::size_t size) noexcept;

/// An allocator that wipes every block before handing it back to `Upstream`. Containers using it
/// leave no copy behind when they grow, shrink-to-fit, move-assign or die. (It cannot wipe what a
/// caller copies out of the container.)
template <class T, class Upstream = std::allocator<T>>
class zeroing_allocator {
public:
    using value_type = T;
    using is_always_equal = std::true_type;
    using propagate_on_container_move_assignment = std::true_type;
    template <class U>
    struct rebind {
        using other = zeroing_allocator<U, typename std::allocator_traits<Upstream>::template rebind_alloc<U>>;
    };

    zeroing_allocator() noexcept = default;
    template <class U, class V>
    zeroing_allocator(const zeroing_allocator<U, V>&) noexcept {} // NOLINT: converting, like std::allocator

    [[nodiscard]] T* allocate(std::size_t n) { return Upstream{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept
    {
        wipe(p, n * sizeof(T));
        Upstream{}.deallocate(p, n);
    }

    template <class U, class V>
    friend bool operator==(const zeroing_allocator&, const zeroing_allocator<U, V>&) noexcept
    {
        return true;
    }
};

/// A move-only character string whose storage is wiped when it is freed. Holds the PAKE password
/// and the printable code phrase.
class secret_string {
public:
    secret_string() = default;
    /// Copy `text` in (the caller wipes its own copy).
    explicit secret_string(std::string_view text) { append(text); }
    secret_string(secret_string&&) noexcept = default;
    secret_string& operator=(secret_string&&) noexcept = default;
    secret_string(const secret_string&) = delete;
    secret_string& operator=(const secret_string&) = delete;
    ~secret_string() = default; // the allocator wipes

    /// Reserve room first (so appends do not reallocate), then append.
    void reserve(std::size_t n) { chars_.reserve(n); }
    void append(std::string_view text) { chars_.insert(chars_.end(), text.begin(), text.end()); }
    void push_back(char c) { chars_.push_back(c); }
    /// Wipe the contents and release the storage.
    void clear() noexcept { std::vector<char, zeroing_allocator<char>>().swap(chars_); }

    [[nodiscard]] std::string_view view() const noexcept { return {chars_.data(), chars_.size()}; }
    [[nodiscard]] bytes_view bytes() const noexcept { return as_bytes(view()); }
    [[nodiscard]] std::size_t size() const noexcept { return chars_.size(); }
    [[nodiscard]] bool empty() const noexcept { return chars_.empty(); }

    /// Constant-time for equal lengths (sodium_memcmp); lengths are not secret.
    [[nodiscard]] bool equals(std::string_view other) const noexcept;

private:
    std::vector<char, zeroing_allocator<char>> chars_;
};

} // namespace pcp::cli::words
