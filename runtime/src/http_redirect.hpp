// Following a redirect the plain-http path was answered with, as curl's path
// follows them (http.cpp sends each hop by whichever path takes it).
#pragma once

#include <cstdint>
#include <string_view>

#include "taskrt/http.hpp"

namespace taskrt::detail {

// 301, 302, 303, 307 and 308, which a Location header makes a redirect.
bool is_redirect_status(std::int64_t status);

// The request for the next hop of `request` (to a plain http:// URL), sent
// to `location` after `status`: 303 turns anything but HEAD into a GET
// without a body, and 301 and 302 turn a POST into one, as browsers and curl
// do; Authorization and Cookie are not sent on to another host.
OutgoingRequest redirected_request(OutgoingRequest request, std::int64_t status, std::string_view location);

}  // namespace taskrt::detail
