// SPDX-License-Identifier: MIT
// Helpers for the peer tests: hex literals and vector files (paths relative to the repo root).
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "engine/bytes.hpp"

namespace pcp::p2p::peer::test {

inline byte_buffer hex(std::string_view h)
{
    auto b = from_hex(h);
    EXPECT_TRUE(b.has_value()) << h;
    return b.value_or(byte_buffer{});
}

/// Read "key value" lines from tests/vectors/peer/<name>.
inline std::map<std::string, std::string> load_vector(const std::string& name)
{
    std::map<std::string, std::string> out;
    std::ifstream in("tests/vectors/peer/" + name);
    EXPECT_TRUE(in.good()) << "missing vector " << name;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string k, v;
        if (ls >> k >> v) {
            out[k] = v;
        }
    }
    return out;
}

} // namespace pcp::p2p::peer::test
