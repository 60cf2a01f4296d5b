// SPDX-License-Identifier: MIT
// multistream-select 1.0 negotiation machines (libp2p/specs connections/README.md, digest §4):
// a dialer proposing protocols in preference order and a listener answering from a supported set.
// Sans-I/O: handle_input(bytes) / poll_transmit(out) / poll_event(); no clock, no sockets.
// Neither machine ever reads past the message that completes negotiation: last_consumed() (also
// handle_input's value) tells the glue where the application protocol's bytes begin.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/buffer.hpp"
#include "engine/bytes.hpp"
#include "engine/result.hpp"
#include "p2p/multistream/errc.hpp"
#include "p2p/multistream/wire.hpp"

namespace pcp::p2p::multistream {

/// Most proposals a dialer may carry and a listener answers by default (then too_many_attempts).
inline constexpr std::size_t max_attempts = 32;

/// What a machine reports to the layer above.
struct event {
    enum class kind {
        selected,  ///< `protocol` was agreed; bytes after last_consumed() belong to it
        refused,   ///< dialer only: the listener answered "na" to `protocol`
        confirmed, ///< lazy dialer only: the listener's echo of `protocol` has arrived
    };
    kind what = kind::selected;
    std::string protocol;
};

namespace detail {
/// Reads whole messages out of arbitrary chunks, never taking a byte past a message boundary.
/// Buffers at most one partial message (≤ max_prefix_size + max_message_size bytes).
class message_reader {
public:
    /// Take bytes from in[pos..] up to the end of the next message; advance pos over them.
    /// Returns the message text once complete, nullopt when `in` ran out first.
    [[nodiscard]] result<std::optional<std::string>> next(bytes_view in, std::size_t& pos);
    [[nodiscard]] std::size_t buffered() const noexcept { return partial_.size(); }

private:
    byte_buffer partial_;
};
} // namespace detail

/// The initiator side. Sends header and first proposal together without waiting (digest §4 rule 1);
/// on "na" proposes the next protocol; on the echo of its proposal, selects it.
///
/// Lazy mode (create(..., lazy=true) with exactly one protocol, like go's lazyClient and js's
/// optimisticSelect): `selected` is reported at once, so the glue may write application bytes
/// right behind the proposal; the header and echo are still verified as input arrives (glue:
/// feed every inbound byte to handle_input until confirmed(), then use the rest as application
/// data). A "na" then fails with protocol_not_supported. Do not half-close before confirmed().
/// With several protocols the lazy flag is ignored.
class dialer {
public:
    /// protocols: in preference order, 1..max_attempts entries, each 1..max_protocol_size bytes.
    /// Errors: errc::invalid_argument otherwise.
    [[nodiscard]] static result<dialer> create(std::vector<std::string> protocols, bool lazy = false);

    /// Feed bytes from the peer. Consumes only multistream messages, at most up to and including
    /// the one that completes negotiation; returns how many bytes of `in` were used (the rest, if
    /// negotiation is complete, is application data). Once complete, consumes nothing.
    /// Errors (the machine stays failed; close the stream): bad_header, unexpected_message,
    /// protocol_not_supported (every proposal got "na"), and wire errors from decode().
    [[nodiscard]] result<std::size_t> handle_input(bytes_view in);
    /// Append bytes to send; false when there is nothing.
    bool poll_transmit(byte_buffer& out);
    /// Next event, if any (bounded queue).
    [[nodiscard]] std::optional<event> poll_event();

    /// Bytes of `in` the last handle_input used.
    [[nodiscard]] std::size_t last_consumed() const noexcept { return last_consumed_; }
    /// The agreed protocol (in lazy mode: from the start, before the echo).
    [[nodiscard]] std::optional<std::string_view> selected() const noexcept;
    /// True once the listener's echo has been read (negotiation finished on the wire).
    [[nodiscard]] bool confirmed() const noexcept { return state_ == state::done; }
    /// True after an error; handle_input keeps returning it.
    [[nodiscard]] bool failed() const noexcept { return state_ == state::failed; }

private:
    enum class state { expect_header, expect_response, done, failed };
    dialer(std::vector<std::string> protocols, bool lazy);
    result<void> on_message(const std::string& msg);
    result<void> fail(errc e);

    std::vector<std::string> protocols_;
    std::size_t current_ = 0;
    bool lazy_ = false;
    state state_ = state::expect_header;
    errc error_{};
    detail::message_reader reader_;
    byte_buffer tx_;
    bounded_queue<event> events_{max_attempts + 2};
    std::size_t last_consumed_ = 0;
};

/// The responder side: answers the header once (when it arrives, as js does; or at start with
/// options::eager_header, as go does), echoes a supported proposal, answers "na" otherwise and a
/// js-style listing to "ls". After options::max_attempts proposals without agreement it fails.
class listener {
public:
    struct options {
        std::size_t max_attempts = multistream::max_attempts; ///< proposals (incl. "ls") allowed
        bool eager_header = false; ///< send our header before reading the dialer's
    };
    /// supported: the protocols we accept, 1..max_protocol_size bytes each (others are ignored).
    /// Errors: errc::invalid_argument on an empty set.
    [[nodiscard]] static result<listener> create(std::vector<std::string> supported, options opts);
    [[nodiscard]] static result<listener> create(std::vector<std::string> supported)
    {
        return create(std::move(supported), options{});
    }

    /// Feed bytes from the dialer; same consumption contract as dialer::handle_input. Header and
    /// proposal may arrive together or in any chunking. Errors: bad_header, too_many_attempts and
    /// wire errors from decode(); the machine stays failed (close the stream).
    [[nodiscard]] result<std::size_t> handle_input(bytes_view in);
    /// Append bytes to send (header, "na", listing, echo); false when there is nothing.
    bool poll_transmit(byte_buffer& out);
    /// Next event, if any: exactly one `selected` on success.
    [[nodiscard]] std::optional<event> poll_event();

    [[nodiscard]] std::size_t last_consumed() const noexcept { return last_consumed_; }
    [[nodiscard]] std::optional<std::string_view> selected() const noexcept;
    [[nodiscard]] bool done() const noexcept { return state_ == state::done; }
    [[nodiscard]] bool failed() const noexcept { return state_ == state::failed; }
    /// Proposals answered so far (including "ls").
    [[nodiscard]] std::size_t attempts() const noexcept { return attempts_; }

private:
    enum class state { expect_header, expect_proposal, done, failed };
    listener(std::vector<std::string> supported, options opts);
    result<void> on_message(const std::string& msg);
    result<void> fail(errc e);

    std::vector<std::string> supported_;
    options opts_;
    state state_ = state::expect_header;
    errc error_{};
    bool header_sent_ = false;
    std::size_t attempts_ = 0;
    std::optional<std::string> selected_;
    detail::message_reader reader_;
    byte_buffer tx_;
    bounded_queue<event> events_{2};
    std::size_t last_consumed_ = 0;
};

} // namespace pcp::p2p::multistream
