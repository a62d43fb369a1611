// Digests and encodings (language.md, "Digests and encodings"), from
// packaged libraries: OpenSSL for the digests and base64, curl for URL
// escaping and joining (RFC 3986). Strings are bytes, so every function
// takes and gives any bytes.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

namespace taskrt {

// Lower-case hexadecimal digests of the bytes of `s`.
std::string md5(const std::string& s);
std::string sha1(const std::string& s);
std::string sha256(const std::string& s);

// Standard base64 (RFC 4648, with padding); decoding skips whitespace and
// fails with ValueError on anything else that is not base64.
std::string base64_encode(const std::string& s);
std::string base64_decode(const std::string& s);

// Percent-encoding: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX;
// url_decode turns %XX back (and leaves a `+` alone).
std::string url_encode(const std::string& s);
std::string url_decode(const std::string& s);
// `ref` resolved against `base`, as a browser resolves a link (RFC 3986):
// url_join("https://a.org/x/y", "../z") is "https://a.org/z". ValueError
// when `base` is not an absolute URL.
std::string url_join(const std::string& base, const std::string& ref);

}  // namespace taskrt
