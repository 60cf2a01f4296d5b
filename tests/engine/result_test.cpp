// SPDX-License-Identifier: MIT
#include "engine/errc.hpp"
#include "engine/result.hpp"

#include <gtest/gtest.h>

namespace pcp {
namespace {

result<int> half(int x)
{
    if (x % 2) {
        return make_error_code(errc::limit_exceeded);
    }
    return x / 2;
}

result<int> quarter(int x)
{
    PCP_TRY(auto h, half(x));
    PCP_TRY(auto q, half(h));
    return q;
}

TEST(result, try_propagates_the_first_error)
{
    EXPECT_EQ(quarter(8).value(), 2);
    auto r = quarter(6);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::limit_exceeded));
    EXPECT_EQ(r.error().message(), "engine: limit exceeded");
}

} // namespace
} // namespace pcp
