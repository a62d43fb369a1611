#include "taskrt/encoding.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <memory>

#include "taskrt/error.hpp"
#include "taskrt/format.hpp"

namespace taskrt {
namespace {

std::string digest(const EVP_MD* kind, const std::string& s) {
  unsigned char bytes[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(s.data(), s.size(), bytes, &length, kind, nullptr) != 1) {
    throw FailedError("OpenSSL could not compute a digest");
  }
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", bytes[i]);
  return hex;
}

struct CurlFree {
  void operator()(char* text) const { curl_free(text); }
};
struct CurlUrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// curl takes lengths as int.
void check_length(const std::string& s, const char* what) {
  if (s.size() > static_cast<std::size_t>(INT32_MAX)) throw ValueError(fmt::format("{}: the text is over 2 GiB", what));
}

}  // namespace

std::string md5(const std::string& s) {
  return digest(EVP_md5(), s);
}
std::string sha1(const std::string& s) {
  return digest(EVP_sha1(), s);
}
std::string sha256(const std::string& s) {
  return digest(EVP_sha256(), s);
}

std::string base64_encode(const std::string& s) {
  check_length(s, "base64_encode");
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string base64_decode(const std::string& s) {
  check_length(s, "base64_decode");
  std::unique_ptr<EVP_ENCODE_CTX, void (*)(EVP_ENCODE_CTX*)> context(EVP_ENCODE_CTX_new(), EVP_ENCODE_CTX_free);
  if (!context) throw FailedError("OpenSSL could not start decoding base64");
  std::string out(3 * (s.size() / 4) + 3, '\0');
  int written = 0;
  int last = 0;
  EVP_DecodeInit(context.get());
  int status = EVP_DecodeUpdate(context.get(), reinterpret_cast<unsigned char*>(out.data()), &written,
                                reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (status < 0 ||
      EVP_DecodeFinal(context.get(), reinterpret_cast<unsigned char*>(out.data()) + written, &last) != 1) {
    throw ValueError(fmt::format("base64_decode: {} is not base64", quote_string(s.substr(0, 60))));
  }
  out.resize(static_cast<std::size_t>(written + last));
  return out;
}

std::string url_encode(const std::string& s) {
  check_length(s, "url_encode");
  std::unique_ptr<char, CurlFree> text(curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size())));
  if (!text) throw FailedError("curl could not escape a URL component");
  return text.get();
}

std::string url_decode(const std::string& s) {
  check_length(s, "url_decode");
  int length = 0;
  std::unique_ptr<char, CurlFree> text(curl_easy_unescape(nullptr, s.data(), static_cast<int>(s.size()), &length));
  if (!text) throw FailedError("curl could not unescape a URL component");
  return std::string(text.get(), static_cast<std::size_t>(length));
}

std::string url_join(const std::string& base, const std::string& ref) {
  std::unique_ptr<CURLU, CurlUrlFree> url(curl_url());
  if (!url) throw FailedError("curl could not make a URL handle");
  if (curl_url_set(url.get(), CURLUPART_URL, base.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    throw ValueError(fmt::format("url_join: the base {} is not an absolute URL", quote_string(base)));
  }
  // Setting a relative URL on a handle that has one resolves it (RFC 3986).
  if (curl_url_set(url.get(), CURLUPART_URL, ref.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    throw ValueError(fmt::format("url_join: {} is not a URL reference", quote_string(ref)));
  }
  char* joined = nullptr;
  if (curl_url_get(url.get(), CURLUPART_URL, &joined, 0) != CURLUE_OK || joined == nullptr) {
    throw ValueError(fmt::format("url_join({}, {}): no URL results", quote_string(base), quote_string(ref)));
  }
  std::unique_ptr<char, CurlFree> owned(joined);
  return joined;
}

}  // namespace taskrt
