// SPDX-License-Identifier: MIT
// Error-category helper shared by every protocol's errc.hpp (STYLE §C), and the engine's own codes.
// Pure: no Asio.
#pragma once

#include <string>
#include <system_error>
#include <type_traits>

#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>

namespace pcp {

/// An error category whose messages are "<prefix>: <text>", with text from a plain function.
class simple_category final : public boost::system::error_category {
public:
    using message_fn = const char* (*)(int) noexcept;
    simple_category(const char* prefix, message_fn fn) noexcept : prefix_(prefix), fn_(fn) {}
    const char* name() const noexcept override { return prefix_; }
    std::string message(int ev) const override { return std::string(prefix_) + ": " + fn_(ev); }

private:
    const char* prefix_;
    message_fn fn_;
};

/// Engine-level errors.
enum class errc {
    timed_out = 1,        ///< a deadline passed
    shutting_down,        ///< the runtime is stopping
    io_uring_unavailable, ///< the kernel refused io_uring
    limit_exceeded,       ///< a configured bound was hit
    closed,               ///< the resource was closed
    pool_exhausted,       ///< no free buffer in a bounded pool
};

/// The engine's error category ("engine: ...").
const boost::system::error_category& engine_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), engine_category()};
}

} // namespace pcp

template <>
struct boost::system::is_error_code_enum<pcp::errc> : std::true_type {};
