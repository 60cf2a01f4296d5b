// SPDX-License-Identifier: MIT
// STUB: replaced by the real handler in the next commit.
#include "p2p/kad/handler.hpp"

#include "p2p/kad/errc.hpp"

namespace pcp::p2p::kad {

result<std::optional<message>> handle_request(const message&, const peer::peer_id&, const config&,
                                              const routing_table&, provider_store&, record_store&,
                                              const peer_lookup&, instant)
{
    return errc::bad_request;
}

} // namespace pcp::p2p::kad
