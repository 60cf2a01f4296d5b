// SPDX-License-Identifier: MIT
// pcp::result<T>: the vocabulary type for fallible operations (STYLE §C). Same error_code as Asio,
// so coroutine glue needs no conversion. Pure: no Asio.
#pragma once

#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>
#include <boost/system/error_code.hpp>

namespace pcp {

namespace outcome = boost::outcome_v2;
using error_code = boost::system::error_code;

/// Value or error_code. `[[nodiscard]]` on every function returning it.
template <class T>
using result = outcome::result<T, error_code, outcome::policy::terminate>;

/// Success value for result<void>.
inline auto ok() { return outcome::success(); }

} // namespace pcp

/// PCP_TRY(auto x, expr) / PCP_TRY(expr): propagate an error from a plain function.
#define PCP_TRY(...) BOOST_OUTCOME_TRY(__VA_ARGS__)
/// PCP_CO_TRY(auto x, expr) / PCP_CO_TRY(expr): the same inside a coroutine.
#define PCP_CO_TRY(...) BOOST_OUTCOME_CO_TRY(__VA_ARGS__)
