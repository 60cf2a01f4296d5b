// SPDX-License-Identifier: MIT
// Names from the other side are hostile text (DESIGN §5): the receiver's path rules and the one
// escaping function every sender-supplied name goes through before it is shown. Pure.
#pragma once

#include <string>
#include <string_view>

#include "engine/result.hpp"

namespace pcp::p2p::transfer {

/// Check a manifest path: non-empty, at most max_path_size bytes, '/'-separated components that
/// are each 1..max_component_size bytes, not "." or "..", without NUL or backslash, and no leading
/// or trailing '/'. Control characters and non-UTF-8 bytes are legal Linux names: they pass here
/// and are escaped on display. Errors: errc::invalid_path.
[[nodiscard]] result<void> validate_path(std::string_view path);

/// Number of components (1 for a top-level name); precondition: validate_path succeeded.
[[nodiscard]] std::size_t path_depth(std::string_view path) noexcept;

/// The text for a terminal, log or JSON string: printable UTF-8 passes; '\\' becomes "\\\\";
/// C0 controls and DEL become \n, \t, \r or \xNN; C1 controls (U+0080–U+009F), bidi embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C)
/// become \u{XXXX}; bytes that are not valid UTF-8 (overlong, surrogates, > U+10FFFF,
/// truncated) become \xNN.
[[nodiscard]] std::string escape_for_display(std::string_view s);

} // namespace pcp::p2p::transfer
