#include "http/json_parse.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace zt::http {
namespace {

// A basic_parser handler that builds nothing: it only checks that no object repeats a name and
// that no string holds a NUL, stopping at the first offence.
class StrictnessCheck {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  std::optional<Error> error;

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    names_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    names_.pop_back();
    return true;
  }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    return no_nul(s, ec);
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    return no_nul(s, ec);
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    return no_nul(s, ec);
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    if (!no_nul(s, ec)) return false;
    if (!names_.back().insert(key_).second) {
      error = Error::invalid("malformed_json",
                             "The name \"" + key_ + "\" appears twice in one object of the body.");
      return stop(ec);
    }
    key_.clear();
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(std::uint64_t, boost::json::string_view, boost::system::error_code&) {
    return true;
  }
  bool on_double(double, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  bool no_nul(boost::json::string_view s, boost::system::error_code& ec) {
    if (s.find('\0') == boost::json::string_view::npos) return true;
    error = Error::invalid("invalid_body",
                           "A string in the body holds a NUL character (\\u0000), which no field "
                           "accepts.");
    return stop(ec);
  }
  static bool stop(boost::system::error_code& ec) {
    ec = boost::json::error::exception;  // any error ends the parse; `error` says which
    return false;
  }

  std::vector<std::unordered_set<std::string>> names_;  // per open object: the names so far
  std::string key_;                                     // the name being read
};

}  // namespace

Result<boost::json::value> parse_json_body(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec)
    return Error::invalid("malformed_json", "The body is not valid JSON: " + ec.message() + ".");
  boost::json::basic_parser<StrictnessCheck> check(boost::json::parse_options{});
  check.write_some(false, body.data(), body.size(), ec);
  if (check.handler().error) return *check.handler().error;
  return value;
}

}  // namespace zt::http
