// SPDX-License-Identifier: MIT
// multistream-select 1.0 negotiation machines; see machine.hpp.
#include "p2p/multistream/machine.hpp"

#include <algorithm>

namespace pcp::p2p::multistream {

namespace detail {
result<std::optional<std::string>> message_reader::next(bytes_view in, std::size_t& pos)
{
    if (partial_.empty()) {
        auto rest = in.subspan(pos);
        PCP_TRY(auto d, decode(rest));
        if (d.complete()) {
            pos += d.consumed;
            return std::move(d.message);
        }
        // decode() bounds a pending message to max_prefix_size + max_message_size bytes.
        partial_.assign(rest.begin(), rest.end());
        pos = in.size();
        return std::optional<std::string>{};
    }
    while (pos < in.size()) {
        PCP_TRY(auto d, decode(partial_));
        // Known total: take exactly what is missing. Prefix incomplete: one byte at a time.
        std::size_t take = d.needed > partial_.size() ? d.needed - partial_.size() : 1;
        take = std::min(take, in.size() - pos);
        partial_.insert(partial_.end(), in.begin() + static_cast<std::ptrdiff_t>(pos),
                        in.begin() + static_cast<std::ptrdiff_t>(pos + take));
        pos += take;
        PCP_TRY(auto d2, decode(partial_));
        if (d2.complete()) {
            partial_.clear();
            return std::move(d2.message);
        }
    }
    return std::optional<std::string>{};
}
} // namespace detail

namespace {
bool valid_protocol(const std::string& p) { return !p.empty() && p.size() <= max_protocol_size; }
void put(byte_buffer& out, std::string_view text) { (void)encode(text, out); } // sizes pre-checked
} // namespace

// ---------------------------------------------------------------------------------------------
// dialer

result<dialer> dialer::create(std::vector<std::string> protocols, bool lazy)
{
    if (protocols.empty() || protocols.size() > max_attempts ||
        !std::all_of(protocols.begin(), protocols.end(), valid_protocol)) {
        return errc::invalid_argument;
    }
    return dialer(std::move(protocols), lazy);
}

dialer::dialer(std::vector<std::string> protocols, bool lazy)
    : protocols_(std::move(protocols)), lazy_(lazy && protocols_.size() == 1)
{
    put(tx_, protocol_id);
    put(tx_, protocols_.front());
    if (lazy_) {
        (void)events_.push(event{event::kind::selected, protocols_.front()});
    }
}

result<void> dialer::fail(errc e)
{
    state_ = state::failed;
    error_ = e;
    return e;
}

result<std::size_t> dialer::handle_input(bytes_view in)
{
    last_consumed_ = 0;
    if (state_ == state::failed) {
        return error_;
    }
    std::size_t pos = 0;
    while (state_ != state::done && pos < in.size()) {
        auto msg = reader_.next(in, pos);
        last_consumed_ = pos;
        if (!msg) {
            state_ = state::failed;
            error_ = errc::bad_length;
            if (msg.error().category() == multistream_category()) {
                error_ = static_cast<errc>(msg.error().value());
            }
            return msg.error();
        }
        if (!msg.value()) {
            break;
        }
        PCP_TRY(on_message(*msg.value()));
    }
    last_consumed_ = pos;
    return pos;
}

result<void> dialer::on_message(const std::string& msg)
{
    if (state_ == state::expect_header) {
        if (msg != protocol_id) {
            return fail(errc::bad_header);
        }
        state_ = state::expect_response;
        return ok();
    }
    const std::string& proposal = protocols_[current_];
    if (msg == proposal) {
        state_ = state::done;
        (void)events_.push(event{lazy_ ? event::kind::confirmed : event::kind::selected, proposal});
        return ok();
    }
    if (msg != not_available) {
        return fail(errc::unexpected_message);
    }
    (void)events_.push(event{event::kind::refused, proposal});
    if (lazy_ || ++current_ == protocols_.size()) {
        return fail(errc::protocol_not_supported);
    }
    put(tx_, protocols_[current_]);
    return ok();
}

bool dialer::poll_transmit(byte_buffer& out)
{
    if (tx_.empty()) {
        return false;
    }
    append(out, tx_);
    tx_.clear();
    return true;
}

std::optional<event> dialer::poll_event() { return events_.pop(); }

std::optional<std::string_view> dialer::selected() const noexcept
{
    if (state_ == state::done || (lazy_ && state_ != state::failed)) {
        return std::string_view{protocols_[current_]};
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// listener

result<listener> listener::create(std::vector<std::string> supported, options opts)
{
    std::erase_if(supported, [](const std::string& p) { return !valid_protocol(p); });
    if (supported.empty() || opts.max_attempts == 0) {
        return errc::invalid_argument;
    }
    return listener(std::move(supported), opts);
}

listener::listener(std::vector<std::string> supported, options opts)
    : supported_(std::move(supported)), opts_(opts)
{
    if (opts_.eager_header) {
        put(tx_, protocol_id);
        header_sent_ = true;
    }
}

result<void> listener::fail(errc e)
{
    state_ = state::failed;
    error_ = e;
    return e;
}

result<std::size_t> listener::handle_input(bytes_view in)
{
    last_consumed_ = 0;
    if (state_ == state::failed) {
        return error_;
    }
    std::size_t pos = 0;
    while (state_ != state::done && pos < in.size()) {
        auto msg = reader_.next(in, pos);
        last_consumed_ = pos;
        if (!msg) {
            state_ = state::failed;
            error_ = errc::bad_length;
            if (msg.error().category() == multistream_category()) {
                error_ = static_cast<errc>(msg.error().value());
            }
            return msg.error();
        }
        if (!msg.value()) {
            break;
        }
        PCP_TRY(on_message(*msg.value()));
    }
    last_consumed_ = pos;
    return pos;
}

result<void> listener::on_message(const std::string& msg)
{
    if (state_ == state::expect_header) {
        if (msg != protocol_id) {
            return fail(errc::bad_header);
        }
        if (!header_sent_) {
            put(tx_, protocol_id);
            header_sent_ = true;
        }
        state_ = state::expect_proposal;
        return ok();
    }
    if (attempts_ == opts_.max_attempts) {
        return fail(errc::too_many_attempts);
    }
    ++attempts_;
    if (std::find(supported_.begin(), supported_.end(), msg) != supported_.end()) {
        put(tx_, msg);
        selected_ = msg;
        state_ = state::done;
        (void)events_.push(event{event::kind::selected, msg});
        return ok();
    }
    if (msg == list_request) {
        (void)encode_listing(supported_, tx_);
        return ok();
    }
    put(tx_, not_available);
    return ok();
}

bool listener::poll_transmit(byte_buffer& out)
{
    if (tx_.empty()) {
        return false;
    }
    append(out, tx_);
    tx_.clear();
    return true;
}

std::optional<event> listener::poll_event() { return events_.pop(); }

std::optional<std::string_view> listener::selected() const noexcept
{
    if (selected_) {
        return std::string_view{*selected_};
    }
    return std::nullopt;
}

} // namespace pcp::p2p::multistream
