// SPDX-License-Identifier: MIT
// Path rules for names from the sender, and the escaping every displayed name goes through.
#include "p2p/transfer/path.hpp"
#include "p2p/transfer/wire.hpp"

#include <gtest/gtest.h>

namespace pcp::p2p::transfer {
namespace {

TEST(transfer_path, validation_table)
{
    using namespace std::string_literals;
    struct row {
        std::string path;
        bool ok;
    };
    std::vector<row> rows{
        {"a", true},
        {"a/b/c.txt", true},
        {"résumé/日本語.txt", true},
        {"emoji 😀", true},
        {"with space", true},
        {".hidden", true},
        {"..dots", true},
        {"a/...", true},
        {"ctrl\x01name", true}, // legal on Linux, escaped when shown
        {"", false},
        {".", false},
        {"..", false},
        {"../x", false},
        {"a/../b", false},
        {"a/..", false},
        {"./a", false},
        {"a/./b", false},
        {"/abs", false},
        {"/", false},
        {"a//b", false},
        {"a/", false},
        {"nul\0byte"s, false},
        {"back\\slash", false},
        {"..\\..\\x", false},
        {std::string(255, 'n'), true},
        {std::string(256, 'n'), false},
        {"d/" + std::string(255, 'n'), true},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(static_cast<bool>(validate_path(r.path)), r.ok) << escape_for_display(r.path);
    }
    // Total length: 4096 OK, 4097 not.
    std::string p;
    while (p.size() + 101 <= max_path_size) {
        p += std::string(100, 'x') + "/";
    }
    p += std::string(max_path_size - p.size(), 'y');
    ASSERT_EQ(p.size(), max_path_size);
    EXPECT_TRUE(validate_path(p));
    EXPECT_FALSE(validate_path(p + "y"));
}

TEST(transfer_path, depth)
{
    EXPECT_EQ(path_depth("a"), 1u);
    EXPECT_EQ(path_depth("a/b/c"), 3u);
}

TEST(transfer_path, escape_table)
{
    using namespace std::string_literals;
    struct row {
        std::string in;
        std::string out;
    };
    std::vector<row> rows{
        {"plain.txt", "plain.txt"},
        {"résumé 日本 😀", "résumé 日本 😀"},
        {"a\\b", "a\\\\b"},
        {"line\nbreak", "line\\nbreak"},
        {"tab\there", "tab\\there"},
        {"cr\r", "cr\\r"},
        {"bell\x07", "bell\\x07"},
        {"esc\x1b[31mred", "esc\\x1b[31mred"},
        {"nul\0"s, "nul\\x00"},
        {"del\x7f", "del\\x7f"},
        {"c1\xc2\x85", "c1\\u{0085}"},               // U+0085 NEL
        {"c1\xc2\x9b", "c1\\u{009b}"},               // U+009B CSI
        {"evil\xe2\x80\xaetxt.exe", "evil\\u{202e}txt.exe"}, // RLO
        {"\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u{202a}\\u{202b}\\u{202c}\\u{202d}"},
        {"\xe2\x81\xa6x\xe2\x81\xa9", "\\u{2066}x\\u{2069}"}, // LRI .. PDI
        {"\xe2\x81\xa7\xe2\x81\xa8", "\\u{2067}\\u{2068}"},
        {"\xe2\x80\x8f", "\\u{200f}"},                 // RLM
        {"bad\xff", "bad\\xff"},
        {"trunc\xe2\x80", "trunc\\xe2\\x80"},
        {"overlong\xc0\xaf", "overlong\\xc0\\xaf"},
        {"surrogate\xed\xa0\x80", "surrogate\\xed\\xa0\\x80"},
        {"toohigh\xf4\x90\x80\x80", "toohigh\\xf4\\x90\\x80\\x80"},
        {"max\xf4\x8f\xbf\xbf", "max\xf4\x8f\xbf\xbf"},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(escape_for_display(r.in), r.out);
    }
}

TEST(transfer_path, escaped_text_has_no_controls_or_bidi)
{
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all.push_back(static_cast<char>(i));
    }
    all += "\xe2\x80\xae\xe2\x81\xa6";
    auto e = escape_for_display(all);
    for (unsigned char c : e) {
        EXPECT_FALSE(c < 0x20 || c == 0x7f) << int(c);
    }
    EXPECT_EQ(e.find("\xe2\x80\xae"), std::string::npos);
}

} // namespace
} // namespace pcp::p2p::transfer
